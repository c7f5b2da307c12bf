package fft

import (
	"fmt"
	"math"
)

// ShaftAngle integrates a shaft-speed profile into the shaft angle in
// revolutions: rpm[i] is the speed at sample i (time i/rateHz), and
// dst[0] = 0, dst[i] = dst[i−1] + (Δt·(f[i] + f[i−1]))/2 with f = rpm/60
// and Δt = 1/rateHz (the trapezoid rule, as
// scipy.integrate.cumulative_trapezoid(rpm/60, dx=1/rateHz, initial=0)).
// rateHz must be > 0. It returns dst (len len(rpm)) and panics if the
// lengths differ.
func ShaftAngle(dst, rpm []float64, rateHz float64) []float64 {
	if len(dst) != len(rpm) {
		panic("fft: ShaftAngle length mismatch")
	}
	if len(dst) == 0 {
		return dst
	}
	dt := 1 / rateHz
	dst[0] = 0
	prev := rpm[0] / 60
	for i := 1; i < len(rpm); i++ {
		f := rpm[i] / 60
		dst[i] = dst[i-1] + dt*(f+prev)/2
		prev = f
	}
	return dst
}

// ShaftAngleFunc is ShaftAngle for a speed given as a function of time
// in seconds: it evaluates rpm(i/rateHz) at every sample of dst and
// integrates by the trapezoid rule. It returns dst.
func ShaftAngleFunc(dst []float64, rateHz float64, rpm func(tSec float64) float64) []float64 {
	if len(dst) == 0 {
		return dst
	}
	dt := 1 / rateHz
	dst[0] = 0
	prev := rpm(0) / 60
	for i := 1; i < len(dst); i++ {
		f := rpm(float64(i)/rateHz) / 60
		dst[i] = dst[i-1] + dt*(f+prev)/2
		prev = f
	}
	return dst
}

// OrderResampler resamples a signal from uniform time to uniform shaft
// angle (computed order tracking, Fyfe & Munck 1997): given the shaft
// angle of each sample in revolutions, it interpolates the signal at
// angles k/SamplesPerRev, k = 0, 1, … up to the last angle, linearly
// like numpy.interp(k/spr, angle, x). Linear interpolation attenuates
// components near the angular Nyquist order (spr/2) slightly; keep spr
// well above twice the highest order of interest (e.g. 64 or more for
// orders below 10) and the time rate high compared with spr·rev/s. The
// amplitude spectrum of the result has bins in orders (k·spr/N for N
// samples), so an order line stays sharp whatever the speed does. An
// OrderResampler allocates nothing per call and belongs to one goroutine.
type OrderResampler struct {
	spr int
}

// NewOrderResampler returns a resampler to samplesPerRev >= 1 samples per
// shaft revolution.
func NewOrderResampler(samplesPerRev int) (*OrderResampler, error) {
	if samplesPerRev < 1 {
		return nil, fmt.Errorf("fft: order resampling: %d samples per revolution < 1", samplesPerRev)
	}
	return &OrderResampler{spr: samplesPerRev}, nil
}

// SamplesPerRev returns the angular sample rate in samples per revolution.
func (o *OrderResampler) SamplesPerRev() int { return o.spr }

// OutLen returns the number of angle-domain samples for a record whose
// shaft angle ends at lastRev revolutions (having started at 0):
// ⌊lastRev·spr⌋ + 1, or 0 if lastRev is negative or not finite.
func (o *OrderResampler) OutLen(lastRev float64) int {
	if !(lastRev >= 0) || math.IsInf(lastRev, 0) {
		return 0
	}
	v := math.Floor(lastRev * float64(o.spr))
	// math.MaxInt/2 rather than 1<<62 so that 32-bit builds compile.
	if v >= math.MaxInt/2 {
		return math.MaxInt / 2 // absurd, but no overflow; Resample is bounded by len(dst)
	}
	n := int(v) + 1
	// Guard against the product rounding up past lastRev.
	for n > 0 && float64(n-1)/float64(o.spr) > lastRev {
		n--
	}
	return n
}

// Resample writes x (sampled at the monotonically non-decreasing shaft
// angles angleRev, starting at 0) interpolated at angles k/spr into dst
// and returns dst[:m], m = min(len(dst), OutLen(angleRev[last])).
// Each value is numpy.interp(k/spr, angleRev, x): the linear
// interpolation (x[j+1]−x[j])/(a[j+1]−a[j])·(θ−a[j]) + x[j] on the
// bracketing interval. It returns an error if the lengths differ or the
// angle decreases.
func (o *OrderResampler) Resample(dst, x, angleRev []float64) ([]float64, error) {
	if len(x) != len(angleRev) {
		return nil, fmt.Errorf("fft: order resampling: %d samples but %d angles", len(x), len(angleRev))
	}
	if len(x) == 0 {
		return dst[:0], nil
	}
	for i := 1; i < len(angleRev); i++ {
		if !(angleRev[i] >= angleRev[i-1]) {
			return nil, fmt.Errorf("fft: order resampling: shaft angle decreases at sample %d (%g < %g rev)", i, angleRev[i], angleRev[i-1])
		}
	}
	last := len(x) - 1
	m := min(len(dst), o.OutLen(angleRev[last]))
	spr := float64(o.spr)
	j := 0
	for k := 0; k < m; k++ {
		th := float64(k) / spr
		for j < last && angleRev[j+1] <= th {
			j++
		}
		switch {
		case th < angleRev[0]:
			dst[k] = x[0]
		case j == last:
			dst[k] = x[last]
		case th == angleRev[j]:
			dst[k] = x[j]
		default:
			slope := (x[j+1] - x[j]) / (angleRev[j+1] - angleRev[j])
			dst[k] = slope*(th-angleRev[j]) + x[j]
		}
	}
	return dst[:m], nil
}
