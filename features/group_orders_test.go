package features

import (
	"math"
	"testing"
)

// A tone at twice the shaft speed shows as order_2x with its amplitude,
// also when the speed is 1.25 % off the nominal rpm (within the ±2 %
// search window; 60.75 Hz is still on a bin), and puts its power in the
// octave band around 2×.
func TestOrderGroupTone(t *testing.T) {
	const rate, rpm = 12000.0, 1800.0
	for _, off := range []float64{1, 1.0125} {
		f := 2 * rpm / 60 * off
		in := &Input{X: tone(48000, rate, 0.1, [2]float64{f, 0.7}), RateHz: rate, Kin: Kinematics{RPM: rpm}}
		got := computeGroup(t, newOrderGroup(), in)
		if !near(got["order_2x"], 0.7, 1e-9) {
			t.Errorf("speed ×%g: order_2x = %.5f, want 0.7", off, got["order_2x"])
		}
		if got["order_1x"] > 1e-3 || got["order_3x"] > 1e-3 {
			t.Errorf("speed ×%g: order_1x %.3g order_3x %.3g, want ≈ 0", off, got["order_1x"], got["order_3x"])
		}
		if v := got["order_energy_2x"]; !(v > 0.999999) {
			t.Errorf("speed ×%g: order_energy_2x = %.8f, want ≈ 1", off, v)
		}
		if v := got["order_energy_128x"]; math.IsNaN(v) {
			t.Error("order_energy_128x is null though its top, 128·√2·30 Hz = 5431 Hz, is below Nyquist")
		}
	}
}

// Order fractions transfer across speeds: the same order content at 1500
// and 1800 rpm gives the same fractions.
func TestOrderGroupSpeedInvariant(t *testing.T) {
	const rate = 12000.0
	var first map[string]float64
	for _, rpm := range []float64{1500, 1800} {
		fs := rpm / 60
		in := &Input{X: tone(60000, rate, 0, [2]float64{fs, 1}, [2]float64{5 * fs, 0.5}, [2]float64{37 * fs, 0.25}), RateHz: rate, Kin: Kinematics{RPM: rpm}}
		got := computeGroup(t, newOrderGroup(), in)
		if first == nil {
			first = got
			if !near(got["order_energy_4x"], 0.25/(1+0.25+0.0625), 1e-6) {
				t.Errorf("order_energy_4x = %.8f, want %.8f", got["order_energy_4x"], 0.25/1.3125)
			}
			continue
		}
		for _, c := range orderColumns[orderHarmonics:] {
			if math.Abs(got[c.Name]-first[c.Name]) > 2e-3 {
				t.Errorf("%s: %.6f at %g rpm, %.6f at 1500 rpm", c.Name, got[c.Name], rpm, first[c.Name])
			}
		}
	}
}

func TestOrderGroupNoSpeed(t *testing.T) {
	got := computeGroup(t, newOrderGroup(), &Input{X: tone(4096, 4096, 0, [2]float64{30, 1}), RateHz: 4096})
	for col, v := range got {
		if !math.IsNaN(v) {
			t.Errorf("%s = %g without rpm, want null", col, v)
		}
	}
}

// Bands whose top lies above Nyquist are null: at 4 kHz and 30 Hz shaft
// speed, 64× (top 2715 Hz) and 128× exceed 2 kHz, 32× (1358 Hz) does not.
func TestOrderGroupBandsAboveNyquist(t *testing.T) {
	got := computeGroup(t, newOrderGroup(), &Input{X: tone(8000, 4000, 0, [2]float64{30, 1}), RateHz: 4000, Kin: Kinematics{RPM: 1800}})
	for col, null := range map[string]bool{"order_energy_32x": false, "order_energy_64x": true, "order_energy_128x": true, "order_3x": false} {
		if math.IsNaN(got[col]) != null {
			t.Errorf("%s = %g, null should be %v", col, got[col], null)
		}
	}
}
