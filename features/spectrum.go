package features

import (
	"fmt"
	"math"
	"sort"

	"github.com/windpm/windpm/fft"
)

// SpectrumOptions choose what Spectrum computes.
type SpectrumOptions struct {
	// Envelope asks for the envelope spectrum (Hilbert envelope after a
	// band-pass) instead of the plain amplitude spectrum.
	Envelope bool
	// LoHz and HiHz are the envelope band-pass; both 0 takes
	// DefaultEnvelopeBand.
	LoHz, HiHz float64
	// Window is the spectral window (the zero value is Hann).
	Window fft.WindowKind
}

// Spectrum is the single-sided amplitude spectrum of one capture, in the
// capture's unit, peak-scaled: a sinusoid of amplitude A centred on a bin
// reads A.
type Spectrum struct {
	FreqHz, Amplitude []float64
	// Envelope tells whether this is an envelope spectrum; LoHz and HiHz
	// are then the band it was demodulated from.
	Envelope   bool
	LoHz, HiHz float64
	Window     fft.WindowKind
}

// DefaultEnvelopeBand returns the demodulation band used when none is
// given: rate/8 to 3·rate/8 (1.5–4.5 kHz at 12 kHz). Bearing impacts
// excite structural resonances in the kilohertz range, well above the
// shaft and gear-mesh lines that dominate the low band (Randall & Antoni
// 2011, §3); this fixed choice is a starting point until the band is
// picked by spectral kurtosis.
func DefaultEnvelopeBand(rateHz float64) (loHz, hiHz float64) {
	return rateHz / 8, 3 * rateHz / 8
}

// ComputeSpectrum returns the amplitude spectrum (or, with opt.Envelope,
// the envelope spectrum) of x sampled at rateHz, over the whole record:
// the mean is removed, the record windowed by opt.Window and transformed
// in one FFT, so the resolution is rateHz/len(x).
func ComputeSpectrum(x []float64, rateHz float64, opt SpectrumOptions) (*Spectrum, error) {
	n := len(x)
	if n < 16 {
		return nil, fmt.Errorf("capture too short for a spectrum: %d samples", n)
	}
	if !(rateHz > 0) {
		return nil, fmt.Errorf("sample rate %g Hz is not positive", rateHz)
	}
	s := &Spectrum{
		FreqHz:    fft.BinFrequencies(make([]float64, n/2+1), n, rateHz),
		Amplitude: make([]float64, n/2+1),
		Envelope:  opt.Envelope,
		Window:    opt.Window,
	}
	if opt.Envelope {
		lo, hi := opt.LoHz, opt.HiHz
		if lo == 0 && hi == 0 {
			lo, hi = DefaultEnvelopeBand(rateHz)
		}
		if !(lo > 0 && hi > lo && hi < rateHz/2) {
			return nil, fmt.Errorf("envelope band %g–%g Hz must satisfy 0 < low < high < rate/2 = %g Hz", lo, hi, rateHz/2)
		}
		env, err := fft.NewEnvelopeWith(n, rateHz, lo, hi, fft.EnvelopeOptions{Window: opt.Window})
		if err != nil {
			return nil, err
		}
		env.Spectrum(s.Amplitude, removeMean(x))
		s.LoHz, s.HiHz = lo, hi
		return s, nil
	}
	amp, err := fft.NewAmplitudeSpectrum(n, opt.Window)
	if err != nil {
		return nil, err
	}
	amp.Compute(s.Amplitude, removeMean(x))
	return s, nil
}

// removeMean returns a copy of x with its mean subtracted.
func removeMean(x []float64) []float64 {
	y := make([]float64, len(x))
	centreInto(y, x)
	return y
}

// centreInto writes x minus its mean into dst (len(x) values; dst may be
// x).
func centreInto(dst, x []float64) {
	var sum float64
	for _, v := range x {
		sum += v
	}
	mu := sum / float64(len(x))
	for i, v := range x {
		dst[i] = v - mu
	}
}

// SpectralPeak is one line of a spectrum.
type SpectralPeak struct {
	FreqHz    float64 `json:"freq_hz"`
	Amplitude float64 `json:"amplitude"`
}

// Peaks returns the k largest local maxima of s between minHz and maxHz
// (maxHz 0: up to Nyquist), largest first, with interpolated frequency and
// amplitude (fft.PeakFinder, corrected for the spectrum's window). Peaks
// closer than max(3 bins, 1 Hz) to a larger one are dropped, so that one
// line is not reported twice through its window's main lobe.
func (s *Spectrum) Peaks(k int, minHz, maxHz float64) []SpectralPeak {
	if len(s.FreqHz) < 3 || k < 1 {
		return nil
	}
	binHz := s.FreqHz[1] - s.FreqHz[0]
	lo := int(math.Ceil(minHz / binHz))
	hi := len(s.Amplitude) - 1
	if maxHz > 0 {
		hi = min(hi, int(maxHz/binHz))
	}
	lo = max(lo, 0)
	if hi-lo < 2 {
		return nil
	}
	dist := max(3, int(math.Ceil(1/binHz)))
	pf, err := fft.NewPeakFinder(k, dist, s.Window)
	if err != nil {
		panic(err) // k and dist are checked above
	}
	found := pf.Find(nil, s.Amplitude[lo:hi+1])
	out := make([]SpectralPeak, len(found))
	for i, p := range found {
		out[i] = SpectralPeak{FreqHz: (float64(lo) + p.Pos) * binHz, Amplitude: p.Amp}
	}
	// The finder ranks by bin height; interpolation can reorder close
	// peaks, and the list promises largest first.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Amplitude > out[j].Amplitude })
	return out
}
