package scada

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/synth"
)

func TestAtAndValue(t *testing.T) {
	p := Column{ActivePower, Avg}
	tab := &Table{Columns: []Column{p}}
	t0 := utc("2017-01-01T00:00:00Z")
	for _, tb := range []string{"A", "B"} {
		for i := range 5 {
			if i == 2 {
				continue // a gap at 00:20
			}
			v := float64(i)
			if tb == "B" && i == 3 {
				v = math.NaN()
			}
			tab.Rows = append(tab.Rows, Row{Turbine: tb, Time: t0.Add(time.Duration(i) * 10 * time.Minute), Values: []float64{v}})
		}
	}
	for _, c := range []struct {
		turbine string
		at      string
		tol     time.Duration
		want    float64 // -1: no row
	}{
		{"A", "2017-01-01T00:00:00Z", 0, 0},
		{"A", "2017-01-01T00:04:00Z", 5 * time.Minute, 0},
		{"A", "2017-01-01T00:05:00Z", 5 * time.Minute, 0}, // tie: the earlier row
		{"A", "2017-01-01T00:06:00Z", 5 * time.Minute, 1},
		{"A", "2017-01-01T00:20:00Z", 5 * time.Minute, -1}, // in the gap
		{"A", "2017-01-01T00:20:00Z", 10 * time.Minute, 1},
		{"A", "2017-01-01T00:24:00Z", 10 * time.Minute, 3},
		{"A", "2016-12-31T23:55:00Z", 5 * time.Minute, 0},
		{"A", "2016-12-31T23:54:00Z", 5 * time.Minute, -1},
		{"A", "2017-01-01T00:45:00Z", 5 * time.Minute, 4},
		{"B", "2017-01-01T00:10:00Z", 0, 1},
		{"C", "2017-01-01T00:10:00Z", time.Hour, -1},
	} {
		r, ok := tab.At(c.turbine, utc(c.at), c.tol)
		if ok != (c.want >= 0) {
			t.Errorf("At(%s, %s, %v): found %v", c.turbine, c.at, c.tol, ok)
			continue
		}
		if !ok {
			continue
		}
		if v, _ := tab.Value(r, p); r.Turbine != c.turbine || v != c.want {
			t.Errorf("At(%s, %s, %v) = %s %v value %v, want %v", c.turbine, c.at, c.tol, r.Turbine, r.Time, v, c.want)
		}
	}
	r, _ := tab.At("B", utc("2017-01-01T00:30:00Z"), 0)
	if _, ok := tab.Value(r, p); ok {
		t.Error("Value of a NaN reported present")
	}
	if _, ok := tab.Value(r, Column{WindSpeed, Avg}); ok {
		t.Error("Value of an absent column reported present")
	}
}

// TestSynth ingests what `windpm synth` writes with the built-in mapping and
// checks every value against the generator's rows.
func TestSynth(t *testing.T) {
	dir := t.TempDir()
	cfg := synth.DefaultConfig()
	cfg.Turbines, cfg.Days, cfg.CaptureSeconds = 2, 2, 0.05
	cfg.Faults = synth.DefaultFaults(cfg.Turbines, cfg.Days)
	if _, err := synth.Generate(context.Background(), cfg, dir, nil); err != nil {
		t.Fatal(err)
	}
	tab, rep, err := Ingest([]string{filepath.Join(dir, "scada")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, tab, rep)
	if rep.BadNumbers != 0 || len(rep.Files) != 2 || rep.Files[0].Mapping != "windpm-synth" || len(rep.Files[0].Unmapped) != 0 {
		t.Fatalf("report %+v", rep.Files)
	}
	if got := tab.Turbines(); len(got) != 2 || got[0] != "WT01" || got[1] != "WT02" {
		t.Fatalf("turbines %v", got)
	}
	codes := map[string]float64{synth.StatusRun: 0, synth.StatusIdleLowWind: 1, synth.StatusStopHighWind: 2}
	round := func(x float64, d int) float64 { s := math.Pow(10, float64(d)); return math.Round(x*s) / s }
	for ti := range 2 {
		want, err := synth.SCADA(cfg, ti)
		if err != nil {
			t.Fatal(err)
		}
		rows := tab.Turbine(synth.TurbineID(ti))
		if len(rows) != len(want) {
			t.Fatalf("turbine %d: %d rows, want %d", ti, len(rows), len(want))
		}
		for i, w := range want {
			r := rows[i]
			for _, c := range []struct {
				col  Column
				want float64
			}{
				{Column{WindSpeed, Avg}, round(w.WindSpeedMS, 2)},
				{Column{ActivePower, Avg}, round(w.ActivePowerKW, 1)},
				{Column{PitchAngle, Avg}, round(w.PitchDeg, 2)},
				{Column{AmbientTemperature, Avg}, round(w.AmbientC, 1)},
				{Column{GearboxBearing1Temperature, Avg}, round(w.GearboxBearingC, 1)},
				{Column{RotorBearingTemperature, Avg}, round(w.MainBearingC, 1)},
				{Column{Status, Avg}, codes[w.Status]},
			} {
				if v, ok := tab.Value(r, c.col); !ok || math.Abs(v-c.want) > 1e-9 || !r.Time.Equal(w.Time) {
					t.Fatalf("%s row %d %s: %v %v, want %v at %v", r.Turbine, i, c.col.Name(), r.Time, v, c.want, w.Time)
				}
			}
		}
	}
}
