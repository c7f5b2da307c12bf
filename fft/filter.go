package fft

import (
	"fmt"
	"math"
	"math/cmplx"
	"sort"
)

// BandType is the pass-band shape of a filter.
type BandType int

const (
	// Lowpass passes frequencies below the cutoff.
	Lowpass BandType = iota
	// Highpass passes frequencies above the cutoff.
	Highpass
	// Bandpass passes frequencies between the two cutoffs.
	Bandpass
)

// String returns scipy's name for the band type.
func (b BandType) String() string {
	switch b {
	case Lowpass:
		return "lowpass"
	case Highpass:
		return "highpass"
	case Bandpass:
		return "bandpass"
	}
	return fmt.Sprintf("BandType(%d)", int(b))
}

// Section is one second-order section [b0, b1, b2, a0, a1, a2] of an IIR
// filter, H(z) = (b0 + b1·z⁻¹ + b2·z⁻²)/(a0 + a1·z⁻¹ + a2·z⁻²), with
// a0 = 1: one row of scipy's sos array.
type Section [6]float64

// SOS is a cascade of second-order sections, applied in order: scipy's
// sos format.
type SOS []Section

// Butterworth designs a digital Butterworth filter of the given order
// exactly like scipy.signal.butter(order, Wn, btype, fs=rateHz,
// output='sos'): analog prototype poles −exp(iπm/(2·order)), frequency
// pre-warping 2·fs'·tan(π·Wn/fs') with fs' = 2, the lp2lp/lp2hp/lp2bp
// transform, the bilinear transform, and zpk2sos with 'nearest' pairing.
// For Lowpass and Highpass, cutoffHz holds one -3 dB frequency; for
// Bandpass, two (low < high). A band-pass of order N has N sections
// (2N poles). Cutoffs must lie strictly between 0 and rateHz/2, and not
// so close to either that a pole rounds onto the unit circle.
func Butterworth(order int, band BandType, cutoffHz []float64, rateHz float64) (SOS, error) {
	if order < 1 || order > 64 {
		return nil, fmt.Errorf("fft: butterworth order %d not in [1, 64]", order)
	}
	if !(rateHz > 0) || math.IsInf(rateHz, 0) {
		return nil, fmt.Errorf("fft: butterworth sample rate %g Hz is not positive", rateHz)
	}
	want := 1
	if band == Bandpass {
		want = 2
	} else if band != Lowpass && band != Highpass {
		return nil, fmt.Errorf("fft: butterworth: unknown band type %d", int(band))
	}
	if len(cutoffHz) != want {
		return nil, fmt.Errorf("fft: butterworth %v needs %d cutoff frequencies, got %d", band, want, len(cutoffHz))
	}
	wn := make([]float64, want)
	for i, f := range cutoffHz {
		if !(f > 0 && f < rateHz/2) {
			return nil, fmt.Errorf("fft: butterworth cutoff %g Hz not in (0, %g) Hz", f, rateHz/2)
		}
		wn[i] = 2 * f / rateHz
	}
	if band == Bandpass && !(wn[0] < wn[1]) {
		return nil, fmt.Errorf("fft: butterworth band-pass cutoffs %g, %g Hz: low must be below high", cutoffHz[0], cutoffHz[1])
	}

	// buttap: no zeros, poles −exp(iπm/(2N)) for m = −N+1, −N+3, …, N−1.
	p := make([]complex128, order)
	for i := range p {
		m := float64(-order + 1 + 2*i)
		// numpy divides the complex 1j·π·m by 2N with a reciprocal.
		sin, cos := sinCosCR(math.Pi * m * (1 / float64(2*order)))
		p[i] = complex(-cos, -sin)
	}
	var z []complex128
	k := 1.0

	const fs = 2.0
	warped := make([]float64, want)
	for i, w := range wn {
		warped[i] = 2 * fs * tanCR(math.Pi*w/fs)
	}
	switch band {
	case Lowpass: // lp2lp_zpk
		wo := warped[0]
		for i := range p {
			p[i] = complex(wo, 0) * p[i]
		}
		k *= math.Pow(wo, float64(len(p)-len(z)))
	case Highpass: // lp2hp_zpk
		wo := warped[0]
		degree := len(p) - len(z)
		num, den := complex(1, 0), complex(1, 0)
		for _, v := range z {
			num *= -v
		}
		for _, v := range p {
			den *= -v
		}
		for i := range p {
			p[i] = cdiv(complex(wo, 0), p[i])
		}
		for i := 0; i < degree; i++ {
			z = append(z, 0)
		}
		k *= real(cdiv(num, den))
	case Bandpass: // lp2bp_zpk
		bw := warped[1] - warped[0]
		wo := math.Sqrt(warped[0] * warped[1])
		degree := len(p) - len(z)
		np := make([]complex128, 0, 2*len(p))
		half := make([]complex128, len(p))
		for i, v := range p {
			half[i] = cdiv(complex(real(v)*bw, imag(v)*bw), 2)
		}
		for _, v := range half {
			np = append(np, v+csqrt(v*v-complex(wo*wo, 0)))
		}
		for _, v := range half {
			np = append(np, v-csqrt(v*v-complex(wo*wo, 0)))
		}
		p = np
		for i := 0; i < degree; i++ {
			z = append(z, 0)
		}
		k *= math.Pow(bw, float64(degree))
	}

	// bilinear_zpk with fs = 2.
	degree := len(p) - len(z)
	fs2 := complex(2*fs, 0)
	num, den := complex(1, 0), complex(1, 0)
	for _, v := range z {
		num *= fs2 - v
	}
	for _, v := range p {
		den *= fs2 - v
	}
	for i, v := range z {
		z[i] = cdiv(fs2+v, fs2-v)
	}
	for i, v := range p {
		p[i] = cdiv(fs2+v, fs2-v)
	}
	for i := 0; i < degree; i++ {
		z = append(z, -1)
	}
	k *= real(cdiv(num, den))
	sos, err := zpk2sos(z, p, k)
	if err != nil {
		return nil, err
	}
	for _, c := range sos {
		// A cutoff within ~1e-15 of 0 or of Nyquist puts poles on the unit
		// circle in float64; scipy returns such a filter, we refuse it.
		if !(math.Abs(c[5]) < 1 && math.Abs(c[4]) < 1+c[5]) || math.IsNaN(c[0]+c[1]+c[2]) {
			return nil, fmt.Errorf("fft: butterworth %v at %v Hz (rate %g Hz): cutoff too close to 0 or Nyquist for a stable design", band, cutoffHz, rateHz)
		}
	}
	return sos, nil
}

// zpk2sos converts digital zeros, poles and gain to second-order sections
// with scipy.signal.zpk2sos's 'nearest' pairing: poles closest to the unit
// circle go last, each paired with its nearest zeros; the gain goes into
// the first section.
func zpk2sos(z, p []complex128, k float64) (SOS, error) {
	if len(z) == 0 && len(p) == 0 {
		return SOS{{k, 0, 0, 1, 0, 0}}, nil
	}
	for len(p) < len(z) {
		p = append(p, 0)
	}
	for len(z) < len(p) {
		z = append(z, 0)
	}
	nsec := (len(p) + 1) / 2
	if len(p)%2 == 1 {
		p = append(p, 0)
		z = append(z, 0)
	}
	var err error
	if z, err = cplxReal(z); err != nil {
		return nil, err
	}
	if p, err = cplxReal(p); err != nil {
		return nil, err
	}
	isReal := func(c complex128) bool { return imag(c) == 0 }
	countReal := func(s []complex128) int {
		n := 0
		for _, c := range s {
			if isReal(c) {
				n++
			}
		}
		return n
	}
	idxWorst := func(s []complex128, use func(complex128) bool) int {
		best, bi := math.Inf(1), -1
		for i, c := range s {
			if use != nil && !use(c) {
				continue
			}
			if d := math.Abs(1 - cabs(c)); d < best || bi < 0 {
				best, bi = d, i
			}
		}
		return bi
	}
	// nearest returns the index of the zero nearest to p1 among those
	// accepted by use (numpy.argsort on |z − p1|, first of ties).
	nearest := func(s []complex128, p1 complex128, use func(complex128) bool) int {
		best, bi := math.Inf(1), -1
		for i, c := range s {
			if use != nil && !use(c) {
				continue
			}
			if d := cabs(c - p1); d < best || bi < 0 {
				best, bi = d, i
			}
		}
		return bi
	}
	del := func(s []complex128, i int) []complex128 { return append(s[:i], s[i+1:]...) }
	notReal := func(c complex128) bool { return !isReal(c) }

	sos := make(SOS, nsec)
	for si := nsec - 1; si >= 0; si-- {
		i1 := idxWorst(p, nil)
		p1 := p[i1]
		p = del(p, i1)
		switch {
		case isReal(p1) && countReal(p) == 0:
			zi := nearest(z, p1, isReal)
			if zi < 0 {
				return nil, fmt.Errorf("fft: zpk2sos: no real zero left for real pole")
			}
			z1 := z[zi]
			z = del(z, zi)
			sos[si] = section2(z1, 0, p1, 0)
		case len(p)+1 == len(z) && !isReal(p1) && countReal(p) == 1 && countReal(z) == 1:
			zi := nearest(z, p1, notReal)
			if zi < 0 {
				return nil, fmt.Errorf("fft: zpk2sos: no complex zero left")
			}
			z1 := z[zi]
			z = del(z, zi)
			sos[si] = section2(z1, cmplx.Conj(z1), p1, cmplx.Conj(p1))
		default:
			var p2 complex128
			if isReal(p1) {
				i2 := idxWorst(p, isReal)
				p2 = p[i2]
				p = del(p, i2)
			} else {
				p2 = cmplx.Conj(p1)
			}
			if len(z) == 0 {
				sos[si] = sectionPoles(p1, p2)
				continue
			}
			zi := nearest(z, p1, nil)
			z1 := z[zi]
			z = del(z, zi)
			if !isReal(z1) {
				sos[si] = section2(z1, cmplx.Conj(z1), p1, p2)
				continue
			}
			if len(z) == 0 {
				s := sectionPoles(p1, p2)
				s[1], s[2] = 1, -real(z1)
				s[0] = 0
				sos[si] = s
				continue
			}
			zj := nearest(z, p1, isReal)
			if zj < 0 {
				return nil, fmt.Errorf("fft: zpk2sos: no real zero left to pair")
			}
			z2 := z[zj]
			z = del(z, zj)
			sos[si] = section2(z1, z2, p1, p2)
		}
	}
	if len(p) != 0 || len(z) != 0 {
		return nil, fmt.Errorf("fft: zpk2sos: %d poles and %d zeros left over", len(p), len(z))
	}
	sos[0][0] *= k
	sos[0][1] *= k
	sos[0][2] *= k
	return sos, nil
}

// poly2 returns the real coefficients [1, c1, c2] of (x − r1)(x − r2) as
// numpy.poly computes them (convolution, then the real part).
func poly2(r1, r2 complex128) (c1, c2 float64) {
	c1 = real(-r2 + -r1)
	c2 = real(-r1 * -r2)
	return c1, c2
}

// section2 returns the section with zeros z1, z2 and poles p1, p2, gain 1.
func section2(z1, z2, p1, p2 complex128) Section {
	b1, b2 := poly2(z1, z2)
	a1, a2 := poly2(p1, p2)
	return Section{1, b1, b2, 1, a1, a2}
}

// sectionPoles returns the all-pole section 1/((1 − p1·z⁻¹)(1 − p2·z⁻¹))
// as scipy writes it, [0, 0, 1, 1, a1, a2].
func sectionPoles(p1, p2 complex128) Section {
	a1, a2 := poly2(p1, p2)
	return Section{0, 0, 1, 1, a1, a2}
}

// cplxReal splits z like scipy's _cplxreal: conjugate pairs become one
// element with positive imaginary part (the pair averaged), real values
// get an exactly zero imaginary part; the result is the pairs followed by
// the reals, each sorted by real part then |imag|.
func cplxReal(z []complex128) ([]complex128, error) {
	if len(z) == 0 {
		return z, nil
	}
	tol := 100 * 2.220446049250313e-16
	s := append([]complex128(nil), z...)
	sort.SliceStable(s, func(i, j int) bool {
		if real(s[i]) != real(s[j]) {
			return real(s[i]) < real(s[j])
		}
		return math.Abs(imag(s[i])) < math.Abs(imag(s[j]))
	})
	var zr, zp, zn []complex128
	for _, c := range s {
		switch {
		case math.Abs(imag(c)) <= tol*cabs(c):
			zr = append(zr, complex(real(c), 0))
		case imag(c) > 0:
			zp = append(zp, c)
		default:
			zn = append(zn, c)
		}
	}
	if len(zp) != len(zn) {
		return nil, fmt.Errorf("fft: complex value with no matching conjugate")
	}
	// Runs of (nearly) equal real part are sorted by |imag|.
	for start := 0; start < len(zp); {
		stop := start + 1
		for stop < len(zp) && real(zp[stop])-real(zp[stop-1]) <= tol*cabs(zp[stop-1]) {
			stop++
		}
		if stop-start > 1 {
			for _, chunk := range [][]complex128{zp[start:stop], zn[start:stop]} {
				sort.SliceStable(chunk, func(i, j int) bool {
					return math.Abs(imag(chunk[i])) < math.Abs(imag(chunk[j]))
				})
			}
		}
		start = stop
	}
	out := make([]complex128, 0, len(zp)+len(zr))
	for i := range zp {
		if cabs(zp[i]-cmplx.Conj(zn[i])) > tol*cabs(zn[i]) {
			return nil, fmt.Errorf("fft: complex value with no matching conjugate")
		}
		out = append(out, cdiv(zp[i]+cmplx.Conj(zn[i]), 2))
	}
	return append(out, zr...), nil
}

// Filter applies the cascade to x into dst like scipy.signal.sosfilt
// (direct form II transposed per section). state holds two values per
// section (len 2·len(s)), the initial conditions zi on entry and the final
// ones zf on return; nil means zero initial conditions. dst and x may be
// the same slice. It panics if the lengths are wrong.
func (s SOS) Filter(dst, x, state []float64) {
	if len(dst) != len(x) {
		panic("fft: SOS.Filter length mismatch")
	}
	if state == nil {
		copy(dst, x)
		s.filterZero(dst)
		return
	}
	if len(state) != 2*len(s) {
		panic("fft: SOS.Filter state length mismatch")
	}
	for i, xc := range x {
		for j := range s {
			c := &s[j]
			xn := c[0]*xc + state[2*j]
			state[2*j] = c[1]*xc - c[4]*xn + state[2*j+1]
			state[2*j+1] = c[2]*xc - c[5]*xn
			xc = xn
		}
		dst[i] = xc
	}
}

// filterZero filters y in place from zero initial conditions.
func (s SOS) filterZero(y []float64) {
	for j := range s {
		c := &s[j]
		var z0, z1 float64
		for i, xc := range y {
			xn := c[0]*xc + z0
			z0 = c[1]*xc - c[4]*xn + z1
			z1 = c[2]*xc - c[5]*xn
			y[i] = xn
		}
	}
}

// SteadyState writes into zi (len 2·len(s)) the initial conditions of
// the cascade's step response at steady state, like scipy.signal.
// sosfilt_zi: section j gets lfilter_zi(b_j, a_j) times the DC gain of the
// sections before it. It panics if the length is wrong.
func (s SOS) SteadyState(zi []float64) {
	if len(zi) != 2*len(s) {
		panic("fft: SOS.SteadyState length mismatch")
	}
	scale := 1.0
	for j, c := range s {
		z0, z1 := lfilterZI(c)
		zi[2*j] = scale * z0
		zi[2*j+1] = scale * z1
		scale *= (c[0] + c[1] + c[2]) / (c[3] + c[4] + c[5])
	}
}

// lfilterZI solves (I − Aᵀ)·zi = b[1:] − a[1:]·b[0] for one normalised
// section, as scipy.signal.lfilter_zi does (LU with partial pivoting on
// the 2×2 system [[1+a1, −1], [a2, 1]], multiplying by the pivot's
// reciprocal as LAPACK's dgetrf does: near-integrator sections are
// ill-conditioned, and this keeps the result equal to scipy's).
func lfilterZI(c Section) (float64, float64) {
	b0, b1, b2 := c[0], c[1], c[2]
	a0, a1, a2 := c[3], c[4], c[5]
	if a0 != 1 {
		b0, b1, b2 = b0/a0, b1/a0, b2/a0
		a1, a2 = a1/a0, a2/a0
	}
	r0, r1 := b1-a1*b0, b2-a2*b0
	m00, m01, m10, m11 := 1+a1, -1.0, a2, 1.0
	if math.Abs(m10) > math.Abs(m00) {
		m00, m01, m10, m11 = m10, m11, m00, m01
		r0, r1 = r1, r0
	}
	// LAPACK's dgetrf scales the column by the reciprocal of the pivot.
	l := m10 * (1 / m00)
	u11 := m11 - l*m01
	y1 := r1 - l*r0
	z1 := y1 / u11
	z0 := (r0 - m01*z1) / m00
	return z0, z1
}

// ZeroPhase applies an SOS cascade forwards and backwards like
// scipy.signal.sosfiltfilt with its defaults (padtype='odd',
// padlen = 3·(2·sections + 1 − min(#b2==0, #a2==0)), initial conditions
// from sosfilt_zi scaled by the first sample of each pass): the result
// has zero phase and the squared magnitude response. A ZeroPhase holds
// scratch for inputs of one length n, allocates nothing per call, and
// belongs to one goroutine.
type ZeroPhase struct {
	sos  SOS
	n    int
	edge int
	ext  []float64
	zi   []float64
	st   []float64
}

// NewZeroPhase returns a zero-phase filter for inputs of n samples. n
// must exceed the padding length (Pad); scipy refuses shorter inputs too.
func NewZeroPhase(sos SOS, n int) (*ZeroPhase, error) {
	if len(sos) == 0 {
		return nil, fmt.Errorf("fft: zero-phase filter with no sections")
	}
	for i, c := range sos {
		if c[3] != 1 {
			return nil, fmt.Errorf("fft: section %d: a0 = %g, want 1", i, c[3])
		}
	}
	var zb, za int
	for _, c := range sos {
		if c[2] == 0 {
			zb++
		}
		if c[5] == 0 {
			za++
		}
	}
	edge := 3 * (2*len(sos) + 1 - min(zb, za))
	if n <= edge {
		return nil, fmt.Errorf("fft: zero-phase filter: input of %d samples must be longer than the padding, %d", n, edge)
	}
	f := &ZeroPhase{
		sos:  append(SOS(nil), sos...),
		n:    n,
		edge: edge,
		ext:  make([]float64, n+2*edge),
		zi:   make([]float64, 2*len(sos)),
		st:   make([]float64, 2*len(sos)),
	}
	f.sos.SteadyState(f.zi)
	return f, nil
}

// Pad returns the number of samples of odd extension added at each end.
func (f *ZeroPhase) Pad() int { return f.edge }

// Len returns the input length n.
func (f *ZeroPhase) Len() int { return f.n }

// Apply filters x (len n) into dst (len n) forwards and backwards. dst
// and x may be the same slice. It panics if the lengths are wrong.
func (f *ZeroPhase) Apply(dst, x []float64) {
	if len(x) != f.n || len(dst) != f.n {
		panic("fft: ZeroPhase.Apply length mismatch")
	}
	e, n, ext := f.edge, f.n, f.ext
	// Odd extension: 2·x[0] − x[edge:0:-1], x, 2·x[n−1] − x[n−2:n−2−edge:-1].
	for i := 0; i < e; i++ {
		ext[i] = 2*x[0] - x[e-i]
	}
	copy(ext[e:e+n], x)
	for i := 0; i < e; i++ {
		ext[e+n+i] = 2*x[n-1] - x[n-2-i]
	}
	x0 := ext[0]
	for i, v := range f.zi {
		f.st[i] = v * x0
	}
	f.sos.Filter(ext, ext, f.st)
	slicesReverse(ext)
	y0 := ext[0]
	for i, v := range f.zi {
		f.st[i] = v * y0
	}
	f.sos.Filter(ext, ext, f.st)
	// ext is reversed; the kept part is ext[edge:edge+n] read backwards.
	for i := 0; i < n; i++ {
		dst[i] = ext[e+n-1-i]
	}
}

func slicesReverse(s []float64) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// The filter design follows the arithmetic of numpy and glibc where it
// matters: zpk2sos orders sections by |1 − |p||, and a one-ulp difference
// in a pole can swap two sections whose distances tie (a band-pass
// symmetric about rateHz/4). The helpers below give correctly rounded
// tan/sin/cos and hypot (as glibc does), numpy's complex division and
// glibc's csqrt. Bit-for-bit parity is still not guaranteed: numpy's own
// tan is not correctly rounded on AVX-512 machines, so scipy's section
// order in exact ties depends on the CPU it runs on. The filters are then
// the same cascade in another order.

// ddTwoSum returns s, e with s + e = a + b exactly.
func ddTwoSum(a, b float64) (float64, float64) {
	s := a + b
	v := s - a
	e := (a - (s - v)) + (b - v)
	return s, e
}

// ddAdd adds two double-double numbers.
func ddAdd(ah, al, bh, bl float64) (float64, float64) {
	s, e := ddTwoSum(ah, bh)
	e += al + bl
	return ddTwoSum(s, e)
}

// ddMul multiplies two double-double numbers.
func ddMul(ah, al, bh, bl float64) (float64, float64) {
	p := ah * bh
	e := math.FMA(ah, bh, -p)
	e += ah*bl + al*bh
	return ddTwoSum(p, e)
}

// ddDiv divides two double-double numbers.
func ddDiv(ah, al, bh, bl float64) (float64, float64) {
	q1 := ah / bh
	ph, pl := ddMul(q1, 0, bh, bl)
	rh, rl := ddAdd(ah, al, -ph, -pl)
	q2 := rh / bh
	ph, pl = ddMul(q2, 0, bh, bl)
	rh, _ = ddAdd(rh, rl, -ph, -pl)
	q3 := rh / bh
	h, l := ddTwoSum(q1, q2)
	return ddAdd(h, l, q3, 0)
}

// ddSinCos returns sin x and cos x in double-double by their Taylor
// series, for |x| <= 2.
func ddSinCos(x float64) (sh, sl, ch, cl float64) {
	x2h, x2l := ddMul(x, 0, x, 0)
	th, tl := x, 0.0 // x^(2k+1)/(2k+1)!
	sh, sl = x, 0
	ch, cl = 1, 0
	ch2, cl2 := 1.0, 0.0 // x^(2k)/(2k)!
	for k := 1; k < 40; k++ {
		// cos term: previous cos term · x² / ((2k−1)(2k))
		ch2, cl2 = ddMul(ch2, cl2, x2h, x2l)
		ch2, cl2 = ddDiv(ch2, cl2, float64((2*k-1)*(2*k)), 0)
		th, tl = ddMul(th, tl, x2h, x2l)
		th, tl = ddDiv(th, tl, float64((2*k)*(2*k+1)), 0)
		if k%2 == 1 {
			ch, cl = ddAdd(ch, cl, -ch2, -cl2)
			sh, sl = ddAdd(sh, sl, -th, -tl)
		} else {
			ch, cl = ddAdd(ch, cl, ch2, cl2)
			sh, sl = ddAdd(sh, sl, th, tl)
		}
		if math.Abs(th) < 1e-40 && math.Abs(ch2) < 1e-40 {
			break
		}
	}
	return sh, sl, ch, cl
}

// sinCosCR returns sin x and cos x correctly rounded (but for the rarest
// hard cases) for |x| <= 2, and math.Sincos otherwise.
func sinCosCR(x float64) (float64, float64) {
	if !(math.Abs(x) <= 2) {
		return math.Sincos(x)
	}
	sh, sl, ch, cl := ddSinCos(x)
	return sh + sl, ch + cl
}

// tanCR returns tan x correctly rounded (but for the rarest hard cases)
// for |x| <= 2, and math.Tan otherwise.
func tanCR(x float64) float64 {
	if !(math.Abs(x) <= 2) {
		return math.Tan(x)
	}
	sh, sl, ch, cl := ddSinCos(x)
	h, l := ddDiv(sh, sl, ch, cl)
	return h + l
}

// hypotCR returns √(x² + y²) with Borges' FMA correction ("An improved
// algorithm for hypot(a, b)", 2019), nearly always correctly rounded, as
// glibc's hypot is.
func hypotCR(x, y float64) float64 {
	x, y = math.Abs(x), math.Abs(y)
	if x < y {
		x, y = y, x
	}
	if y == 0 || math.IsInf(x, 0) || math.IsNaN(x) || math.IsNaN(y) || x > 1e150 || x < 1e-150 || y < 1e-150 {
		return math.Hypot(x, y)
	}
	h := math.Sqrt(math.FMA(x, x, y*y))
	hSq := h * h
	xSq := x * x
	e := math.FMA(-y, y, hSq-xSq) + math.FMA(h, h, -hSq) - math.FMA(x, x, -xSq)
	return h - e/(2*h)
}

// cabs is numpy's complex abs, hypot(re, im).
func cabs(z complex128) float64 { return hypotCR(real(z), imag(z)) }

// cdiv is numpy's complex division (Smith's method with a reciprocal).
func cdiv(a, b complex128) complex128 {
	ar, ai, br, bi := real(a), imag(a), real(b), imag(b)
	if math.Abs(br) >= math.Abs(bi) {
		if br == 0 && bi == 0 {
			return complex(ar/math.Abs(br), ai/math.Abs(br))
		}
		rat := bi / br
		scl := 1.0 / (br + bi*rat)
		return complex((ar+ai*rat)*scl, (ai-ar*rat)*scl)
	}
	rat := br / bi
	scl := 1.0 / (bi + br*rat)
	return complex((ar*rat+ai)*scl, (ai*rat-ar)*scl)
}

// csqrt is glibc's csqrt for finite, moderately sized arguments (the
// principal square root), falling back to cmplx.Sqrt elsewhere.
func csqrt(z complex128) complex128 {
	re, im := real(z), imag(z)
	if im == 0 || math.IsInf(re, 0) || math.IsInf(im, 0) || math.IsNaN(re) || math.IsNaN(im) ||
		math.Abs(re) > 1e150 || math.Abs(im) > 1e150 || (math.Abs(re) < 1e-150 && math.Abs(im) < 1e-150) {
		return cmplx.Sqrt(z)
	}
	d := hypotCR(re, im)
	var r, s float64
	if re > 0 {
		r = math.Sqrt(0.5 * (d + re))
		s = 0.5 * (im / r)
	} else {
		s = math.Sqrt(0.5 * (d - re))
		r = math.Abs(0.5 * (im / s))
	}
	return complex(r, math.Copysign(s, im))
}
