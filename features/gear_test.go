package features

import (
	"math"
	"testing"
)

// A mesh tone amplitude-modulated at the shaft rate by depth m has
// sidebands of amplitude m/2 each side (closed form of
// (1 + m·cos ωs t)·cos ωg t), so SER with n = 1 is m.
func TestSidebandEnergyRatioAM(t *testing.T) {
	const rate, n = 8192.0, 8192 // 1 Hz bins: every line on a bin
	const gmf, shaft = 1000.0, 20.0
	for _, m := range []float64{0, 0.1, 0.5} {
		x := make([]float64, n)
		for i := range x {
			tt := float64(i) / rate
			x[i] = (1 + m*math.Cos(2*math.Pi*shaft*tt)) * math.Cos(2*math.Pi*gmf*tt)
		}
		s, err := ComputeSpectrum(x, rate, SpectrumOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := s.SidebandEnergyRatio(gmf, shaft, 1, 0.001)
		if math.Abs(got-m) > 1e-9 {
			t.Errorf("m = %g: SER %.12f, want %g", m, got, m)
		}
		if a := s.LineAmplitude(gmf, 0); math.Abs(a-1) > 1e-9 {
			t.Errorf("m = %g: mesh amplitude %.12f, want 1", m, a)
		}
	}
}

func TestNoiseFloor(t *testing.T) {
	s := &Spectrum{FreqHz: []float64{0, 1, 2, 3, 4, 5}, Amplitude: []float64{9, 1, 3, 2, 100, 4}}
	if got := s.NoiseFloor(1, 4); got != 2.5 {
		t.Errorf("NoiseFloor(1, 4) = %g, want 2.5 (median of 1, 3, 2, 100)", got)
	}
	if got := s.NoiseFloor(10, 20); got != 0 {
		t.Errorf("empty range: %g", got)
	}
}

func TestLocalNoiseFloor(t *testing.T) {
	// A slope with a line on it: the floor at the line is the median of
	// the slope around it, the line and its neighbours left out.
	n := 101
	s := &Spectrum{FreqHz: make([]float64, n), Amplitude: make([]float64, n)}
	for i := range s.FreqHz {
		s.FreqHz[i] = float64(i)
		s.Amplitude[i] = float64(100 - i)
	}
	s.Amplitude[50] = 1000
	s.Amplitude[51] = 900
	if got := s.LocalNoiseFloor(50, 10); got != 50 {
		t.Errorf("LocalNoiseFloor(50 Hz, 10) = %g, want 50", got)
	}
}
