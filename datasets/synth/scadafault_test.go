package synth

import (
	"math"
	"strings"
	"testing"
)

// TestSCADAFaults: a SCADA fault changes its turbine's SCADA from its
// onset only, by what it says: the gearbox bearing settles SCADAStepC
// higher after a step (mean difference over the last days, the noise
// being the same), a ramp reaches it after SCADARampDays, a derating caps
// the power at SCADADerateFraction of rated with the pitch raised, and
// nothing else moves.
func TestSCADAFaults(t *testing.T) {
	base := DefaultConfig()
	base.Turbines, base.Days, base.Faults = 3, 30, nil
	healthy := make([][]SCADARow, 3)
	for ti := range healthy {
		healthy[ti], _ = SCADA(base, ti)
	}
	for _, spec := range []string{"WT02/scada/gearbox_temp_step@10", "WT02/scada/gearbox_temp_ramp@10", "WT02/scada/derate@10"} {
		f, err := ParseFaultSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		cfg := base
		cfg.Faults = []FaultSpec{f}
		onset := cfg.Start.AddDate(0, 0, 10)
		for ti := range 3 {
			rows, err := SCADA(cfg, ti)
			if err != nil {
				t.Fatal(err)
			}
			var dT float64
			n, capped := 0, 0
			for i, r := range rows {
				h := healthy[ti][i]
				if ti != 1 || r.Time.Before(onset) {
					if r != h {
						t.Fatalf("%s: turbine %d row %s changed: %+v, healthy %+v", spec, ti, r.Time, r, h)
					}
					continue
				}
				if r.WindSpeedMS != h.WindSpeedMS || r.AmbientC != h.AmbientC {
					t.Fatalf("%s: wind or ambient changed at %s", spec, r.Time)
				}
				switch f.Kind {
				case Derate:
					limit := SCADADerateFraction * cfg.Drivetrain.RatedPowerKW
					on := r.Time.Before(onset.AddDate(0, 0, 2))
					if on && h.ActivePowerKW > limit {
						capped++
						if math.Abs(r.ActivePowerKW-limit) > 0.03*limit || r.PitchDeg < h.PitchDeg || (h.ActivePowerKW > 1.05*limit && r.PitchDeg <= h.PitchDeg) {
							t.Fatalf("%s at %s: power %.1f kW (cap %.0f), pitch %.2f (healthy %.2f)", spec, r.Time, r.ActivePowerKW, limit, r.PitchDeg, h.PitchDeg)
						}
					} else if !on && (r.ActivePowerKW != h.ActivePowerKW || r.PitchDeg != h.PitchDeg) {
						t.Fatalf("%s at %s: power or pitch changed outside the derating", spec, r.Time)
					}
				default:
					if r.Time.After(onset.AddDate(0, 0, SCADARampDays+1)) {
						dT += r.GearboxBearingC - h.GearboxBearingC
						n++
					}
				}
			}
			switch {
			case ti != 1:
			case f.Kind == Derate:
				if capped < 10 {
					t.Errorf("%s: %d capped rows", spec, capped)
				}
			default:
				// Rounding to 0.1 °C of both series: ±0.05.
				if got := dT / float64(n); math.Abs(got-SCADAStepC) > 0.05 {
					t.Errorf("%s: gearbox bearing %+.3f °C after the onset, want %+.1f", spec, got, SCADAStepC)
				}
			}
		}
	}
	for _, c := range []struct{ spec, want string }{
		{"WT02/gbx_hss/derate@3", "are TURBINE/scada/KIND@DAY"},
		{"WT02/scada/outer_race@3", "are TURBINE/scada/KIND@DAY"},
		{"WT02/scada/derate@99", "start day 99"},
	} {
		f, _ := ParseFaultSpec(c.spec)
		cfg := base
		cfg.Faults = []FaultSpec{f}
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.spec, err, c.want)
		}
	}
}
