package nbm

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/models/powercurve"
)

func TestModelSetRoundTrip(t *testing.T) {
	tab, faultAt := synthTable(true)
	t0 := tab.Rows[0].Time
	pc, err := powercurve.Analyse(tab, powercurve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	set, skipped, err := FitSet(tab, pc.Rows, pc.Options, Targets, t0, t0.Add(20*24*time.Hour), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Only Gb1t is in the table: the three other targets are skipped.
	if len(set.Models) != 1 || len(skipped) != 3 {
		t.Fatalf("%d models, skipped %v", len(set.Models), skipped)
	}
	data, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseModelSet(data)
	if err != nil {
		t.Fatal(err)
	}
	a, err := set.Score(tab, pc.Rows)
	if err != nil {
		t.Fatal(err)
	}
	b, err := back.Score(tab, pc.Rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 1 || len(b) != 1 || len(a[0].Events) != 1 || len(b[0].Events) != 1 || !a[0].Events[0].Opened.Equal(b[0].Events[0].Opened) || a[0].Events[0].Start.Before(faultAt) {
		t.Fatalf("events %+v, after the round trip %+v", a, b)
	}
	for k, r := range a[0].Residuals[0] {
		if s := b[0].Residuals[0][k]; r != s && !(math.IsNaN(r) && math.IsNaN(s)) {
			t.Fatalf("row %d: residual %v, after the round trip %v", k, r, s)
		}
	}
	// A table without one of the model's inputs, or with a neighbouring
	// temperature the model did not have, is refused.
	short := &scada.Table{Columns: append([]scada.Column(nil), tab.Columns...), Rows: tab.Rows}
	short.Columns[4].Signal = scada.GeneratorSpeed // no hub temperature
	if _, err := back.Models[0].Residuals(short, back.Options); err == nil || !strings.Contains(err.Error(), "inputs") {
		t.Errorf("error %v without the hub temperature", err)
	}
	more := &scada.Table{Columns: append([]scada.Column(nil), tab.Columns...), Rows: tab.Rows}
	more.Columns[0].Signal = scada.GearboxOilTemperature // a neighbour the model did not have
	if _, err := back.Models[0].Residuals(more, back.Options); err == nil || !strings.Contains(err.Error(), "inputs") {
		t.Errorf("error %v with a neighbour the model lacks", err)
	}
}

func TestParseModelSetErrors(t *testing.T) {
	good := `{"version":1,"options":{"power_taus_h":[1],"ambient_taus_h":[2],"neighbour_taus_h":[1],"quantile":0.995,"steady_fraction":0.05,"open_rows":72,"min_event_rows":18},` +
		`"power_curve":{},"models":[{"turbine":"T","target":"gearbox_bearing1_temperature","inputs":["a"],"coef":[1,2],"threshold_degc":2}]}`
	if _, err := ParseModelSet([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"version":   strings.Replace(good, `"version":1`, `"version":2`, 1),
		"target":    strings.Replace(good, "gearbox_bearing1_temperature", "gearbox", 1),
		"coef":      strings.Replace(good, `"coef":[1,2]`, `"coef":[1]`, 1),
		"quantile":  strings.Replace(good, `"quantile":0.995`, `"quantile":1.5`, 1),
		"tau":       strings.Replace(good, `"power_taus_h":[1]`, `"power_taus_h":[-1]`, 1),
		"unknown":   strings.Replace(good, `"version":1`, `"version":1,"x":0`, 1),
		"none":      strings.Replace(good, `"models":[`, `"models":[],"y":[`, 1),
		"truncated": good[:40],
	} {
		if _, err := ParseModelSet([]byte(bad)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzParseModelSet: any bytes give a checked set or an error, never a
// panic.
func FuzzParseModelSet(f *testing.F) {
	f.Add([]byte(`{"version":1,"options":{"power_taus_h":[1],"ambient_taus_h":[2],"neighbour_taus_h":[1],"quantile":0.995,"steady_fraction":0.05,"open_rows":72,"min_event_rows":18},"power_curve":{},"models":[{"turbine":"T","target":"gearbox_bearing1_temperature","inputs":["a"],"coef":[1,2],"threshold_degc":2}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseModelSet(data)
		if err != nil {
			return
		}
		for _, m := range s.Models {
			if len(m.Coef) != len(m.Inputs)+1 {
				t.Fatal("unchecked coefficients")
			}
		}
	})
}

// TestFitScoreEqualsFitSetScore: FitScore shares the regressors between
// fitting and scoring and must give exactly what FitSet then Score give.
func TestFitScoreEqualsFitSetScore(t *testing.T) {
	tab, _ := synthTable(true)
	t0 := tab.Rows[0].Time
	pc, err := powercurve.Analyse(tab, powercurve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	set, _, err := FitSet(tab, pc.Rows, pc.Options, Targets, t0, t0.Add(20*24*time.Hour), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := set.Score(tab, pc.Rows)
	if err != nil {
		t.Fatal(err)
	}
	set2, got, skipped, err := FitScore(tab, pc.Rows, pc.Options, Targets, t0, t0.Add(20*24*time.Hour), Options{})
	if err != nil || len(skipped) != 3 {
		t.Fatalf("FitScore: %v, skipped %v", err, skipped)
	}
	a, _ := json.Marshal(set)
	b, _ := json.Marshal(set2)
	if string(a) != string(b) {
		t.Fatalf("models differ:\n%s\n%s", a, b)
	}
	if len(got) != len(want) || len(got[0].Events) != 1 {
		t.Fatalf("%d results, want %d, with one event", len(got), len(want))
	}
	for i := range want {
		ja, err1 := json.Marshal(want[i].Events)
		jb, err2 := json.Marshal(got[i].Events)
		if err1 != nil || err2 != nil || string(ja) != string(jb) {
			t.Fatalf("events differ:\n%s\n%s", ja, jb)
		}
		for m := range want[i].Residuals {
			for k, r := range want[i].Residuals[m] {
				if s := got[i].Residuals[m][k]; math.Float64bits(r) != math.Float64bits(s) {
					t.Fatalf("model %d row %d: residual %v, FitScore %v", m, k, r, s)
				}
			}
		}
	}
}
