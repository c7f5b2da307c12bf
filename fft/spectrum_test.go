package fft

import (
	"fmt"
	"math"
	"testing"
)

func TestAmplitudeSpectrumMatchesNumpy(t *testing.T) {
	var ref struct {
		Cases []struct {
			N      int
			Window string
			X, Amp []float64
		}
	}
	loadReference(t, "amplitude.json", &ref)
	for _, c := range ref.Cases {
		k, err := ParseWindow(c.Window)
		if err != nil {
			t.Fatal(err)
		}
		a, err := NewAmplitudeSpectrum(c.N, k)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float64, a.Bins())
		a.Compute(got, c.X)
		checkClose(t, fmt.Sprintf("n=%d %s", c.N, c.Window), got, c.Amp, refTol)
	}
}

// TestAmplitudeSpectrumTone checks the physics: a tone of amplitude A on a
// bin reads A (or A/√2 in RMS), DC reads the offset, and a flat-top window
// reads A within 0.01 dB anywhere between bins.
func TestAmplitudeSpectrumTone(t *testing.T) {
	const n, rate = 4096, 4096.0
	x := make([]float64, n)
	for _, tc := range []struct {
		kind   WindowKind
		binOff float64 // tone offset from bin 300, in bins
		tol    float64 // relative amplitude tolerance
	}{
		{Rectangular, 0, 1e-12}, {Hann, 0, 1e-12}, {Hamming, 0, 1e-12}, {BlackmanHarris, 0, 1e-12}, {FlatTop, 0, 1e-12},
		{FlatTop, 0.25, 0.0012}, {FlatTop, 0.5, 0.0012}, // 0.01 dB = 0.115 %
	} {
		const amp, dc = 1.7, 0.4
		f := (300 + tc.binOff) * rate / n
		for i := range x {
			x[i] = dc + amp*math.Cos(2*math.Pi*f*float64(i)/rate+0.7)
		}
		a, err := NewAmplitudeSpectrum(n, tc.kind)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]float64, a.Bins())
		a.Compute(dst, x)
		k := 300
		if tc.binOff > 0.4 && dst[301] > dst[300] {
			k = 301
		}
		if e := math.Abs(dst[k]-amp) / amp; e > tc.tol {
			t.Errorf("%v offset %.2f bin: amplitude %.6f, want %.6f (rel err %.2g)", tc.kind, tc.binOff, dst[k], amp, e)
		}
		if tc.binOff == 0 && math.Abs(dst[0]-dc) > 1e-12 {
			t.Errorf("%v: DC %v, want %v", tc.kind, dst[0], dc)
		}
		a.SetScaling(AmplitudeRMS)
		a.Compute(dst, x)
		if tc.binOff == 0 && math.Abs(dst[k]-amp/math.Sqrt2) > 1e-12 {
			t.Errorf("%v RMS: %v, want %v", tc.kind, dst[k], amp/math.Sqrt2)
		}
	}
	if got := BinFrequency(300, n, rate); got != 300 {
		t.Errorf("BinFrequency = %v", got)
	}
	if got := FrequencyBin(150, 4096, 2048); got != 300 {
		t.Errorf("FrequencyBin = %v", got)
	}
}

func TestAmplitudeSpectrumNyquist(t *testing.T) {
	// An alternating sequence is a tone at Nyquist: not doubled.
	x := []float64{1, -1, 1, -1, 1, -1, 1, -1}
	a, _ := NewAmplitudeSpectrum(8, Rectangular)
	dst := make([]float64, 5)
	a.Compute(dst, x)
	if math.Abs(dst[4]-1) > 1e-15 {
		t.Errorf("Nyquist amplitude %v, want 1", dst[4])
	}
}

func TestAmplitudeSpectrumAllocs(t *testing.T) {
	a, _ := NewAmplitudeSpectrum(1000, Hann)
	x := make([]float64, 1000)
	dst := make([]float64, a.Bins())
	if n := testing.AllocsPerRun(10, func() { a.Compute(dst, x) }); n != 0 {
		t.Errorf("Compute allocates %v times per call", n)
	}
}

func TestNewAmplitudeSpectrumErrors(t *testing.T) {
	if _, err := NewAmplitudeSpectrum(0, Hann); err == nil {
		t.Error("n = 0: no error")
	}
	if _, err := NewAmplitudeSpectrum(8, WindowKind(99)); err == nil {
		t.Error("bad window: no error")
	}
}
