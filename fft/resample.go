package fft

import (
	"fmt"
	"math"
)

// Resampler changes the sample rate by the rational factor up/down with a
// polyphase FIR filter, exactly like scipy.signal.resample_poly(x, up,
// down) with, by default, its defaults: up and down are reduced by their gcd; the
// low-pass is firwin(2·L+1, 1/max(up, down), window=('kaiser', 5.0)) with
// L = 10·max(up, down), scaled by up; the input is zero-padded (padtype
// 'constant', cval 0) and the output is aligned so that output sample m
// sits at input time m·down/up. A Resampler holds only its filter and
// allocates nothing per call; Apply keeps no state, so goroutines may
// share one.
type Resampler struct {
	up, down int
	half     int
	h        []float64 // up·firwin taps, len 2·half+1
}

// KaiserBeta is the Kaiser window parameter of resample_poly's default
// anti-aliasing filter. Its stop band is about 55 dB down.
const KaiserBeta = 5.0

// ResampleOptions change the anti-aliasing filter of a Resampler. The
// zero value is scipy.signal.resample_poly's default design.
type ResampleOptions struct {
	// Beta is the Kaiser window parameter; 0 means KaiserBeta (5.0).
	Beta float64
	// HalfLen is the filter's half length in units of max(up, down): the
	// filter has 2·HalfLen·max(up, down)+1 taps; 0 means 10 (scipy's).
	HalfLen int
	// Cutoff is the −6 dB frequency as a fraction of the lower of the two
	// Nyquist frequencies, in (0, 1]; 0 means 1 (scipy's).
	Cutoff float64
}

// CleanDecimation is a filter design for decimation that leaves no
// alias: with it, every input component above the output Nyquist
// frequency is attenuated by more than 75 dB and the band below 3/4 of
// the output Nyquist frequency is flat within 0.002 dB (measured with
// tones for q = 4, TestDecimateTones). scipy's default design attenuates
// components beyond 7/6 of the output Nyquist frequency by only about
// 54–57 dB, and those between 1 and 7/6 of it hardly at all.
var CleanDecimation = ResampleOptions{Beta: 8, HalfLen: 32, Cutoff: 11.0 / 12}

// NewResampler returns a resampler by up/down (both >= 1) with scipy's
// default filter.
func NewResampler(up, down int) (*Resampler, error) {
	return NewResamplerWith(up, down, ResampleOptions{})
}

// NewResamplerWith returns a resampler by up/down with the filter of opt:
// firwin(2·HalfLen·M+1, Cutoff/M, window=('kaiser', Beta)), M =
// max(up, down), scaled by up. It equals resample_poly(x, up, down,
// window=that filter) (or window=('kaiser', Beta) when HalfLen is 10).
func NewResamplerWith(up, down int, opt ResampleOptions) (*Resampler, error) {
	if up < 1 || down < 1 {
		return nil, fmt.Errorf("fft: resample factors up=%d, down=%d must be >= 1", up, down)
	}
	beta, halfLen, cutoff := opt.Beta, opt.HalfLen, opt.Cutoff
	if beta == 0 {
		beta = KaiserBeta
	}
	if halfLen == 0 {
		halfLen = 10
	}
	if cutoff == 0 {
		cutoff = 1
	}
	if !(beta > 0 && beta <= 50) || halfLen < 1 || halfLen > 1000 || !(cutoff > 0 && cutoff <= 1) {
		return nil, fmt.Errorf("fft: resample filter options %+v out of range", opt)
	}
	g := gcd(up, down)
	up, down = up/g, down/g
	r := &Resampler{up: up, down: down}
	if up == 1 && down == 1 {
		return r, nil
	}
	maxRate := max(up, down)
	if maxRate > 1<<16 {
		return nil, fmt.Errorf("fft: resample factor %d/%d too large", up, down)
	}
	r.half = halfLen * maxRate
	r.h = firwinLowpass(2*r.half+1, cutoff/float64(maxRate), beta)
	for i := range r.h {
		r.h[i] *= float64(up)
	}
	return r, nil
}

// NewDecimator returns a resampler by 1/q: resample_poly(x, 1, q). For
// a capture free of aliases use NewResamplerWith(1, q, CleanDecimation).
func NewDecimator(q int) (*Resampler, error) {
	if q < 1 {
		return nil, fmt.Errorf("fft: decimation factor %d < 1", q)
	}
	return NewResampler(1, q)
}

// Factors returns the reduced factors up and down.
func (r *Resampler) Factors() (up, down int) { return r.up, r.down }

// Taps returns the anti-aliasing filter including the factor up
// (read-only; nil when up == down).
func (r *Resampler) Taps() []float64 { return r.h }

// OutLen returns the output length for n input samples, ⌈n·up/down⌉.
func (r *Resampler) OutLen(n int) int {
	return (n*r.up + r.down - 1) / r.down
}

// Apply writes the resampled x into dst (len OutLen(len(x))):
// dst[m] = Σ_i x[i]·h[m·down + L − i·up], h the scaled filter of length
// 2L+1 and x zero outside [0, len(x)). dst must not overlap x. It panics
// if len(dst) is wrong.
func (r *Resampler) Apply(dst, x []float64) {
	if len(dst) != r.OutLen(len(x)) {
		panic("fft: Resampler.Apply length mismatch")
	}
	if r.h == nil {
		copy(dst, x)
		return
	}
	up, down, L, h := r.up, r.down, r.half, r.h
	nh := len(h)
	for m := range dst {
		c := m*down + L // index into h for i = 0
		// Valid i: 0 <= c − i·up <= 2L, 0 <= i < len(x).
		iLo := 0
		if c > nh-1 {
			iLo = (c - (nh - 1) + up - 1) / up
		}
		iHi := c / up
		if iHi > len(x)-1 {
			iHi = len(x) - 1
		}
		s := 0.0
		for i := iLo; i <= iHi; i++ {
			s += x[i] * h[c-i*up]
		}
		dst[m] = s
	}
}

// Decimate writes resample_poly(x, 1, q) into a new slice: a convenience
// for one-off use; analysers should hold a Resampler from NewDecimator.
func Decimate(x []float64, q int) ([]float64, error) {
	r, err := NewDecimator(q)
	if err != nil {
		return nil, err
	}
	y := make([]float64, r.OutLen(len(x)))
	r.Apply(y, x)
	return y, nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// firwinLowpass designs a linear-phase low-pass FIR filter of numtaps
// taps with cutoff fc (relative to Nyquist) like scipy.signal.firwin(
// numtaps, fc, window=('kaiser', beta)): the ideal response
// fc·sinc(fc·m), m = j − (numtaps−1)/2, times a symmetric Kaiser window,
// scaled to unit gain at DC.
func firwinLowpass(numtaps int, fc, beta float64) []float64 {
	alpha := 0.5 * float64(numtaps-1)
	h := make([]float64, numtaps)
	w := kaiserWindow(numtaps, beta)
	for j := range h {
		m := float64(j) - alpha
		h[j] = fc * sinc(fc*m) * w[j]
	}
	// Scale at frequency 0: cos(π·m·0) = 1, so divide by the sum.
	s := pairwiseSum(h)
	for j := range h {
		h[j] /= s
	}
	return h
}

// sinc is numpy.sinc: sin(πx)/(πx), 1 at 0.
func sinc(x float64) float64 {
	if x == 0 {
		x = 1e-20
	}
	y := math.Pi * x
	return math.Sin(y) / y
}

// kaiserWindow returns scipy.signal.windows.kaiser(n, beta, sym=True):
// I0(β·√(1 − ((j − α)/α)²))/I0(β), α = (n−1)/2.
func kaiserWindow(n int, beta float64) []float64 {
	w := make([]float64, n)
	if n == 1 {
		w[0] = 1
		return w
	}
	alpha := float64(n-1) / 2
	i0b := besselI0(beta)
	for j := range w {
		r := (float64(j) - alpha) / alpha
		w[j] = besselI0(beta*math.Sqrt(1-r*r)) / i0b
	}
	return w
}

// besselI0 returns the modified Bessel function of the first kind of
// order 0 by its power series Σ ((x/2)^k/k!)², whose terms are all
// positive, so the sum is accurate to a few ulps for the moderate
// arguments of Kaiser windows.
func besselI0(x float64) float64 {
	q := x * x / 4
	term, sum := 1.0, 1.0
	for k := 1; k < 500; k++ {
		term *= q / float64(k*k)
		sum += term
		if term < sum*1e-17 {
			break
		}
	}
	return sum
}
