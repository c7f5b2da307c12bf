package features

import (
	"math"
	"testing"
)

// The PSD integrates to the variance (Parseval) and puts a tone at its
// frequency on the 1 Hz axis.
func TestPSD(t *testing.T) {
	const rate = 2048.0
	x := make([]float64, 8*2048)
	for i := range x {
		x[i] = 3 + 2*math.Sin(2*math.Pi*100*float64(i)/rate)
	}
	p, err := NewPSD(rate)
	if err != nil {
		t.Fatal(err)
	}
	f := p.Frequencies()
	if len(f) != 1025 || f[1] != 1 || f[100] != 100 {
		t.Fatalf("axis: %d bins, f[1] = %g, f[100] = %g", len(f), f[1], f[100])
	}
	dst := make([]float32, len(f))
	if err := p.Compute(dst, x, rate); err != nil {
		t.Fatal(err)
	}
	var total float64
	best := 0
	for i, v := range dst {
		total += float64(v) // 1 Hz bins
		if v > dst[best] {
			best = i
		}
	}
	// A sine of amplitude 2 has variance 2; the mean is removed per segment.
	if math.Abs(total-2) > 0.01 || best != 100 {
		t.Errorf("∫PSD = %.4f (want 2), peak at %d Hz (want 100)", total, best)
	}
	if err := p.Compute(dst, x, 1000); err == nil {
		t.Error("another rate: want an error")
	}
	if err := p.Compute(dst, x[:100], rate); err == nil {
		t.Error("shorter than a segment: want an error")
	}
}
