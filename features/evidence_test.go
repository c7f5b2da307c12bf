package features

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLinesAbove: a gear mesh at 25 teeth × 20 Hz = 500 Hz with ±1×
// sidebands at 480 and 520 Hz, 40 and 20 dB above white noise; the ±2×
// sidebands are absent.
func TestLinesAbove(t *testing.T) {
	const rate, n = 5000.0, 50000
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, n)
	for i := range x {
		tt := float64(i) / rate
		x[i] = 0.01*r.NormFloat64() + math.Sin(2*math.Pi*500*tt) + 0.1*math.Sin(2*math.Pi*480*tt) + 0.1*math.Sin(2*math.Pi*520*tt)
	}
	s, err := ComputeSpectrum(x, rate, SpectrumOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := s.LinesAbove(GearLines(25, 1200, 1, 2), 0.002, 10)
	want := map[string]float64{"GMF": 500, "GMF −1×": 480, "GMF +1×": 520}
	if len(got) != len(want) {
		t.Fatalf("found %+v, want %v", got, want)
	}
	for _, l := range got {
		if f, ok := want[l.Label]; !ok || math.Abs(l.FreqHz-f) > 0.2 {
			t.Errorf("%+v not expected", l)
		}
	}
	// The mesh line is 20 dB above its sidebands.
	db := map[string]float64{}
	for _, l := range got {
		db[l.Label] = l.DB
	}
	if d := db["GMF"] - db["GMF −1×"]; math.Abs(d-20) > 1.5 {
		t.Errorf("mesh − sideband = %.1f dB, want ≈ 20", d)
	}
}
