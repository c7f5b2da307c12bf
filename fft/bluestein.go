package fft

import "math"

// bluestein computes a length-n DFT as a chirp-modulated cyclic
// convolution of power-of-two length m >= 2n−1 (Bluestein 1970; Rabiner,
// Schafer & Rader, "The chirp z-transform algorithm", 1969). With
// w_k = exp(−iπk²/n), jk = (k² + j² − (k−j)²)/2 gives
//
//	X_k = w_k · Σ_j (x_j·w_j) · conj(w_(k−j)),
//
// a convolution of a_j = x_j·w_j with b_j = conj(w_j), evaluated with three
// power-of-two FFTs, one of which (the transform of b) is precomputed.
type bluestein struct {
	n, m  int
	chirp []complex128 // w_k, k < n
	bhat  []complex128 // FFT_m(b)/m
	a     []complex128 // scratch, len m
	sub   *CPlan       // power-of-two plan of length m
}

func newBluestein(n int, simd bool) *bluestein {
	m := nextPow2(2*n - 1)
	bl := &bluestein{n: n, m: m, sub: newCPlan(m, true, simd)}
	bl.chirp = make([]complex128, n)
	n2 := int64(2 * n)
	for k := range n {
		// k² mod 2n keeps the angle exact for large k.
		t := int64(k) * int64(k) % n2
		s, c := math.Sincos(math.Pi * float64(t) / float64(n))
		bl.chirp[k] = complex(c, -s)
	}
	b := make([]complex128, m)
	for k := range n {
		c := conj(bl.chirp[k])
		b[k] = c
		if k > 0 {
			b[m-k] = c
		}
	}
	bl.sub.forward(b, b)
	// Fold the 1/m of the inverse transform into the kernel.
	for k := range b {
		b[k] = scale(1/float64(m), b[k])
	}
	bl.bhat = b
	bl.a = make([]complex128, m)
	return bl
}

func conj(z complex128) complex128 { return complex(real(z), -imag(z)) }

// transform computes the unnormalised DFT of src into dst (inv selects the
// +i sign, computed as conj(DFT(conj(x)))). dst may alias src.
func (bl *bluestein) transform(dst, src []complex128, inv bool) {
	n := bl.n
	a := bl.a
	chirp := bl.chirp[:n]
	src = src[:n]
	if inv {
		for k, w := range chirp {
			a[k] = conj(src[k]) * w
		}
	} else {
		for k, w := range chirp {
			a[k] = src[k] * w
		}
	}
	clear(a[n:])
	bl.sub.forward(a, a)
	bhat := bl.bhat[:len(a)]
	for k := range a {
		a[k] *= bhat[k]
	}
	// The inverse transform of the product, as a forward transform read
	// backwards (IDFT(y)_k = DFT(y)_(−k mod m)/m; 1/m is in bhat).
	bl.sub.forward(a, a)
	m := bl.m
	dst = dst[:n]
	dst[0] = a[0] * chirp[0]
	if inv {
		dst[0] = conj(dst[0])
	}
	for k := 1; k < n; k++ {
		v := a[m-k] * chirp[k]
		if inv {
			v = conj(v)
		}
		dst[k] = v
	}
}
