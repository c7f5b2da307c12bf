package nbm

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/scada"
)

func TestEWMA(t *testing.T) {
	// Step response of a first-order lag: 1 − e^{−t/τ}, whatever the
	// spacing of the samples; a missing value holds.
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	times := []time.Time{t0, t0.Add(time.Hour), t0.Add(90 * time.Minute), t0.Add(3 * time.Hour), t0.Add(4 * time.Hour)}
	x := []float64{0, 1, 1, 1, math.NaN()}
	got := EWMA(x, times, 2)
	want := []float64{0, 1 - math.Exp(-0.5), 1 - math.Exp(-0.75), 1 - math.Exp(-1.5), 1 - math.Exp(-1.5)}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("EWMA[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

// synthTable: one turbine, 40 days; the target is a known linear function
// of the 2-hour smoothed power and the ambient temperature plus 0.3 °C
// noise, with a +3 °C step from day 30.
func synthTable(step bool) (*scada.Table, time.Time) {
	cols := []scada.Column{
		{Signal: scada.WindSpeed, Stat: scada.Avg}, {Signal: scada.ActivePower, Stat: scada.Avg},
		{Signal: scada.RotorSpeed, Stat: scada.Avg}, {Signal: scada.AmbientTemperature, Stat: scada.Avg},
		{Signal: scada.HubTemperature, Stat: scada.Avg}, {Signal: scada.GearboxBearing1Temperature, Stat: scada.Avg},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tab := &scada.Table{Columns: cols}
	n := 40 * 144
	power := make([]float64, n)
	times := make([]time.Time, n)
	level := 800.0
	for k := range power {
		level += 40 * rng.NormFloat64()
		level = math.Min(math.Max(level, 50), 2000)
		power[k] = level
		times[k] = t0.Add(time.Duration(k) * 10 * time.Minute)
	}
	p2 := EWMA(power, times, 2)
	faultAt := t0.Add(30 * 24 * time.Hour)
	for k := range power {
		amb := 10 + 5*math.Sin(2*math.Pi*float64(k)/144)
		y := 30 + 0.01*p2[k] + 0.5*amb + 0.3*rng.NormFloat64()
		if step && !times[k].Before(faultAt) {
			y += 3
		}
		tab.Rows = append(tab.Rows, scada.Row{Turbine: "T1", Time: times[k],
			Values: []float64{8 + rng.NormFloat64(), power[k], 12, amb, 20 + rng.NormFloat64(), y}})
	}
	return tab, faultAt
}

func TestFitAndEvents(t *testing.T) {
	tab, faultAt := synthTable(true)
	t0 := tab.Rows[0].Time
	o := Options{}
	m, err := Fit(tab, "T1", scada.GearboxBearing1Temperature, nil, t0, t0.Add(20*24*time.Hour), o)
	if err != nil {
		t.Fatal(err)
	}
	// The model holds the generating function: its RMSE is the noise.
	if m.RefRMSE > 0.32 || m.RefRMSE < 0.27 {
		t.Errorf("reference RMSE %.3f, want about the 0.3 °C noise", m.RefRMSE)
	}
	// The residual is N(0, 0.3) noise; smoothed at 0.5 h over 10-minute
	// steps (α = 1 − e^{−1/3}) its standard deviation is 0.3·√(α/(2−α)) =
	// 0.122 °C, and the 99.8th percentile of that 0.351 °C.
	if m.Threshold < 0.3 || m.Threshold > 0.42 {
		t.Errorf("threshold %.3f °C, want about 0.351", m.Threshold)
	}
	r, err := m.Residuals(tab, o)
	if err != nil {
		t.Fatal(err)
	}
	evs := Events(tab, "T1", []*Model{m}, [][]float64{r}, nil, o)
	if len(evs) != 1 {
		t.Fatalf("events %+v, want one", evs)
	}
	e := evs[0]
	// Every steady row after the step is anomalous: the counter reaches 72
	// on the 72nd steady row, 71 intervals after the step at the earliest.
	if e.Start.Before(faultAt) || e.Opened.Sub(faultAt) < 71*10*time.Minute || e.Opened.Sub(faultAt) > 48*time.Hour ||
		e.Signals[0] != scada.GearboxBearing1Temperature || e.Fractions[0] < 0.9 {
		t.Errorf("event %+v (fault at %v)", e, faultAt)
	}
	// Without the step, nothing.
	clean, _ := synthTable(false)
	m2, err := Fit(clean, "T1", scada.GearboxBearing1Temperature, nil, t0, t0.Add(20*24*time.Hour), o)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := m2.Residuals(clean, o)
	if err != nil {
		t.Fatal(err)
	}
	if evs := Events(clean, "T1", []*Model{m2}, [][]float64{r2}, nil, o); len(evs) != 0 {
		t.Errorf("events without a fault: %+v", evs)
	}
}

func TestCounter(t *testing.T) {
	// Residuals above (1) or below (0) the threshold on steady rows: the
	// counter rises to 72, opens, falls back to 0 and closes.
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tab := &scada.Table{Columns: []scada.Column{{Signal: scada.ActivePower, Stat: scada.Avg}}}
	var res []float64
	pattern := []struct{ n, v int }{{10, 0}, {80, 1}, {20, 0}, {5, 1}, {100, 0}, {30, 1}, {40, 0}}
	for _, p := range pattern {
		for range p.n {
			tab.Rows = append(tab.Rows, scada.Row{Turbine: "T", Time: t0.Add(time.Duration(len(res)) * 10 * time.Minute), Values: []float64{500}})
			res = append(res, float64(p.v))
		}
	}
	m := &Model{Turbine: "T", Target: scada.GearboxBearing1Temperature, Threshold: 0.5, SteadyKW: 1}
	evs := Events(tab, "T", []*Model{m}, [][]float64{res}, nil, Options{SmoothH: -1})
	// Up 80 (opens at the 72nd), down 20 to 60, up 5 to 65, down 65 to 0:
	// one event from row 10 to row 10+80+20+5+65−1 = 179. The 30-row burst
	// later stays below 72.
	if len(evs) != 1 {
		t.Fatalf("events %+v", evs)
	}
	e := evs[0]
	if !e.Start.Equal(t0.Add(100*time.Minute)) || !e.Opened.Equal(t0.Add(81*10*time.Minute)) || !e.End.Equal(t0.Add(179*10*time.Minute)) || e.Peak != 80 {
		t.Errorf("event %+v", e)
	}
}
