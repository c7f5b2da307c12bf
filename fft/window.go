package fft

import (
	"fmt"
	"math"
	"strings"
)

// WindowKind names a spectral window. The zero value is Hann, the default
// of scipy.signal.welch.
type WindowKind int

// The windows of windpm. All are cosine sums, w[j] = Σ_k a_k·cos(k·φ_j)
// with φ_j running from −π to π, computed exactly like
// scipy.signal.windows.general_cosine.
const (
	// Hann is a0 = a1 = 0.5 (scipy 'hann').
	Hann WindowKind = iota
	// Rectangular is w = 1 (scipy 'boxcar').
	Rectangular
	// Hamming is a0 = 0.54, a1 = 1 − 0.54 (scipy 'hamming').
	Hamming
	// BlackmanHarris is the 4-term, −92 dB Blackman-Harris window
	// (scipy 'blackmanharris'; Harris 1978).
	BlackmanHarris
	// FlatTop is the 5-term flat-top window with scipy's 'flattop'
	// coefficients (D'Antona & Ferrero 2006); its amplitude error on a
	// tone between bins is below 0.01 dB.
	FlatTop
)

var windowNames = [...]string{
	Hann:           "hann",
	Rectangular:    "rectangular",
	Hamming:        "hamming",
	BlackmanHarris: "blackmanharris",
	FlatTop:        "flattop",
}

// String returns the window's canonical name, as accepted by ParseWindow.
func (k WindowKind) String() string {
	if k < 0 || int(k) >= len(windowNames) {
		return fmt.Sprintf("WindowKind(%d)", int(k))
	}
	return windowNames[k]
}

// ParseWindow returns the window named by name, case-insensitively:
// "hann" (or "hanning"), "rectangular" ("rect", "boxcar", "none"),
// "hamming", "blackmanharris" ("blackman-harris", "bh4") and "flattop"
// ("flat-top").
func ParseWindow(name string) (WindowKind, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "hann", "hanning":
		return Hann, nil
	case "rectangular", "rect", "boxcar", "none":
		return Rectangular, nil
	case "hamming":
		return Hamming, nil
	case "blackmanharris", "blackman-harris", "blackman_harris", "bh4":
		return BlackmanHarris, nil
	case "flattop", "flat-top", "flat_top":
		return FlatTop, nil
	}
	return 0, fmt.Errorf("fft: unknown window %q (want hann, rectangular, hamming, blackmanharris or flattop)", name)
}

// coefficients returns the cosine-sum coefficients of the window.
func (k WindowKind) coefficients() []float64 {
	switch k {
	case Hann:
		return []float64{0.5, 0.5}
	case Rectangular:
		return nil
	case Hamming:
		alpha := 0.54 // 1 - alpha is computed in float64 like scipy's general_hamming
		return []float64{alpha, 1 - alpha}
	case BlackmanHarris:
		return []float64{0.35875, 0.48829, 0.14128, 0.01168}
	case FlatTop:
		return []float64{0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368}
	}
	panic(fmt.Sprintf("fft: unknown window kind %d", int(k)))
}

// Window fills dst with the window of kind k and length len(dst) and
// returns dst. A periodic window (symmetric == false, the "DFT-even" form
// for spectral analysis) equals scipy.signal.get_window(name, n) with
// fftbins=True: the symmetric window of length n+1 without its last
// point. A symmetric window equals scipy.signal.windows.<name>(n,
// sym=True). A window of length 1 is [1]. It panics if k is not one of
// the declared kinds.
func Window(dst []float64, k WindowKind, symmetric bool) []float64 {
	a := k.coefficients()
	n := len(dst)
	if n == 0 {
		return dst
	}
	if n == 1 || a == nil {
		for i := range dst {
			dst[i] = 1
		}
		return dst
	}
	m := n
	if !symmetric {
		m = n + 1
	}
	// φ_j = numpy.linspace(−π, π, m)[j] = j·step − π, the last point exactly π.
	step := 2 * math.Pi / float64(m-1)
	for j := range dst {
		phi := float64(j)*step + -math.Pi
		if j == m-1 {
			phi = math.Pi
		}
		w := 0.0
		for i, c := range a {
			w += c * math.Cos(float64(i)*phi)
		}
		dst[j] = w
	}
	return dst
}

// CoherentGain returns the coherent (amplitude) gain of window w,
// Σw/n: the factor by which the window scales a tone centred on a bin.
// It is 1 for the rectangular window and 0.5 for periodic Hann.
func CoherentGain(w []float64) float64 {
	if len(w) == 0 {
		return 0
	}
	s := 0.0
	for _, v := range w {
		s += v
	}
	return s / float64(len(w))
}

// ENBW returns the equivalent noise bandwidth of window w in bins,
// n·Σw²/(Σw)² (Harris 1978): 1 for rectangular, 1.5 for periodic Hann,
// about 3.77 for flat-top.
func ENBW(w []float64) float64 {
	var s, s2 float64
	for _, v := range w {
		s += v
		s2 += v * v
	}
	if s == 0 {
		return math.Inf(1)
	}
	return float64(len(w)) * s2 / (s * s)
}

// ENBWHz returns the equivalent noise bandwidth of window w in hertz
// when its len(w) samples are taken at rateHz: ENBW(w)·rateHz/len(w).
func ENBWHz(w []float64, rateHz float64) float64 {
	if len(w) == 0 {
		return 0
	}
	return ENBW(w) * rateHz / float64(len(w))
}
