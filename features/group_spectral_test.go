package features

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A tone of amplitude A at an integer frequency is centred on a 1 Hz Welch
// bin with whole periods in every segment: Hann puts A²/2·(1, ¼, ¼)/1.5 of
// its power in the bin and its two neighbours and nothing elsewhere, so
// total power, band power and the peak amplitude are exact.
func TestSpectralGroupTone(t *testing.T) {
	const a = 1.7
	for _, rate := range []float64{12000, 25600, 48000} {
		in := &Input{X: tone(int(3*rate), rate, 2, [2]float64{300, a}), RateHz: rate, Unit: "g"}
		got := computeGroup(t, newSpectralGroup(nil), in)
		for col, want := range map[string]float64{
			"total_power":           a * a / 2,
			"band_power_160_320_hz": a * a / 2,
			"peak1_freq_hz":         300,
			"peak1_amp":             a,
			"spectral_centroid_hz":  300,
		} {
			if !near(got[col], want, 1e-9) {
				t.Errorf("rate %g: %s = %.12g, want %.12g", rate, col, got[col], want)
			}
		}
		if v := got["band_power_320_640_hz"]; v > 1e-20 {
			t.Errorf("rate %g: band_power_320_640_hz = %g, want 0", rate, v)
		}
		if v := got["band_power_5120_10240_hz"]; math.IsNaN(v) != (rate < 20480) {
			t.Errorf("rate %g: band_power_5120_10240_hz = %g: null exactly when above Nyquist", rate, v)
		}
		// Hann spreads the tone over 3 bins with shares (4, 1, 1)/6 among
		// the K = rate/2 bins above DC.
		h3 := -(4.0/6*math.Log(4.0/6) + 2.0/6*math.Log(1.0/6))
		if v, want := got["spectral_entropy"], h3/math.Log(rate/2); !near(v, want, 1e-6) {
			t.Errorf("rate %g: entropy of a tone %.9g, want %.9g", rate, v, want)
		}
	}
}

// A tone between bins loses at most 2 % of its power outside the three
// bins (Hann: 1.47 of 1.5 at half a bin), so its amplitude reads within
// 1.1 %, and the three largest of three tones are found in order.
func TestSpectralGroupPeaks(t *testing.T) {
	const rate = 10000.0
	in := &Input{X: tone(50000, rate, 0, [2]float64{120.5, 1}, [2]float64{1000.25, 3}, [2]float64{2500.5, 2}), RateHz: rate}
	got := computeGroup(t, newSpectralGroup(nil), in)
	for i, w := range [][2]float64{{1000.25, 3}, {2500.5, 2}, {120.5, 1}} {
		f := got[[]string{"peak1_freq_hz", "peak2_freq_hz", "peak3_freq_hz"}[i]]
		a := got[[]string{"peak1_amp", "peak2_amp", "peak3_amp"}[i]]
		if math.Abs(f-w[0]) > 0.1 || !near(a, w[1], 0.011) {
			t.Errorf("peak %d: %.3f Hz amplitude %.4f, want %.2f Hz amplitude %g", i+1, f, a, w[0], w[1])
		}
	}
}

// Parseval: for white noise the Welch total power estimates the variance
// (the estimate averages 199 segments, so its relative scatter is about
// 1/√(199·1000/1.9) ≈ 0.3 %); entropy and flatness are near 1.
func TestSpectralGroupWhiteNoise(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 100000)
	for i := range x {
		x[i] = 2 * r.NormFloat64()
	}
	in := &Input{X: x, RateHz: 1000}
	got := computeGroup(t, newSpectralGroup(nil), in)
	variance := TimeDomain(x).Std * TimeDomain(x).Std
	if !near(got["total_power"], variance, 0.01) {
		t.Errorf("total power %.5g, variance %.5g", got["total_power"], variance)
	}
	if v := got["spectral_entropy"]; !(v > 0.99 && v <= 1) {
		t.Errorf("entropy %g, want near 1", v)
	}
	if v := got["spectral_flatness"]; !(v > 0.95 && v <= 1) {
		t.Errorf("flatness %g, want near 1", v)
	}
	if v := got["spectral_centroid_hz"]; math.Abs(v-250) > 5 {
		t.Errorf("centroid %g Hz, want 250 (half of Nyquist)", v)
	}
	if v := got["spectral_spread_hz"]; math.Abs(v-500/math.Sqrt(12)) > 5 {
		t.Errorf("spread %g Hz, want 500/√12 (uniform over 0–500 Hz)", v)
	}
}

// A capture shorter than one second is one Welch segment: bands that hold
// no bin are null rather than 0.
func TestSpectralGroupShortCapture(t *testing.T) {
	in := &Input{X: tone(256, 12000, 0, [2]float64{1000, 1}), RateHz: 12000}
	got := computeGroup(t, newSpectralGroup(nil), in)
	if v := got["band_power_10_20_hz"]; !math.IsNaN(v) {
		t.Errorf("band_power_10_20_hz = %g on 47 Hz bins, want null", v)
	}
	if v := got["total_power"]; !(v > 0) {
		t.Errorf("total power %g", v)
	}
}
