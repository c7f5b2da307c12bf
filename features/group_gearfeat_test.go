package features

import (
	"math"
	"testing"
)

// An amplitude-modulated mesh, (1 + m·cos 2πf_s t)·sin 2π·GMF·t, has
// sidebands of m/2 at GMF ± f_s, so SER = m (Hanson, Kolt & Tjaden 2007);
// the tones sit on bins of the 4 s capture, so Hann reads them exactly.
func TestGearGroupAM(t *testing.T) {
	const rate, rpm, teeth, m = 12000.0, 1200.0, 20, 0.4
	fs := rpm / 60
	gmf := teeth * fs
	n := 48000
	x := make([]float64, n)
	for i := range x {
		tt := float64(i) / rate
		x[i] = (1+m*math.Cos(2*math.Pi*fs*tt))*math.Sin(2*math.Pi*gmf*tt) + 0.3*math.Sin(2*math.Pi*2*gmf*tt)
	}
	got := computeGroup(t, newGearGroup(), &Input{X: x, RateHz: rate, Kin: Kinematics{RPM: rpm, GearTeeth: teeth}})
	for col, want := range map[string]float64{"gmf_1x": 1, "gmf_2x": 0.3, "gear_ser": m} {
		if !near(got[col], want, 1e-9) {
			t.Errorf("%s = %.12g, want %g", col, got[col], want)
		}
	}
	if v := got["gmf_3x"]; v > 1e-9 {
		t.Errorf("gmf_3x = %g, want ≈ 0", v)
	}
}

func TestGearGroupNotApplicable(t *testing.T) {
	x := tone(12000, 12000, 0, [2]float64{400, 1})
	for _, c := range []struct {
		name string
		kin  Kinematics
		null []string
	}{
		{"no teeth", Kinematics{RPM: 1200}, []string{"gmf_1x", "gmf_2x", "gmf_3x", "gear_ser"}},
		{"no rpm", Kinematics{GearTeeth: 20}, []string{"gmf_1x", "gmf_2x", "gmf_3x", "gear_ser"}},
		// GMF 4000 Hz: 2× and 3× above the 6 kHz Nyquist, SER computable.
		{"high mesh", Kinematics{RPM: 1200, GearTeeth: 200}, []string{"gmf_2x", "gmf_3x"}},
	} {
		got := computeGroup(t, newGearGroup(), &Input{X: x, RateHz: 12000, Kin: c.kin})
		for _, col := range c.null {
			if !math.IsNaN(got[col]) {
				t.Errorf("%s: %s = %g, want null", c.name, col, got[col])
			}
		}
	}
}
