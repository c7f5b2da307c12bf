package features

import (
	"math"
	"sort"
)

// LineAmplitude returns the largest amplitude of s within tolHz of freqHz
// (at least the nearest bin), 0 when freqHz lies outside the spectrum. The
// tolerance absorbs speed wander within a capture, which smears a line
// over neighbouring bins.
func (s *Spectrum) LineAmplitude(freqHz, tolHz float64) float64 {
	if len(s.FreqHz) < 2 || freqHz < 0 {
		return 0
	}
	binHz := s.FreqHz[1]
	k := int(math.Round(freqHz / binHz))
	if k >= len(s.Amplitude) {
		return 0
	}
	w := int(tolHz / binHz)
	lo, hi := max(0, k-w), min(len(s.Amplitude)-1, k+w)
	best := 0.0
	for i := lo; i <= hi; i++ {
		best = math.Max(best, s.Amplitude[i])
	}
	return best
}

// NoiseFloor returns the median amplitude of s between minHz and maxHz
// (maxHz 0: up to Nyquist), 0 when the range holds no bin. The median of
// a spectrum is dominated by its broadband part, so discrete lines barely
// move it.
func (s *Spectrum) NoiseFloor(minHz, maxHz float64) float64 {
	var vals []float64
	for i, f := range s.FreqHz {
		if f >= minHz && (maxHz == 0 || f <= maxHz) {
			vals = append(vals, s.Amplitude[i])
		}
	}
	return medianOf(vals)
}

// medianOf returns the median of vals, sorting them in place; 0 for none.
func medianOf(vals []float64) float64 {
	if len(vals) == 0 {
		return 0
	}
	sort.Float64s(vals)
	if len(vals)%2 == 1 {
		return vals[len(vals)/2]
	}
	return (vals[len(vals)/2-1] + vals[len(vals)/2]) / 2
}

// LocalNoiseFloor returns the median amplitude of the halfWidth bins on
// each side of freqHz, leaving out the 2 bins nearest to it on each side
// (the line's own main lobe), 0 when there are none. Unlike a global
// median it follows the spectrum's slope, such as an envelope spectrum's
// fall towards the demodulation bandwidth.
func (s *Spectrum) LocalNoiseFloor(freqHz float64, halfWidth int) float64 {
	if len(s.FreqHz) < 2 || halfWidth < 3 {
		return 0
	}
	k := int(math.Round(freqHz / s.FreqHz[1]))
	vals := make([]float64, 0, 2*halfWidth)
	for i := k - halfWidth; i <= k+halfWidth; i++ {
		if i < 1 || i >= len(s.Amplitude) || (i >= k-2 && i <= k+2) {
			continue
		}
		vals = append(vals, s.Amplitude[i])
	}
	return medianOf(vals)
}

// SidebandEnergyRatio returns the sideband energy ratio of a gear mesh
// (Hanson, Kolt & Tjaden 2007): the sum of the amplitudes of the first n
// shaft-rate sidebands on each side of the mesh frequency gmfHz divided
// by the amplitude at gmfHz,
//
//	SER = Σ_{k=1..n} (A(gmf − k·fs) + A(gmf + k·fs)) / A(gmf),
//
// each amplitude the largest within relTol·f of its line (speed wander).
// A healthy mesh has weak sidebands (SER well below 1); a damaged tooth
// modulates the mesh once per revolution and raises them. It returns 0
// when the mesh line is absent from the spectrum.
func (s *Spectrum) SidebandEnergyRatio(gmfHz, shaftHz float64, n int, relTol float64) float64 {
	mesh := s.LineAmplitude(gmfHz, relTol*gmfHz)
	if mesh <= 0 {
		return 0
	}
	var sum float64
	for k := 1; k <= n; k++ {
		for _, f := range []float64{gmfHz - float64(k)*shaftHz, gmfHz + float64(k)*shaftHz} {
			// A sideband's window must not reach the mesh line itself.
			tol := math.Min(relTol*f, 0.4*shaftHz)
			sum += s.LineAmplitude(f, tol)
		}
	}
	return sum / mesh
}
