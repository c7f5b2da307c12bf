package features

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Closed-form values: a sine of amplitude A has RMS A/√2, crest √2,
// Pearson kurtosis 3/2, skewness 0; the offset must not matter.
func TestTimeDomainSine(t *testing.T) {
	const n, a, offset = 4800, 2.5, 7.0
	x := make([]float64, n)
	for i := range x {
		x[i] = offset + a*math.Sin(2*math.Pi*50*float64(i)/4800)
	}
	s := TimeDomain(x)
	checks := []struct {
		what      string
		got, want float64
	}{
		{"mean", s.Mean, offset},
		{"rms", s.RMS, a / math.Sqrt2},
		{"peak", s.Peak, a},
		{"peak-to-peak", s.PeakToPeak, 2 * a},
		{"crest", s.Crest, math.Sqrt2},
		{"kurtosis", s.Kurtosis, 1.5},
		{"skewness", s.Skewness, 0},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 1e-9*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s = %.12g, want %.12g", c.what, c.got, c.want)
		}
	}
}

// A Gaussian signal has kurtosis 3 within its sampling error
// (σ ≈ √(24/n) ≈ 0.011 at n = 200000).
func TestTimeDomainGaussianKurtosis(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 200000)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	s := TimeDomain(x)
	if math.Abs(s.Kurtosis-3) > 0.06 || math.Abs(s.Skewness) > 0.03 || math.Abs(s.RMS-1) > 0.01 {
		t.Errorf("gaussian: kurtosis %.4f skewness %.4f rms %.4f", s.Kurtosis, s.Skewness, s.RMS)
	}
}

func TestTimeDomainDegenerate(t *testing.T) {
	if s := TimeDomain(nil); s != (TimeStats{}) {
		t.Errorf("empty: %+v", s)
	}
	s := TimeDomain([]float64{3, 3, 3})
	if s.Mean != 3 || s.RMS != 0 || s.Crest != 0 || s.Kurtosis != 0 {
		t.Errorf("constant: %+v", s)
	}
}
