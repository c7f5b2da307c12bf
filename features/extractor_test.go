package features

import (
	"math"
	"testing"
)

// TestExtractorSharedSpectrum: the order and gear groups share one
// spectrum per input; a reused input buffer with new samples must give
// the values a fresh Extractor gives, not the previous input's.
func TestExtractorSharedSpectrum(t *testing.T) {
	const n, rate = 8192, 8192.0
	kin := Kinematics{RPM: 1800, GearTeeth: 20}
	sig := func(f float64) []float64 {
		x := make([]float64, n)
		for i := range x {
			ti := float64(i) / rate
			x[i] = math.Sin(2*math.Pi*30*ti) + 0.5*math.Sin(2*math.Pi*f*ti)
		}
		return x
	}
	reused, err := NewExtractor(Config{})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float64, n)
	for _, f := range []float64{600, 1200, 90} {
		copy(buf, sig(f))
		got := make([]float64, len(reused.Columns()))
		if err := reused.Extract(got, &Input{X: buf, RateHz: rate, Kin: kin}); err != nil {
			t.Fatal(err)
		}
		fresh, _ := NewExtractor(Config{})
		want := make([]float64, len(got))
		if err := fresh.Extract(want, &Input{X: sig(f), RateHz: rate, Kin: kin}); err != nil {
			t.Fatal(err)
		}
		for i, c := range reused.Columns() {
			if got[i] != want[i] && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
				t.Errorf("tone %g Hz: %s = %g after an earlier input, %g fresh", f, c.Name, got[i], want[i])
			}
		}
	}
}
