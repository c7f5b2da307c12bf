package features

import "math"

// TimeStats are the time-domain statistics of one signal. Every value but
// Mean is computed on the mean-removed signal, so that a DC offset (sensor
// bias) does not inflate RMS or crest factor. Moments are population
// (biased) moments. The dimensionless ratios (crest, shape, impulse and
// clearance factors) follow the usual definitions of the condition
// monitoring literature (e.g. Lei, He & Zi 2008, "A new approach to
// intelligent fault diagnosis of rotating machinery", Expert Systems with
// Applications 35); all are 0 for a constant signal.
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
	// MeanAbs is the mean rectified value Σ|x−μ|/N, in the signal's unit.
	MeanAbs float64
	// MeanSqrtAbs is Σ√|x−μ|/N, in the square root of the signal's unit.
	MeanSqrtAbs float64
	// Shape is the shape factor RMS/MeanAbs (π/(2√2) ≈ 1.1107 for a sine).
	Shape float64
	// Impulse is the impulse factor Peak/MeanAbs (π/2 for a sine).
	Impulse float64
	// Clearance is the clearance (margin) factor Peak/MeanSqrtAbs².
	Clearance float64
}

// TimeDomain returns the statistics of x. A signal of length 0 gives the
// zero TimeStats; a constant signal gives zero for every ratio.
// x must not hold NaN or infinities (Extractor.Extract rejects them);
// with them the result is meaningless.
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
		// Plain comparisons rather than math.Min/Max: callers reject NaN
		// (Extractor.Extract), and these are several times faster.
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	n := float64(len(x))
	mu := sum / n
	var m2, m3, m4, peak, abs, sqrtAbs float64
	for _, v := range x {
		d := v - mu
		d2 := d * d
		m2 += d2
		m3 += d2 * d
		m4 += d2 * d2
		a := math.Abs(d)
		if a > peak {
			peak = a
		}
		abs += a
		sqrtAbs += math.Sqrt(a)
	}
	m2 /= n
	m3 /= n
	m4 /= n
	s.Mean = mu
	s.Std = math.Sqrt(m2)
	s.RMS = s.Std
	s.Peak = peak
	s.PeakToPeak = hi - lo
	s.MeanAbs = abs / n
	s.MeanSqrtAbs = sqrtAbs / n
	if m2 > 0 {
		s.Crest = peak / s.RMS
		s.Kurtosis = m4 / (m2 * m2)
		s.Skewness = m3 / math.Pow(m2, 1.5)
		s.Shape = s.RMS / s.MeanAbs
		s.Impulse = peak / s.MeanAbs
		s.Clearance = peak / (s.MeanSqrtAbs * s.MeanSqrtAbs)
	}
	return s
}
