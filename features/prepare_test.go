package features

import (
	"github.com/windpm/windpm/fft"
	"math"
	"testing"
)

func TestPrepareSegments(t *testing.T) {
	x := make([]float64, 1000)
	for i := range x {
		x[i] = float64(i)
	}
	p, err := NewPreparer(0, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	segs, rate, err := p.Prepare(x, 1000)
	if err != nil {
		t.Fatal(err)
	}
	// 3 windows of 300 samples; the last 100 samples are dropped.
	if rate != 1000 || len(segs) != 3 || len(segs[2]) != 300 || segs[1][0] != 300 || segs[2][299] != 899 {
		t.Errorf("rate %g, %d segments", rate, len(segs))
	}
	whole, _ := NewPreparer(0, 0)
	if segs, _, _ := whole.Prepare(x, 1000); len(segs) != 1 || len(segs[0]) != 1000 {
		t.Errorf("no segmenting: %d segments", len(segs))
	}
	if _, _, err := (&Preparer{segmentS: 0.1}).Prepare(x, 1000); err == nil {
		t.Error("a 100-sample segment: want an error")
	}
}

// Resampling 48 kHz to 12 kHz keeps a 1 kHz tone's amplitude and drops
// a 10 kHz one (above the new Nyquist) by more than 75 dB.
func TestPrepareResample(t *testing.T) {
	const n = 48000
	x := make([]float64, n)
	for i := range x {
		tt := float64(i) / 48000
		x[i] = math.Sin(2*math.Pi*1000*tt) + math.Sin(2*math.Pi*10000*tt)
	}
	p, err := NewPreparer(12000, 0)
	if err != nil {
		t.Fatal(err)
	}
	segs, rate, err := p.Prepare(x, 48000)
	if err != nil {
		t.Fatal(err)
	}
	y := segs[0]
	if rate != 12000 || len(y) != 12000 {
		t.Fatalf("rate %g, %d samples", rate, len(y))
	}
	s, err := ComputeSpectrum(y[1000:11000], 12000, SpectrumOptions{Window: fft.FlatTop}) // amplitude exact between bins
	if err != nil {
		t.Fatal(err)
	}
	if a := s.LineAmplitude(1000, 5); math.Abs(a-1) > 0.01 {
		t.Errorf("1 kHz tone amplitude %.4f after resampling, want 1", a)
	}
	// The 10 kHz tone aliases to 2 kHz if not filtered.
	if a := s.LineAmplitude(2000, 5); a > 1.8e-4 {
		t.Errorf("alias of the 10 kHz tone at 2 kHz: %.3g, want < -75 dB", a)
	}
	if _, err := NewPreparer(12000.5, 0); err == nil {
		t.Error("fractional resample rate: want an error")
	}
}
