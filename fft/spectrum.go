package fft

import (
	"fmt"
	"math"
)

// AmplitudeScaling chooses how AmplitudeSpectrum scales its bins.
type AmplitudeScaling int

const (
	// AmplitudePeak scaling shows a sinusoid A·cos(2πft+φ) centred on a bin as A at
	// that bin (and a constant c as c at DC).
	AmplitudePeak AmplitudeScaling = iota
	// AmplitudeRMS scaling shows the same sinusoid as A/√2, its RMS value; DC and
	// Nyquist are not divided by √2.
	AmplitudeRMS
)

// AmplitudeSpectrum computes the single-sided amplitude spectrum of
// blocks of n samples through a periodic window. It holds its plan and
// scratch, allocates nothing per call, and belongs to one goroutine.
type AmplitudeSpectrum struct {
	n       int
	plan    *Plan
	kind    WindowKind
	w       []float64
	buf     []float64
	spec    []complex128
	sumW    float64
	scaling AmplitudeScaling
}

// NewAmplitudeSpectrum returns an analyser for blocks of n >= 1 samples
// windowed by the periodic window kind, with AmplitudePeak scaling.
func NewAmplitudeSpectrum(n int, kind WindowKind) (*AmplitudeSpectrum, error) {
	if n < 1 {
		return nil, fmt.Errorf("fft: amplitude spectrum length %d < 1", n)
	}
	if kind < 0 || int(kind) >= len(windowNames) {
		return nil, fmt.Errorf("fft: amplitude spectrum: unknown window %v", kind)
	}
	a := &AmplitudeSpectrum{
		n:    n,
		plan: NewPlan(n),
		kind: kind,
		w:    Window(make([]float64, n), kind, false),
		buf:  make([]float64, n),
		spec: make([]complex128, n/2+1),
	}
	for _, v := range a.w {
		a.sumW += v
	}
	return a, nil
}

// SetScaling sets AmplitudePeak (the default) or AmplitudeRMS scaling.
func (a *AmplitudeSpectrum) SetScaling(s AmplitudeScaling) { a.scaling = s }

// Len returns the block length n.
func (a *AmplitudeSpectrum) Len() int { return a.n }

// Bins returns the number of output bins, n/2+1.
func (a *AmplitudeSpectrum) Bins() int { return a.n/2 + 1 }

// Window returns the analyser's window (read-only).
func (a *AmplitudeSpectrum) Window() []float64 { return a.w }

// Compute writes the amplitude spectrum of x (len n) into dst
// (len n/2+1): dst[k] = c_k·|X_k|/Σw with X = rfft(w·x), c_k = 2 for
// 0 < k < n/2 (both sides folded) and c_k = 1 at DC and, for even n, at
// Nyquist. Dividing by Σw = n·CoherentGain(w) corrects the window's
// coherent gain, so a tone of amplitude A centred on bin k reads A (AmplitudePeak)
// or A/√2 (AmplitudeRMS); a tone between bins reads lower by the window's
// scalloping loss (up to 1.42 dB for Hann, < 0.01 dB for FlatTop). The
// unit is that of x. It panics if the lengths are wrong.
func (a *AmplitudeSpectrum) Compute(dst, x []float64) {
	if len(x) != a.n || len(dst) != a.n/2+1 {
		panic("fft: AmplitudeSpectrum.Compute length mismatch")
	}
	for i, v := range x {
		a.buf[i] = v * a.w[i]
	}
	a.plan.Forward(a.spec, a.buf)
	s := 1 / a.sumW
	s2 := 2 * s
	if a.scaling == AmplitudeRMS {
		s2 = math.Sqrt2 * s
	}
	for k, c := range a.spec {
		m := math.Hypot(real(c), imag(c))
		if k == 0 || (a.n%2 == 0 && k == a.n/2) {
			dst[k] = m * s
		} else {
			dst[k] = m * s2
		}
	}
}

// Frequencies writes the centre frequency in hertz of each output bin,
// k·rateHz/n, into dst (len n/2+1) and returns dst.
func (a *AmplitudeSpectrum) Frequencies(dst []float64, rateHz float64) []float64 {
	return BinFrequencies(dst, a.n, rateHz)
}

// BinFrequency returns the centre frequency in hertz of bin k of an
// n-point DFT of samples taken at rateHz: k·rateHz/n.
func BinFrequency(k, n int, rateHz float64) float64 {
	return float64(k) * rateHz / float64(n)
}

// BinFrequencies fills dst with k·rateHz/n for k = 0, 1, …, len(dst)−1
// (numpy.fft.rfftfreq(n, 1/rateHz) when len(dst) = n/2+1) and returns dst.
func BinFrequencies(dst []float64, n int, rateHz float64) []float64 {
	for k := range dst {
		dst[k] = BinFrequency(k, n, rateHz)
	}
	return dst
}

// FrequencyBin returns the (fractional) bin index of frequency fHz in an
// n-point DFT at rateHz: fHz·n/rateHz.
func FrequencyBin(fHz float64, n int, rateHz float64) float64 {
	return fHz * float64(n) / rateHz
}
