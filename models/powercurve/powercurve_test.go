package powercurve

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/features"
)

func TestQuantile(t *testing.T) {
	// numpy.quantile([3, 1, 4, 1, 5], [0, .1, .5, .9, 1]) = 1, 1, 3, 4.6, 5.
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.1, 1}, {0.5, 3}, {0.9, 4.6}, {1, 5}} {
		if got := Quantile([]float64{3, 1, 4, 1, 5}, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Quantile(q=%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("empty: not NaN")
	}
}

func TestFlagString(t *testing.T) {
	if s := (Frozen | Icing).String(); s != "frozen,icing" {
		t.Errorf("got %q", s)
	}
	if Flag(0).String() != "" || FlagName(2) != "downtime" {
		t.Error("names")
	}
}

// curveKW is the known curve of the synthetic turbine: cubic from 3 to
// 12 m/s, 2000 kW up to 25 m/s.
func curveKW(v float64) float64 {
	switch {
	case v < 3 || v >= 25:
		return 0
	case v >= 12:
		return 2000
	}
	return 2000 * (v*v*v - 27) / (1728 - 27)
}

// synthTable builds one turbine's 60 days at about 15 °C and sea level (so the
// normalised wind equals the measured one within 0.02 %), power on the
// known curve with 1 % noise, pitch 0 below 12 m/s and rising above, with
// injected events at known rows.
func synthTable(t *testing.T) (*scada.Table, map[string][2]int) {
	cols := []scada.Column{
		{Signal: scada.WindSpeed, Stat: scada.Avg}, {Signal: scada.ActivePower, Stat: scada.Avg},
		{Signal: scada.PitchAngle, Stat: scada.Avg}, {Signal: scada.AmbientTemperature, Stat: scada.Avg},
		{Signal: scada.GearboxBearing1Temperature, Stat: scada.Avg},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 60 * 144
	tab := &scada.Table{Columns: cols}
	v := 8.0
	for i := range n {
		v += 0.3 * rng.NormFloat64()
		if v < 1 || v > 20 {
			v = math.Min(math.Max(2*math.Round(v/20)*19+2-v, 1), 20) // reflect at 1 and 20
		}
		p := curveKW(v) * (1 + 0.01*rng.NormFloat64())
		pitch := 0.0
		if v > 12 {
			pitch = 2 * (v - 12)
		}
		tab.Rows = append(tab.Rows, scada.Row{Turbine: "T1", Time: t0.Add(time.Duration(i) * 10 * time.Minute),
			Values: []float64{v, p, pitch, 15 + 0.01*rng.NormFloat64(), 50 + 10*rng.Float64()}})
	}
	ev := map[string][2]int{
		"derate":  {1000, 1020}, // 80 % of the curve with pitch +5°
		"down":    {2000, 2010}, // 0 kW
		"frozen":  {3000, 3010}, // gearbox bearing stuck
		"icing":   {4000, 4012}, // 70 % of the curve at −3 °C
		"oor":     {5000, 5001}, // ambient 99 °C
		"oneblip": {6000, 6002}, // 2 rows at 80 %: too short to flag
	}
	for i := range tab.Rows {
		r := tab.Rows[i].Values
		in := func(k string) bool { return i >= ev[k][0] && i < ev[k][1] }
		if in("derate") || in("icing") || in("oneblip") {
			r[0] = 8 + float64(i%3) // moderate wind, below rated
			r[1] = curveKW(r[0])
			r[2] = 0
		}
		switch {
		case in("derate"):
			r[1] *= 0.8
			r[2] = 5
		case in("down"):
			r[0], r[1] = 8+0.1*float64(i%4), 0
		case in("frozen"):
			r[4] = 61.5
		case in("icing"):
			r[1] *= 0.7
			r[3] = -3 + 0.1*float64(i%2)
		case in("oor"):
			r[3] = 99
		case in("oneblip"):
			r[1] *= 0.8
			r[2] = 5
		}
	}
	return tab, ev
}

func TestAnalyseSynthetic(t *testing.T) {
	tab, ev := synthTable(t)
	res, err := Analyse(tab, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Flag{"derate": Curtailment, "down": Downtime, "frozen": Frozen, "icing": Icing, "oor": OutOfRange, "oneblip": 0}
	inEvent := make([]bool, len(tab.Rows))
	for k, se := range ev {
		for i := se[0]; i < se[1]; i++ {
			inEvent[i] = true
			if got := res.Rows[i].Flags; got != want[k] {
				t.Errorf("%s row %d: flags %q, want %q", k, i, got, want[k])
			}
		}
	}
	others := 0
	for i, r := range res.Rows {
		if !inEvent[i] && r.Flags != 0 {
			others++
		}
	}
	tu := res.Turbines[0]
	t.Logf("flagged %v, %d outside the events; %d bins", tu.Flagged, others, len(tu.Curve))
	if others > len(tab.Rows)/500 {
		t.Errorf("%d rows flagged outside the injected events", others)
	}
	// The fitted curve follows the known one: at each bin's mean wind, the
	// bin's mean power is the curve's within the noise and the bin's
	// curvature (a 0.5 m/s bin of a cubic: a few percent at low wind).
	for _, b := range tu.Curve {
		if b.WindMS < 3.5 || b.WindMS > 11.5 && b.WindMS < 12.5 {
			continue // the kinks at cut-in and rated
		}
		want := curveKW(b.WindMS)
		if tol := 0.01*want + 3*b.PowerStdKW/math.Sqrt(float64(b.Count)) + 10; math.Abs(b.PowerKW-want) > tol {
			t.Errorf("bin %.1f m/s (n=%d): %.1f kW, curve %.1f ± %.1f", b.CenterMS, b.Count, b.PowerKW, want, tol)
		}
	}
	// Expected power and lost energy of the derating: 20 % of the curve
	// for 20 rows of 10 minutes.
	lost, wantLost := 0.0, 0.0
	for i := ev["derate"][0]; i < ev["derate"][1]; i++ {
		lost += res.Rows[i].LostKWh
		wantLost += 0.2 * curveKW(tab.Rows[i].Values[0]) / 6
	}
	if math.Abs(lost-wantLost) > 0.03*wantLost {
		t.Errorf("lost energy in the derating %.0f kWh, want %.0f", lost, wantLost)
	}
	if math.Abs(res.Rows[0].DensityKgM3-features.AirDensity(tab.Rows[0].Values[3], 101325)) > 1e-12 {
		t.Errorf("density %v", res.Rows[0].DensityKgM3)
	}
}

func TestAnalyseNeedsColumns(t *testing.T) {
	tab := &scada.Table{Columns: []scada.Column{{Signal: scada.WindSpeed, Stat: scada.Avg}}}
	if _, err := Analyse(tab, Options{}); err == nil {
		t.Error("no error without active power")
	}
	tab.Columns = append(tab.Columns, scada.Column{Signal: scada.ActivePower, Stat: scada.Avg})
	res, err := Analyse(tab, Options{ElevationM: 1000})
	if err != nil || len(res.Turbines) != 0 || res.DensityFromTemperature || math.Abs(res.PressurePa-89874.6) > 1 {
		t.Errorf("empty table: %+v, %v", res, err)
	}
}
