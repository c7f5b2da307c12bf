package features

import "math"

// TimeStats are the time-domain statistics of one signal. Every value but
// Mean is computed on the mean-removed signal, so that a DC offset (sensor
// bias) does not inflate RMS or crest factor. Moments are population
// (biased) moments.
type TimeStats struct {
	// N is the number of samples.
	N int
	// Mean is the arithmetic mean, in the signal's unit.
	Mean float64
	// Std is the population standard deviation σ = √(Σ(x−μ)²/N); with the
	// mean removed it equals RMS.
	Std float64
	// RMS is √(Σ(x−μ)²/N), in the signal's unit.
	RMS float64
	// Peak is max|x−μ|, in the signal's unit.
	Peak float64
	// PeakToPeak is max(x) − min(x), in the signal's unit.
	PeakToPeak float64
	// Crest is Peak/RMS (dimensionless; √2 for a sine).
	Crest float64
	// Kurtosis is the Pearson kurtosis m4/m2² (normal = 3, sine = 1.5).
	Kurtosis float64
	// Skewness is m3/m2^1.5 (0 for a symmetric signal).
	Skewness float64
}

// TimeDomain returns the statistics of x. A signal of length 0 gives the
// zero TimeStats; a constant signal gives zero for every ratio.
func TimeDomain(x []float64) TimeStats {
	s := TimeStats{N: len(x)}
	if len(x) == 0 {
		return s
	}
	// Two passes: the mean first, then central moments, which is
	// numerically stable for signals with a large offset.
	var sum float64
	lo, hi := x[0], x[0]
	for _, v := range x {
		sum += v
		lo = math.Min(lo, v)
		hi = math.Max(hi, v)
	}
	n := float64(len(x))
	mu := sum / n
	var m2, m3, m4, peak float64
	for _, v := range x {
		d := v - mu
		d2 := d * d
		m2 += d2
		m3 += d2 * d
		m4 += d2 * d2
		peak = math.Max(peak, math.Abs(d))
	}
	m2 /= n
	m3 /= n
	m4 /= n
	s.Mean = mu
	s.Std = math.Sqrt(m2)
	s.RMS = s.Std
	s.Peak = peak
	s.PeakToPeak = hi - lo
	if m2 > 0 {
		s.Crest = peak / s.RMS
		s.Kurtosis = m4 / (m2 * m2)
		s.Skewness = m3 / math.Pow(m2, 1.5)
	}
	return s
}
