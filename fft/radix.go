package fft

import "math"

//go:generate go run gen_radix.go

// stage is one pass of the self-sorting (Stockham) decimation-in-frequency
// transform of length N. A pass of radix r on the current sub-length r·m,
// with stride s (the product of the radices before it, so N = r·m·s), maps
//
//	y[q + s·(r·p + j)] = w^(j·p) · Σ_k x[q + s·(p + k·m)] · ω_r^(j·k)
//
// for 0 <= q < s, 0 <= p < m, 0 <= j < r, where ω_r = exp(−2πi/r) and
// w = exp(−2πi/(r·m)). After the last pass the output is in natural order;
// no bit reversal is needed (Van Loan, Computational Frameworks for the
// FFT, 1992, §1.7). The passes only run forward: the callers obtain
// inverse transforms by index reversal, IDFT(x)_j = DFT(x)_(−j mod n)/n,
// which they fold into passes they make anyway. (A sign known at compile
// time measured 3% faster at n = 4096 and 15% at 120000 than a direction
// parameter multiplied into every rotation.)
type stage struct {
	r, m, s int
	// tw holds the twiddles w^(j·p) at [p·(r−1) + j−1].
	tw []complex128
	// cs holds, for the odd radices without their own kernel (17 … 31),
	// cos(2π·j·k/r) at [2·((j−1)·h + k−1)] and sin(2π·j·k/r) at the next
	// index, 1 <= j, k <= h = (r−1)/2 (radixOdd).
	cs []float64
	// simd selects the AVX2 kernels of simd_amd64.s where one exists for
	// this radix and stride (see run).
	simd bool
	// twv is tw in the pair layout of radix4s1AVX2 (radix 4, s = 1, even
	// m): for each p = 2i, the six values w^p, w^(p+1), w^(2p), w^(2p+2),
	// w^(3p), w^(3p+3).
	twv []complex128
	// fused says that this pass runs together with the next one
	// (CPlan.passes).
	fused bool
	// twf is tw reordered for radix55AVX2 when a radix-5 pass is fused:
	// for each p' < m/5 the twiddles of the blocks p' + k'·m/5, k' < 5.
	twf []complex128
}

// newStage precomputes the twiddles of a radix-r pass with m butterflies
// per block and stride s; simd asks for the AVX2 kernels.
func newStage(r, m, s int, simd bool) stage {
	st := stage{r: r, m: m, s: s, simd: simd}
	st.tw = make([]complex128, m*(r-1))
	for p := 0; p < m; p++ {
		for j := 1; j < r; j++ {
			t := (j * p) % (r * m)
			st.tw[p*(r-1)+j-1] = expi(-1, t, r*m)
		}
	}
	if r > 13 {
		h := (r - 1) / 2
		st.cs = make([]float64, 2*h*h)
		for j := 1; j <= h; j++ {
			for k := 1; k <= h; k++ {
				// ω_r^(jk) = cos(2πjk/r) − i·sin(2πjk/r), reduced exactly.
				w := expi(-1, (j*k)%r, r)
				st.cs[2*((j-1)*h+k-1)] = real(w)
				st.cs[2*((j-1)*h+k-1)+1] = -imag(w)
			}
		}
	}
	if simd && r == 4 && s == 1 && m%2 == 0 {
		st.twv = make([]complex128, len(st.tw))
		for p := 0; p < m; p += 2 {
			for j := range 3 {
				st.twv[3*p+2*j] = st.tw[3*p+j]
				st.twv[3*p+2*j+1] = st.tw[3*(p+1)+j]
			}
		}
	}
	return st
}

// The kernels a pass can run: the pure-Go functions below, or one of the
// AVX2 kernels of simd_amd64.s.
const (
	kernelGo = iota
	kernelRadix4
	kernelRadix4s1
	kernelRadix2
	kernelRadix3
	kernelRadix5
	kernelRadix3s1
	kernelRadix5s1
	kernelRadix2s1
)

// kernel returns the kernel of the pass. The AVX2 kernels take two complex
// values at a time along q (even s; for radix 3 and 5 also an odd s >= 3,
// whose last column q = s−1 they compute one value at a time), or along p
// for the first pass (s = 1: radix 4 with an even m and the twiddles in twv; radix
// 2, 3 and 5 with the last block of an odd m in Go); other passes run in Go.
func (st *stage) kernel() int {
	switch {
	case !st.simd:
		return kernelGo
	case st.r == 4 && st.s%2 == 0:
		return kernelRadix4
	case st.r == 4 && st.twv != nil:
		return kernelRadix4s1
	case st.r == 2 && st.s%2 == 0:
		return kernelRadix2
	case st.r == 3 && st.s >= 2:
		return kernelRadix3
	case st.r == 5 && st.s >= 2:
		return kernelRadix5
	case st.r == 3 && st.m >= 2:
		return kernelRadix3s1
	case st.r == 5 && st.m >= 2:
		return kernelRadix5s1
	case st.r == 2 && st.s == 1 && st.m >= 2:
		return kernelRadix2s1
	}
	return kernelGo
}

// run executes the pass from x into y (distinct slices of length N).
func (st *stage) run(y, x []complex128) {
	tw := st.tw
	switch st.kernel() {
	case kernelRadix4:
		radix4AVX2(y, x, tw, st.m, st.s)
		return
	case kernelRadix4s1:
		radix4s1AVX2(y, x, st.twv, st.m)
		return
	case kernelRadix2:
		radix2AVX2(y, x, tw, st.m, st.s)
		return
	case kernelRadix3:
		radix3AVX2(y, x, tw, st.m, st.s, sin60)
		return
	case kernelRadix5:
		radix5AVX2(y, x, tw, st.m, st.s, &radix5Consts)
		return
	case kernelRadix3s1:
		radix3s1AVX2(y, x, tw, st.m, sin60)
		if st.m%2 == 1 {
			radix3(y, x, st.m, 1, st.m-1, 0, tw)
		}
		return
	case kernelRadix5s1:
		radix5s1AVX2(y, x, tw, st.m, &radix5Consts)
		if st.m%2 == 1 {
			radix5(y, x, st.m, 1, st.m-1, 0, tw)
		}
		return
	case kernelRadix2s1:
		radix2s1AVX2(y, x, tw, st.m)
		if p := st.m - 1; st.m%2 == 1 {
			a0, a1 := x[p], x[p+st.m]
			y[2*p] = a0 + a1
			y[2*p+1] = (a0 - a1) * tw[p]
		}
		return
	}
	switch st.r {
	case 4:
		radix4(y, x, st.m, st.s, tw)
	case 2:
		radix2(y, x, st.m, st.s, tw)
	case 3:
		radix3(y, x, st.m, st.s, 0, 0, tw)
	case 5:
		radix5(y, x, st.m, st.s, 0, 0, tw)
	case 7:
		radix7(y, x, st.m, st.s, tw)
	case 11:
		radix11(y, x, st.m, st.s, tw)
	case 13:
		radix13(y, x, st.m, st.s, tw)
	default:
		radixOdd(y, x, st.r, st.m, st.s, tw, st.cs)
	}
}

// scale returns c·z for real c without a full complex multiplication.
func scale(c float64, z complex128) complex128 {
	return complex(c*real(z), c*imag(z))
}

// mulNegI returns −i·z.
func mulNegI(z complex128) complex128 {
	return complex(imag(z), -real(z))
}

func radix4(y, x []complex128, m, s int, tw []complex128) {
	ms := m * s
	x0 := x[0*ms : 1*ms]
	x1 := x[1*ms : 2*ms]
	x2 := x[2*ms : 3*ms]
	x3 := x[3*ms : 4*ms]
	if s == 1 {
		x1 = x1[:len(x0)]
		x2 = x2[:len(x0)]
		x3 = x3[:len(x0)]
		y = y[:4*len(x0)]
		tw = tw[:3*len(x0)]
		for p := range x0 {
			a0, a1, a2, a3 := x0[p], x1[p], x2[p], x3[p]
			t0, t1 := a0+a2, a0-a2
			t2, t3 := a1+a3, mulNegI(a1-a3)
			w := tw[3*p : 3*p+3 : 3*p+3]
			o := y[4*p : 4*p+4 : 4*p+4]
			o[0] = t0 + t2
			o[1] = (t1 + t3) * w[0]
			o[2] = (t0 - t2) * w[1]
			o[3] = (t1 - t3) * w[2]
		}
		return
	}
	for p := range m {
		b := p * s
		a0s := x0[b : b+s]
		a1s := x1[b : b+s][:len(a0s)]
		a2s := x2[b : b+s][:len(a0s)]
		a3s := x3[b : b+s][:len(a0s)]
		yb := y[4*b : 4*b+4*s]
		y0 := yb[0*s : 1*s][:len(a0s)]
		y1 := yb[1*s : 2*s][:len(a0s)]
		y2 := yb[2*s : 3*s][:len(a0s)]
		y3 := yb[3*s : 4*s][:len(a0s)]
		if p == 0 {
			for q := range a0s {
				a0, a1, a2, a3 := a0s[q], a1s[q], a2s[q], a3s[q]
				t0, t1 := a0+a2, a0-a2
				t2, t3 := a1+a3, mulNegI(a1-a3)
				y0[q] = t0 + t2
				y1[q] = t1 + t3
				y2[q] = t0 - t2
				y3[q] = t1 - t3
			}
			continue
		}
		w1, w2, w3 := tw[3*p], tw[3*p+1], tw[3*p+2]
		for q := range a0s {
			a0, a1, a2, a3 := a0s[q], a1s[q], a2s[q], a3s[q]
			t0, t1 := a0+a2, a0-a2
			t2, t3 := a1+a3, mulNegI(a1-a3)
			y0[q] = t0 + t2
			y1[q] = (t1 + t3) * w1
			y2[q] = (t0 - t2) * w2
			y3[q] = (t1 - t3) * w3
		}
	}
}

func radix2(y, x []complex128, m, s int, tw []complex128) {
	ms := m * s
	x0 := x[0*ms : 1*ms]
	x1 := x[1*ms : 2*ms]
	if s == 1 {
		x1 = x1[:len(x0)]
		y = y[:2*len(x0)]
		tw = tw[:len(x0)]
		for p := range x0 {
			a0, a1 := x0[p], x1[p]
			o := y[2*p : 2*p+2 : 2*p+2]
			o[0] = a0 + a1
			o[1] = (a0 - a1) * tw[p]
		}
		return
	}
	for p := range m {
		b := p * s
		a0s := x0[b : b+s]
		a1s := x1[b : b+s][:len(a0s)]
		yb := y[2*b : 2*b+2*s]
		y0 := yb[0*s : 1*s][:len(a0s)]
		y1 := yb[1*s : 2*s][:len(a0s)]
		if p == 0 {
			for q := range a0s {
				a0, a1 := a0s[q], a1s[q]
				y0[q] = a0 + a1
				y1[q] = a0 - a1
			}
			continue
		}
		w := tw[p]
		for q := range a0s {
			a0, a1 := a0s[q], a1s[q]
			y0[q] = a0 + a1
			y1[q] = (a0 - a1) * w
		}
	}
}

// sin60 is sin(2π/3) = √3/2.
var sin60 = math.Sqrt(3) / 2

// radix3 computes the blocks p0 <= p < m and columns q0 <= q < s of the
// pass (p0 = q0 = 0: all of it).
func radix3(y, x []complex128, m, s, p0, q0 int, tw []complex128) {
	ms := m * s
	x0 := x[0*ms : 1*ms]
	x1 := x[1*ms : 2*ms]
	x2 := x[2*ms : 3*ms]
	for p := p0; p < m; p++ {
		b := p * s
		a0s := x0[b+q0 : b+s]
		a1s := x1[b+q0 : b+s][:len(a0s)]
		a2s := x2[b+q0 : b+s][:len(a0s)]
		yb := y[3*b : 3*b+3*s]
		y0 := yb[0*s+q0 : 1*s][:len(a0s)]
		y1 := yb[1*s+q0 : 2*s][:len(a0s)]
		y2 := yb[2*s+q0 : 3*s][:len(a0s)]
		if p == 0 { // unit twiddles; the whole last pass when m = 1
			for q := range a0s {
				a0, a1, a2 := a0s[q], a1s[q], a2s[q]
				t := a1 + a2
				u := a0 - scale(0.5, t)
				v := mulNegI(scale(sin60, a1-a2))
				y0[q] = a0 + t
				y1[q] = u + v
				y2[q] = u - v
			}
			continue
		}
		w1, w2 := tw[2*p], tw[2*p+1]
		for q := range a0s {
			a0, a1, a2 := a0s[q], a1s[q], a2s[q]
			t := a1 + a2
			u := a0 - scale(0.5, t)
			v := mulNegI(scale(sin60, a1-a2))
			y0[q] = a0 + t
			y1[q] = (u + v) * w1
			y2[q] = (u - v) * w2
		}
	}
}

// Radix-5 constants: cos and sin of 2π/5 and 4π/5.
var (
	c5a = math.Cos(2 * math.Pi / 5)
	c5b = math.Cos(4 * math.Pi / 5)
	s5a = math.Sin(2 * math.Pi / 5)
	s5b = math.Sin(4 * math.Pi / 5)
)

// radix5Consts holds c5a, c5b, s5a, s5b for radix5AVX2.
var radix5Consts = [4]float64{c5a, c5b, s5a, s5b}

// radix5 computes the blocks p0 <= p < m and columns q0 <= q < s of the
// pass (p0 = q0 = 0: all of it).
func radix5(y, x []complex128, m, s, p0, q0 int, tw []complex128) {
	ms := m * s
	x0 := x[0*ms : 1*ms]
	x1 := x[1*ms : 2*ms]
	x2 := x[2*ms : 3*ms]
	x3 := x[3*ms : 4*ms]
	x4 := x[4*ms : 5*ms]
	ca, cb, sa, sb := c5a, c5b, s5a, s5b
	for p := p0; p < m; p++ {
		b := p * s
		a0s := x0[b+q0 : b+s]
		a1s := x1[b+q0 : b+s][:len(a0s)]
		a2s := x2[b+q0 : b+s][:len(a0s)]
		a3s := x3[b+q0 : b+s][:len(a0s)]
		a4s := x4[b+q0 : b+s][:len(a0s)]
		yb := y[5*b : 5*b+5*s]
		y0 := yb[0*s+q0 : 1*s][:len(a0s)]
		y1 := yb[1*s+q0 : 2*s][:len(a0s)]
		y2 := yb[2*s+q0 : 3*s][:len(a0s)]
		y3 := yb[3*s+q0 : 4*s][:len(a0s)]
		y4 := yb[4*s+q0 : 5*s][:len(a0s)]
		if p == 0 { // unit twiddles; the whole last pass when m = 1
			for q := range a0s {
				a0 := a0s[q]
				t1, d1 := a1s[q]+a4s[q], a1s[q]-a4s[q]
				t2, d2 := a2s[q]+a3s[q], a2s[q]-a3s[q]
				b1 := a0 + scale(ca, t1) + scale(cb, t2)
				b2 := a0 + scale(cb, t1) + scale(ca, t2)
				e1 := mulNegI(scale(sa, d1) + scale(sb, d2))
				e2 := mulNegI(scale(sb, d1) - scale(sa, d2))
				y0[q] = a0 + t1 + t2
				y1[q] = b1 + e1
				y4[q] = b1 - e1
				y2[q] = b2 + e2
				y3[q] = b2 - e2
			}
			continue
		}
		w := tw[4*p : 4*p+4 : 4*p+4]
		w1, w2, w3, w4 := w[0], w[1], w[2], w[3]
		for q := range a0s {
			a0 := a0s[q]
			t1, d1 := a1s[q]+a4s[q], a1s[q]-a4s[q]
			t2, d2 := a2s[q]+a3s[q], a2s[q]-a3s[q]
			b1 := a0 + scale(ca, t1) + scale(cb, t2)
			b2 := a0 + scale(cb, t1) + scale(ca, t2)
			e1 := mulNegI(scale(sa, d1) + scale(sb, d2))
			e2 := mulNegI(scale(sb, d1) - scale(sa, d2))
			y0[q] = a0 + t1 + t2
			y1[q] = (b1 + e1) * w1
			y4[q] = (b1 - e1) * w4
			y2[q] = (b2 + e2) * w2
			y3[q] = (b2 - e2) * w3
		}
	}
}

// Radix-7 constants: cos and sin of 2πk/7, k = 1, 2, 3.
var (
	c7a = math.Cos(2 * math.Pi / 7)
	c7b = math.Cos(4 * math.Pi / 7)
	c7c = math.Cos(6 * math.Pi / 7)
	s7a = math.Sin(2 * math.Pi / 7)
	s7b = math.Sin(4 * math.Pi / 7)
	s7c = math.Sin(6 * math.Pi / 7)
)

// radix7 is the radix-7 pass in the symmetric form of radix5: with
// t_k = a_k + a_(7−k) and d_k = a_k − a_(7−k), output j is
// a_0 + Σ_k cos(2πjk/7)·t_k ∓ i·Σ_k sin(2πjk/7)·d_k for j and 7 − j
// (k = 1, 2, 3), 36 real multiplications per butterfly instead of the 144
// of the direct form (Nussbaumer, Fast Fourier Transform and Convolution
// Algorithms, 1982, §5.2).
func radix7(y, x []complex128, m, s int, tw []complex128) {
	ms := m * s
	x0 := x[0*ms : 1*ms]
	x1 := x[1*ms : 2*ms]
	x2 := x[2*ms : 3*ms]
	x3 := x[3*ms : 4*ms]
	x4 := x[4*ms : 5*ms]
	x5 := x[5*ms : 6*ms]
	x6 := x[6*ms : 7*ms]
	ca, cb, cc, sa, sb, sc := c7a, c7b, c7c, s7a, s7b, s7c
	for p := range m {
		b := p * s
		a0s := x0[b : b+s]
		a1s := x1[b : b+s][:len(a0s)]
		a2s := x2[b : b+s][:len(a0s)]
		a3s := x3[b : b+s][:len(a0s)]
		a4s := x4[b : b+s][:len(a0s)]
		a5s := x5[b : b+s][:len(a0s)]
		a6s := x6[b : b+s][:len(a0s)]
		yb := y[7*b : 7*b+7*s]
		y0 := yb[0*s : 1*s][:len(a0s)]
		y1 := yb[1*s : 2*s][:len(a0s)]
		y2 := yb[2*s : 3*s][:len(a0s)]
		y3 := yb[3*s : 4*s][:len(a0s)]
		y4 := yb[4*s : 5*s][:len(a0s)]
		y5 := yb[5*s : 6*s][:len(a0s)]
		y6 := yb[6*s : 7*s][:len(a0s)]
		w := tw[6*p : 6*p+6 : 6*p+6]
		for q := range a0s {
			a0 := a0s[q]
			t1, d1 := a1s[q]+a6s[q], a1s[q]-a6s[q]
			t2, d2 := a2s[q]+a5s[q], a2s[q]-a5s[q]
			t3, d3 := a3s[q]+a4s[q], a3s[q]-a4s[q]
			b1 := a0 + scale(ca, t1) + scale(cb, t2) + scale(cc, t3)
			b2 := a0 + scale(cb, t1) + scale(cc, t2) + scale(ca, t3)
			b3 := a0 + scale(cc, t1) + scale(ca, t2) + scale(cb, t3)
			e1 := mulNegI(scale(sa, d1) + scale(sb, d2) + scale(sc, d3))
			e2 := mulNegI(scale(sb, d1) - scale(sc, d2) - scale(sa, d3))
			e3 := mulNegI(scale(sc, d1) - scale(sa, d2) + scale(sb, d3))
			y0[q] = a0 + t1 + t2 + t3
			if p == 0 { // unit twiddles; the whole last pass when m = 1
				y1[q], y6[q] = b1+e1, b1-e1
				y2[q], y5[q] = b2+e2, b2-e2
				y3[q], y4[q] = b3+e3, b3-e3
				continue
			}
			y1[q], y6[q] = (b1+e1)*w[0], (b1-e1)*w[5]
			y2[q], y5[q] = (b2+e2)*w[1], (b2-e2)*w[4]
			y3[q], y4[q] = (b3+e3)*w[2], (b3-e3)*w[3]
		}
	}
}

// maxOddHalf is (maxDirectRadix − 1)/2, the size of radixOdd's stack
// scratch.
const maxOddHalf = (maxDirectRadix - 1) / 2

// radixOdd is the pass of an odd radix r (17 … maxDirectRadix) in the
// symmetric form of radix7, with the cosines and sines in cs (stage.cs):
// 2·h² real multiply-adds per output pair, h = (r−1)/2, about r² real
// multiplications per butterfly instead of the 4·r² of the direct form.
func radixOdd(y, x []complex128, r, m, s int, tw []complex128, cs []float64) {
	h := (r - 1) / 2
	ms := m * s
	var tr, ti, dr, di [maxOddHalf]float64
	for p := range m {
		w := tw[p*(r-1) : (p+1)*(r-1)]
		for q := range s {
			in := x[q+s*p:]
			a0 := in[0]
			sr, si := real(a0), imag(a0)
			for k := 1; k <= h; k++ {
				u, v := in[k*ms], in[(r-k)*ms]
				tr[k-1], ti[k-1] = real(u)+real(v), imag(u)+imag(v)
				dr[k-1], di[k-1] = real(u)-real(v), imag(u)-imag(v)
				sr += tr[k-1]
				si += ti[k-1]
			}
			out := y[q+s*r*p:]
			out[0] = complex(sr, si)
			for j := 1; j <= h; j++ {
				c := cs[2*(j-1)*h : 2*j*h]
				br, bi := real(a0), imag(a0)
				var er, ei float64
				for k := range h {
					co, si := c[2*k], c[2*k+1]
					br += co * tr[k]
					bi += co * ti[k]
					er += si * dr[k]
					ei += si * di[k]
				}
				// −i·(er + i·ei) = ei − i·er.
				out[j*s] = complex(br+ei, bi-er) * w[j-1]
				out[(r-j)*s] = complex(br-ei, bi+er) * w[r-j-1]
			}
		}
	}
}
