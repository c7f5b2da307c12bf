package features

import (
	"math"
	"testing"
)

// tone returns n samples at rateHz of Σ amp_i·sin(2π·f_i·t) + offset.
func tone(n int, rateHz, offset float64, parts ...[2]float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		t := float64(i) / rateHz
		x[i] = offset
		for _, p := range parts {
			x[i] += p[1] * math.Sin(2*math.Pi*p[0]*t)
		}
	}
	return x
}

// computeGroup runs one group on in and returns its values by column name.
func computeGroup(t *testing.T, g group, in *Input) map[string]float64 {
	t.Helper()
	dst := make([]float64, len(g.columns()))
	for i := range dst {
		dst[i] = math.NaN()
	}
	if err := g.compute(dst, in); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]float64, len(dst))
	for i, c := range g.columns() {
		out[c.Name] = dst[i]
	}
	return out
}

func near(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)
}

// Closed forms: a tone of acceleration amplitude A (m/s²) at f has
// velocity amplitude A/(2πf), so r.m.s. velocity A/(2πf·√2); 1 g is
// 9.80665 m/s² exactly. Tones centred on a bin of a rectangular FFT of
// whole periods put all their power in one bin, so the band sums are
// exact up to rounding.
func TestISOGroupClosedForm(t *testing.T) {
	const rate, n = 12000.0, 24000
	vel100 := 9806.65 / (2 * math.Pi * 100) / math.Sqrt2
	cases := []struct {
		name string
		in   Input
		want map[string]float64 // NaN: must be null
	}{
		{"1 g at 100 Hz", Input{X: tone(n, rate, 0.3, [2]float64{100, 1}), RateHz: rate, Unit: "g"}, map[string]float64{
			"velocity_rms_10_1000_hz_mm_s":     vel100,
			"acceleration_rms_10_2000_hz_m_s2": 9.80665 / math.Sqrt2,
			"acceleration_rms_10_5000_hz_m_s2": 9.80665 / math.Sqrt2,
			"velocity_rms_0p1_10_hz_mm_s":      math.NaN(), // 2 s capture: 0.1 Hz not resolved
			"acceleration_rms_0p1_10_hz_m_s2":  math.NaN(),
			"iso_zone":                         math.NaN(), // no group
		}},
		{"9.80665 m/s2 at 100 Hz", Input{X: tone(n, rate, 0, [2]float64{100, 9.80665}), RateHz: rate, Unit: "m/s2"}, map[string]float64{
			"velocity_rms_10_1000_hz_mm_s": vel100,
		}},
		{"out of band tones", Input{X: tone(n, rate, 0, [2]float64{5, 1}, [2]float64{1500, 2}, [2]float64{3000, 3}), RateHz: rate, Unit: "m/s2"}, map[string]float64{
			"velocity_rms_10_1000_hz_mm_s":     0,
			"acceleration_rms_10_2000_hz_m_s2": 2 / math.Sqrt2,
			"acceleration_rms_10_5000_hz_m_s2": math.Sqrt(4+9) / math.Sqrt2,
		}},
		{"velocity input", Input{X: tone(n, rate, 1, [2]float64{50, 5}, [2]float64{2000, 1}), RateHz: rate, Unit: "mm/s"}, map[string]float64{
			"velocity_rms_10_1000_hz_mm_s":     5 / math.Sqrt2,
			"acceleration_rms_10_2000_hz_m_s2": math.NaN(),
		}},
		{"unknown unit", Input{X: tone(n, rate, 0, [2]float64{100, 1}), RateHz: rate}, map[string]float64{
			"velocity_rms_10_1000_hz_mm_s": math.NaN(),
		}},
		{"rate too low for 2 kHz", Input{X: tone(6000, 3000, 0, [2]float64{100, 1}), RateHz: 3000, Unit: "g"}, map[string]float64{
			"velocity_rms_10_1000_hz_mm_s":     vel100,
			"acceleration_rms_10_2000_hz_m_s2": math.NaN(),
		}},
		{"20 s at 1 kHz, 2 Hz tower sway", Input{X: tone(20000, 1000, 0, [2]float64{2, 0.5}), RateHz: 1000, Unit: "m/s2", Kin: Kinematics{ISOGroup: "Tower"}}, map[string]float64{
			"acceleration_rms_0p1_10_hz_m_s2": 0.5 / math.Sqrt2,
			"velocity_rms_0p1_10_hz_mm_s":     500 / (2 * math.Pi * 2) / math.Sqrt2,
			"iso_zone_velocity":               ZoneAB, // 28 mm/s < 60
			"iso_zone":                        ZoneC,  // 0.35 m/s² in [0.3, 0.5)
		}},
	}
	for _, c := range cases {
		got := computeGroup(t, newISOGroup(), &c.in)
		for col, w := range c.want {
			g := got[col]
			if math.IsNaN(w) != math.IsNaN(g) || (!math.IsNaN(w) && math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w))) {
				t.Errorf("%s: %s = %.12g, want %.12g", c.name, col, g, w)
			}
		}
	}
}

// Zones: the velocity boundaries of each group, and the worst quantity
// deciding iso_zone.
func TestISOGroupZones(t *testing.T) {
	const rate, n = 12000.0, 24000
	// Acceleration amplitude (m/s²) at 100 Hz for an r.m.s. velocity v mm/s.
	accFor := func(v float64) float64 { return v * math.Sqrt2 * 2 * math.Pi * 100 / 1000 }
	cases := []struct {
		group      string
		velocity   float64 // mm/s r.m.s. at 100 Hz
		extra      [2]float64
		zv, zoneAl float64
	}{
		{"gearbox", 3.4, [2]float64{}, ZoneAB, ZoneAB},
		{"gearbox", 3.6, [2]float64{}, ZoneC, ZoneC},
		{"gearbox", 5.7, [2]float64{}, ZoneD, ZoneD},
		{"main_bearing", 1.9, [2]float64{}, ZoneAB, ZoneAB},
		{"rotor", 2.1, [2]float64{}, ZoneC, ZoneC},
		{"main-bearing", 3.3, [2]float64{}, ZoneD, ZoneD},
		{"generator", 5.9, [2]float64{}, ZoneAB, ZoneAB},
		{"Generator", 9.9, [2]float64{}, ZoneC, ZoneC},
		// 12·√2 m/s² at 3 kHz: 12 m/s² r.m.s. in 10–5000 Hz (zone C of a
		// generator) but only 0.64 mm/s.
		{"generator", 1, [2]float64{3000, 12 * math.Sqrt2}, ZoneAB, ZoneC},
		// The same tone on a gearbox is outside 10–2000 Hz.
		{"gearbox", 1, [2]float64{3000, 12 * math.Sqrt2}, ZoneAB, ZoneAB},
		{"no such group", 9, [2]float64{}, math.NaN(), math.NaN()},
	}
	for _, c := range cases {
		parts := [][2]float64{{100, accFor(c.velocity)}}
		if c.extra[0] > 0 {
			parts = append(parts, c.extra)
		}
		in := &Input{X: tone(n, rate, 0, parts...), RateHz: rate, Unit: "m/s2", Kin: Kinematics{ISOGroup: c.group}}
		got := computeGroup(t, newISOGroup(), in)
		if v := got["velocity_rms_10_1000_hz_mm_s"]; !near(v, c.velocity, 1e-9) {
			t.Errorf("%s: velocity %.12g, want %g", c.group, v, c.velocity)
		}
		for _, z := range []struct {
			col       string
			got, want float64
		}{{"iso_zone_velocity", got["iso_zone_velocity"], c.zv}, {"iso_zone", got["iso_zone"], c.zoneAl}} {
			if !(z.got == z.want || math.IsNaN(z.got) && math.IsNaN(z.want)) {
				t.Errorf("%s at %g mm/s: %s = %g, want %g", c.group, c.velocity, z.col, z.got, z.want)
			}
		}
	}
}

func TestISOZoneBoundaries(t *testing.T) {
	for _, c := range []struct{ v, want float64 }{{3.49, ZoneAB}, {3.5, ZoneC}, {5.59, ZoneC}, {5.6, ZoneD}, {100, ZoneD}} {
		if z := ISOZone(c.v, 3.5, 5.6); z != c.want {
			t.Errorf("ISOZone(%g, 3.5, 5.6) = %g, want %g", c.v, z, c.want)
		}
	}
	if !math.IsNaN(ISOZone(math.NaN(), 1, 2)) {
		t.Error("ISOZone(NaN) is not NaN")
	}
	cols := map[string]bool{}
	for _, c := range isoColumns {
		cols[c.Name] = true
	}
	for _, g := range []string{ISOGroupNacelle, ISOGroupMainBearing, ISOGroupGearbox, ISOGroupGenerator} {
		bs := ISOZoneBoundaries(g)
		if len(bs) == 0 {
			t.Errorf("group %s has no boundaries", g)
		}
		for _, b := range bs {
			if !cols[b.Column] || !(0 < b.BC && b.BC < b.CD) {
				t.Errorf("group %s: boundary %+v names no column or is not ordered", g, b)
			}
		}
	}
}
