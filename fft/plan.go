package fft

import "unsafe"

// Plan computes real FFTs of one length n with numpy's rfft/irfft
// conventions. An even length is computed as one complex transform of
// length n/2 over the even/odd samples packed as z_j = x_2j + i·x_(2j+1),
// followed by a post-processing pass (Cooley, Lewis & Welch 1970; Numerical
// Recipes §12.3); an odd length with a factor 3 or 5 is split by a real
// radix-3 or radix-5 pass into a real transform and one or two complex
// transforms of length n/3 or n/5 (see oddReal), other odd lengths go
// through a complex plan of length n.
//
// A Plan holds all its scratch and belongs to one goroutine: Forward and
// Inverse do not allocate, and must not be called concurrently on the same
// plan. Make one plan per worker.
type Plan struct {
	n  int
	cp *CPlan
	// z is complex scratch: len n/2 for even n (the inverse's packed
	// spectrum), len n for odd n.
	z []complex128
	// tw[k] = exp(−2πi·k/n), k = 0..n/4 (even n only).
	tw []complex128
	// odd is the split of an odd length (nil: the complex plan cp).
	odd *oddReal
	// simd selects the AVX2 kernels (haveSIMD).
	simd bool
}

// NewPlan returns a plan for real transforms of length n (n >= 1).
// It panics if n < 1.
func NewPlan(n int) *Plan {
	if n < 1 {
		panic("fft: NewPlan length < 1")
	}
	return newPlan(n, haveSIMD)
}

// newPlan builds the plan; simd says whether to use the AVX2 kernels
// (false in the tests of the pure-Go code).
func newPlan(n int, simd bool) *Plan {
	p := &Plan{n: n, simd: simd}
	if n == 1 {
		return p
	}
	if n%2 == 1 {
		if p.odd = newOddReal(n, simd); p.odd != nil {
			return p
		}
		p.cp = newCPlan(n, true, simd)
		p.z = make([]complex128, n)
		return p
	}
	h := n / 2
	p.cp = newCPlan(h, false, simd)
	p.z = make([]complex128, h)
	p.tw = make([]complex128, h/2+1)
	for k := range p.tw {
		p.tw[k] = expi(-1, k, n)
	}
	return p
}

// Len returns the transform length n.
func (p *Plan) Len() int { return p.n }

// Forward computes the unnormalised forward transform of the real
// sequence src (len n) into dst (len n/2+1):
// dst[k] = Σ_j src[j]·exp(−2πi·jk/n), the convention of numpy.fft.rfft.
// It panics if the lengths are wrong.
func (p *Plan) Forward(dst []complex128, src []float64) {
	if len(src) != p.n || len(dst) != p.n/2+1 {
		panic("fft: Forward length mismatch")
	}
	n := p.n
	switch {
	case n == 1:
		dst[0] = complex(src[0], 0)
		return
	case p.odd != nil:
		p.odd.forward(dst, src)
		return
	case n%2 == 1:
		z := p.z
		for j, v := range src {
			z[j] = complex(v, 0)
		}
		p.cp.Forward(z, z)
		copy(dst, z[:len(dst)])
		return
	}
	h := n / 2
	p.cp.forward(dst[:h], complexView(src))
	// With E and O the transforms of the even and odd samples,
	// Z_k = E_k + i·O_k, E_k = (Z_k + conj Z_(h−k))/2,
	// O_k = −i·(Z_k − conj Z_(h−k))/2, X_k = E_k + W^k·O_k and
	// X_(h−k) = conj(E_k − W^k·O_k), with W = exp(−2πi/n).
	z0 := dst[0]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[h] = complex(real(z0)-imag(z0), 0)
	tw := p.tw
	// The AVX2 kernel takes k, k+1 with their partners h−k, h−k−1 and
	// stops before the two ranges meet; the loop does the last k (at most
	// two).
	k0 := 1
	if pairs := (h/2 - 1) / 2; p.simd && pairs > 0 {
		realForwardAVX2(dst[:h], tw, pairs)
		k0 = 2*pairs + 1
	}
	for k := k0; k <= h/2; k++ {
		zk, zc := dst[k], conj(dst[h-k])
		e := scale(0.5, zk+zc)
		o := scale(0.5, mulNegI(zk-zc))
		wo := tw[k] * o
		dst[k] = e + wo
		dst[h-k] = conj(e - wo)
	}
}

// Inverse computes the inverse of Forward, including the 1/n factor
// (numpy.fft.irfft with n given): src (len n/2+1) into dst (len n). The
// imaginary parts of src[0] (and of src[n/2] for even n) are ignored.
// It panics if the lengths are wrong.
func (p *Plan) Inverse(dst []float64, src []complex128) {
	if len(dst) != p.n || len(src) != p.n/2+1 {
		panic("fft: Inverse length mismatch")
	}
	n := p.n
	switch {
	case n == 1:
		dst[0] = real(src[0])
		return
	case p.odd != nil:
		p.odd.inverse(dst, src)
		return
	case n%2 == 1:
		// The Hermitian extension Z, stored backwards (z_k = Z_(−k mod n)),
		// so that a forward transform gives the inverse.
		z := p.z
		z[0] = complex(real(src[0]), 0)
		for k := 1; k < len(src); k++ {
			z[n-k] = src[k]
			z[k] = conj(src[k])
		}
		p.cp.forward(z, z)
		s := 1 / float64(n)
		for j := range dst {
			dst[j] = s * real(z[j])
		}
		return
	}
	h := n / 2
	z := p.z[:h]
	// Rebuild Z_k = E_k + i·O_k from X: E_k = (X_k + conj X_(h−k))/2,
	// O_k = conj(W^k)·(X_k − conj X_(h−k))/2, and for the partner
	// Z_(h−k) = conj E_k + i·conj O_k. The 1/n factor (1/2 for E and O, 1/h
	// for the complex inverse) is folded in, and Z is stored backwards
	// (z_k = Z_(−k mod h)) so that a forward transform gives the inverse.
	c := 0.5 / float64(h)
	x0, xh := real(src[0]), real(src[h])
	z[0] = complex(c*(x0+xh), c*(x0-xh))
	tw := p.tw
	k0 := 1 // as in Forward
	if pairs := (h/2 - 1) / 2; p.simd && pairs > 0 {
		realInverseAVX2(z, src, tw, c, pairs)
		k0 = 2*pairs + 1
	}
	for k := k0; k <= h/2; k++ {
		xk, xc := src[k], conj(src[h-k])
		e := scale(c, xk+xc)
		o := conj(tw[k]) * scale(c, xk-xc)
		io := complex(-imag(o), real(o))
		z[h-k] = e + io
		z[k] = conj(e) + complex(imag(o), real(o))
	}
	p.cp.forward(complexView(dst), z)
}

// complexView reinterprets x (of even length) as the len(x)/2 complex values
// x[2j] + i·x[2j+1] without copying: a complex128 is laid out as two
// float64, real part first, with the same alignment (Go spec, "Numeric
// types"; unsafe.Alignof). It saves the packing pass of the even-length
// real transforms.
func complexView(x []float64) []complex128 {
	return unsafe.Slice((*complex128)(unsafe.Pointer(unsafe.SliceData(x))), len(x)/2)
}
