package fft

// oddReal computes the real transform of an odd length n = r·m (r = 3 or
// 5) with half the work of a complex transform of length n. Its first pass
// is the radix-r decimation-in-frequency pass of stage (s = 1) on real
// input: with ω_r = exp(−2πi/r) and w = exp(−2πi/n),
//
//	y_j[p] = w^(j·p) · Σ_k x[p + k·m]·ω_r^(j·k),  0 <= p < m, 0 <= j < r,
//	X[j + r·k'] = DFT_m(y_j)[k'].
//
// For real x, y_0 is real and y_(r−j)[p] = ω_m^p·conj(y_j[p]), so that
// X[r−j + r·k'] = conj(DFT_m(y_j)[m−1−k']): the half spectrum needs the
// real transform of y_0 (length m, an oddReal again or a complex plan) and
// the complex transforms of y_1 … y_((r−1)/2), (r−1)/(2r) of the complex
// work at each level, half of it over all levels (the same reduction as
// the even/odd split of Plan; Sorensen, Jones, Heideman & Burrus,
// "Real-valued fast Fourier transform algorithms", IEEE Trans. ASSP 35(6),
// 1987, §III, derive the same savings for real DIF passes).
//
// The inverse runs the transposed steps (decimation in time): the
// spectrum is split into its r interleaved subsequences, Z_j[k'] =
// X[j + r·k'], of which Z_0 is Hermitian (a real inverse of length m) and
// Z_(r−j)[k'] = conj(Z_j[m−1−k']); with u_j[p] = w^(−j·p)·IDFT_m(Z_j)[p]·m,
// u_(r−j) = conj(u_j) and
//
//	x[p + k·m] = (1/n)·(u_0[p] + Σ_(1<=j<=(r−1)/2) 2·Re(ω_r^(−j·k)·u_j[p])).
type oddReal struct {
	r, m int
	// sub is the real plan of length m (y_0), cp the complex plan of
	// length m (y_1 … y_((r−1)/2)).
	sub *Plan
	cp  *CPlan
	// tw[p·h + j−1] = w^(j·p), 1 <= j <= h = (r−1)/2.
	tw []complex128
	// y0 is the real sub-problem (len m), y0hat its half spectrum (len
	// (m+1)/2); y and yhat hold the h complex sub-problems and their
	// transforms (len h·m each).
	y0      []float64
	y0hat   []complex128
	y, yhat []complex128
}

// oddRealMin is the smallest length that oddReal splits; shorter odd
// lengths run as one complex transform, whose cost is then a few passes
// over data in L1.
const oddRealMin = 45

// newOddReal returns the split plan of the odd length n, or nil if n has
// no factor 3 or 5, is below oddRealMin, or is a Bluestein length.
func newOddReal(n int, simd bool) *oddReal {
	if n < oddRealMin || n%2 == 0 {
		return nil
	}
	if _, ok := factorize(n); !ok {
		return nil
	}
	r := 0
	switch {
	case n%3 == 0:
		r = 3
	case n%5 == 0:
		r = 5
	default:
		return nil
	}
	m := n / r
	h := (r - 1) / 2
	o := &oddReal{r: r, m: m, sub: newPlan(m, simd), cp: newCPlan(m, false, simd)}
	o.tw = make([]complex128, h*m)
	for p := range m {
		for j := 1; j <= h; j++ {
			o.tw[p*h+j-1] = expi(-1, (j*p)%n, n)
		}
	}
	o.y0 = make([]float64, m)
	o.y0hat = make([]complex128, m/2+1)
	o.y = make([]complex128, h*m)
	o.yhat = make([]complex128, h*m)
	return o
}

// forward computes dst (len (n+1)/2) = the half spectrum of src (len n).
func (o *oddReal) forward(dst []complex128, src []float64) {
	r, m := o.r, o.m
	n := r * m
	h := (r - 1) / 2
	y0 := o.y0[:m]
	switch r {
	case 3:
		x0, x1, x2 := src[:m], src[m : 2*m][:m], src[2*m : 3*m][:m]
		y1 := o.y[:m]
		tw := o.tw[:m]
		for p := range y0 {
			a0, a1, a2 := x0[p], x1[p], x2[p]
			t := a1 + a2
			y0[p] = a0 + t
			y1[p] = complex(a0-0.5*t, -sin60*(a1-a2)) * tw[p]
		}
	case 5:
		x0, x1, x2 := src[:m], src[m : 2*m][:m], src[2*m : 3*m][:m]
		x3, x4 := src[3*m : 4*m][:m], src[4*m : 5*m][:m]
		y1, y2 := o.y[:m], o.y[m : 2*m][:m]
		tw := o.tw[:2*m]
		for p := range y0 {
			a0 := x0[p]
			t1, d1 := x1[p]+x4[p], x1[p]-x4[p]
			t2, d2 := x2[p]+x3[p], x2[p]-x3[p]
			y0[p] = a0 + t1 + t2
			b1 := complex(a0+c5a*t1+c5b*t2, -(s5a*d1 + s5b*d2))
			b2 := complex(a0+c5b*t1+c5a*t2, -(s5b*d1 - s5a*d2))
			y1[p] = b1 * tw[2*p]
			y2[p] = b2 * tw[2*p+1]
		}
	}
	o.sub.Forward(o.y0hat, y0)
	for j := range h {
		o.cp.forward(o.yhat[j*m:(j+1)*m], o.y[j*m:(j+1)*m])
	}
	// X[r·k' + j]: j = 0 from y0hat, 1 <= j <= h from yhat_j[k'], and
	// h < j < r from conj(yhat_(r−j)[m−1−k']).
	half := (n - 1) / 2
	dst = dst[:half+1]
	y0hat := o.y0hat
	switch r {
	case 3:
		Y1 := o.yhat[:m]
		K := 0
		for k := 0; K+2 <= half; k++ {
			dst[K] = y0hat[k]
			dst[K+1] = Y1[k]
			dst[K+2] = conj(Y1[m-1-k])
			K += 3
		}
		for k := K / 3; K <= half; k, K = k+1, K+3 {
			dst[K] = y0hat[k]
			if K+1 <= half {
				dst[K+1] = Y1[k]
			}
		}
	case 5:
		Y1, Y2 := o.yhat[:m], o.yhat[m : 2*m][:m]
		K := 0
		for k := 0; K+4 <= half; k++ {
			dst[K] = y0hat[k]
			dst[K+1] = Y1[k]
			dst[K+2] = Y2[k]
			dst[K+3] = conj(Y2[m-1-k])
			dst[K+4] = conj(Y1[m-1-k])
			K += 5
		}
		for k := K / 5; K <= half; k++ {
			vals := [5]complex128{y0hat[k], Y1[k], Y2[k], conj(Y2[m-1-k]), conj(Y1[m-1-k])}
			for j := 0; j < 5 && K+j <= half; j++ {
				dst[K+j] = vals[j]
			}
			K += 5
		}
	}
}

// inverse computes dst (len n) from the half spectrum src (len (n+1)/2),
// including the 1/n factor; the imaginary part of src[0] is ignored.
func (o *oddReal) inverse(dst []float64, src []complex128) {
	r, m := o.r, o.m
	n := r * m
	h := (r - 1) / 2
	half := (n - 1) / 2
	// Z_0[k'] = X[r·k'], k' <= (m−1)/2 (r·(m−1)/2 <= half).
	z0 := o.y0hat
	for k := range z0 {
		z0[k] = src[r*k]
	}
	// Z_j stored backwards, zr_j[k] = Z_j[−k mod m], so that a forward
	// transform gives m·IDFT_m(Z_j).
	for j := 1; j <= h; j++ {
		zr := o.y[(j-1)*m : j*m]
		for k := range m {
			var v complex128
			if K := j + r*k; K <= half {
				v = src[K]
			} else {
				v = conj(src[n-K])
			}
			if k == 0 {
				zr[0] = v
			} else {
				zr[m-k] = v
			}
		}
		o.cp.forward(o.yhat[(j-1)*m:j*m], zr)
	}
	o.sub.Inverse(o.y0, z0)
	// x[p + k·m] = u0/r + (2/n)·Σ_j Re(ω_r^(−j·k)·u_j), u0 = m·y0.
	c := 2 / float64(n)
	ir := 1 / float64(r)
	y0 := o.y0[:m]
	switch r {
	case 3:
		x0, x1, x2 := dst[:m], dst[m : 2*m][:m], dst[2*m : 3*m][:m]
		V := o.yhat[:m]
		tw := o.tw[:m]
		for p := range y0 {
			u := V[p] * conj(tw[p])
			a := ir * y0[p]
			re, im := c*real(u), c*imag(u)
			x0[p] = a + re
			b := a - 0.5*re
			x1[p] = b - sin60*im
			x2[p] = b + sin60*im
		}
	case 5:
		x0, x1, x2 := dst[:m], dst[m : 2*m][:m], dst[2*m : 3*m][:m]
		x3, x4 := dst[3*m : 4*m][:m], dst[4*m : 5*m][:m]
		V1, V2 := o.yhat[:m], o.yhat[m : 2*m][:m]
		tw := o.tw[:2*m]
		for p := range y0 {
			u1 := V1[p] * conj(tw[2*p])
			u2 := V2[p] * conj(tw[2*p+1])
			a := ir * y0[p]
			r1, i1 := c*real(u1), c*imag(u1)
			r2, i2 := c*real(u2), c*imag(u2)
			// Re(ω_5^(−j·k)·u) = cos(2πjk/5)·Re u − sin(2πjk/5)·Im u.
			b1 := a + c5a*r1 + c5b*r2
			b2 := a + c5b*r1 + c5a*r2
			e1 := s5a*i1 + s5b*i2
			e2 := s5b*i1 - s5a*i2
			x0[p] = a + r1 + r2
			x1[p] = b1 - e1
			x4[p] = b1 + e1
			x2[p] = b2 - e2
			x3[p] = b2 + e2
		}
	}
}
