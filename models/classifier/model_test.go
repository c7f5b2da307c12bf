package classifier

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/reports"
)

// testTable returns a features table of n rows per class (a, b, c) in 6
// recordings: feature x separates the classes, y is noise, z is null in
// every third row, w is null everywhere; meta column rec names the
// recording, grp its group.
func testTable(n int, seed uint64) *reports.FeatureTable {
	rng := rand.New(rand.NewPCG(seed, 1))
	t := &reports.FeatureTable{Schema: reports.FeatureSchema{
		Features: []features.Column{{Name: "x", Unit: "Hz"}, {Name: "y", Unit: features.SignalUnit}, {Name: "z", Unit: "dB"}, {Name: "w", Unit: ""}},
		Meta:     []datasets.MetaColumn{{Name: "fault", Kind: datasets.MetaString}, {Name: "grp", Kind: datasets.MetaInteger}},
	}}
	for c, name := range []string{"a", "b", "c"} {
		for i := range n {
			z := rng.NormFloat64() + float64(c)
			if i%3 == 0 {
				z = math.NaN()
			}
			rec := c*2 + i%2
			t.Rows = append(t.Rows, reports.FeatureRow{
				Path: "r" + string(rune('0'+rec)) + ".mat", Channel: "DE", Segment: i / 2, Unit: "g",
				Meta:   []datasets.Field{{Name: "fault", Value: name}, {Name: "grp", Value: string(rune('0' + i%2))}},
				Values: []float64{float64(c)*5 + rng.NormFloat64(), rng.NormFloat64(), z, math.NaN()},
			})
		}
	}
	return t
}

func fitTable(t *testing.T, tab *reports.FeatureTable, o Options) (*Dataset, *Model) {
	t.Helper()
	idx, dropped, err := SelectFeatures(tab, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(dropped) != 1 || dropped[0] != "w" {
		t.Fatalf("dropped %v, want [w]", dropped)
	}
	d, err := NewDataset(tab, idx, "fault")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Fit(context.Background(), d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	return d, m
}

// TestRoundTrip: a model file read back is the same model, byte for byte,
// for both kinds; and training twice (jobs 1 and 2) gives the same file.
func TestRoundTrip(t *testing.T) {
	tab := testTable(30, 1)
	for _, kind := range []string{KindForest, KindLogReg} {
		_, m := fitTable(t, tab, Options{Kind: kind, Trees: 10, Seed: 3, Jobs: 1})
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Read(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		b2, _ := back.Marshal()
		if !bytes.Equal(b, b2) {
			t.Errorf("%s: model file does not round-trip", kind)
		}
		_, m2 := fitTable(t, tab, Options{Kind: kind, Trees: 10, Seed: 3, Jobs: 2})
		b3, _ := m2.Marshal()
		if !bytes.Equal(b, b3) {
			t.Errorf("%s: jobs 1 and 2 give different model files", kind)
		}
		if m.SignalUnit != "g" || m.Training.Rows != 90 || len(m.Features) != 3 {
			t.Errorf("%s: signal unit %q, rows %d, features %d", kind, m.SignalUnit, m.Training.Rows, len(m.Features))
		}
	}
}

// TestImputation: the median of z's non-null values is what the model
// stores, and a row with z null predicts as with z = median.
func TestImputation(t *testing.T) {
	tab := testTable(30, 2)
	_, m := fitTable(t, tab, Options{Kind: KindLogReg})
	var zs []float64
	for _, r := range tab.Rows {
		if !math.IsNaN(r.Values[2]) {
			zs = append(zs, r.Values[2])
		}
	}
	if med := median(zs); m.Features[2].Median != med {
		t.Errorf("median %v, want %v", m.Features[2].Median, med)
	}
	p := m.NewPredictor()
	a, b := make([]float64, 3), make([]float64, 3)
	p.Proba(a, []float64{1, 0, math.NaN()})
	p.Proba(b, []float64{1, 0, m.Features[2].Median})
	for c := range a {
		if a[c] != b[c] {
			t.Errorf("null z gives %v, median z %v", a, b)
		}
	}
}

// TestAllNullFeature: a feature null in every training row (as within a
// fold) is imputed 0, and the model does not use it.
func TestAllNullFeature(t *testing.T) {
	tab := testTable(20, 10)
	idx, _, _ := SelectFeatures(tab, nil)
	d, _ := NewDataset(tab, idx, "fault")
	for i := range d.X {
		d.X[i][2] = math.NaN()
	}
	m, err := Fit(context.Background(), d, nil, Options{Kind: KindForest, Trees: 5})
	if err != nil {
		t.Fatal(err)
	}
	if m.Features[2].Median != 0 || m.Forest.Importance[2] != 0 {
		t.Errorf("median %v, importance %v", m.Features[2].Median, m.Forest.Importance[2])
	}
}

func TestConfigDifferences(t *testing.T) {
	a := `{"channel":"DE","segment_s":1,"resample_hz":12000,"only_a":true}`
	b := `{"channel":"DE","segment_s":2,"resample_hz":12000,"only_b":1}`
	got := ConfigDifferences(a, b)
	if want := []string{"segment_s: 1 vs 2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ConfigDifferences = %v, want %v", got, want)
	}
	if d := ConfigDifferences("", b); d != nil {
		t.Errorf("empty config: %v", d)
	}
}

func TestFingerprint(t *testing.T) {
	tab := testTable(10, 3)
	d, m := fitTable(t, tab, Options{Kind: KindForest, Trees: 2})
	if m.Training.Fingerprint != Fingerprint(d, allRows(len(d.X))) {
		t.Error("fingerprint differs from Fingerprint of all rows")
	}
	d.X[4][0] = math.Nextafter(d.X[4][0], 1e300)
	if Fingerprint(d, allRows(len(d.X))) == m.Training.Fingerprint {
		t.Error("fingerprint unchanged after a one-ulp change")
	}
}

func allRows(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}

// TestBindMismatch: a table without a model feature, or with it in
// another unit, is refused with the column named; so is a row in another
// signal unit.
func TestBindMismatch(t *testing.T) {
	_, m := fitTable(t, testTable(10, 4), Options{Kind: KindForest, Trees: 2})
	if _, err := m.Bind([]features.Column{{Name: "y", Unit: features.SignalUnit}, {Name: "z", Unit: "dB"}, {Name: "x", Unit: "Hz"}}); err != nil {
		t.Errorf("reordered columns: %v", err)
	}
	_, err := m.Bind([]features.Column{{Name: "x", Unit: "Hz"}, {Name: "y", Unit: features.SignalUnit}})
	if err == nil || !strings.Contains(err.Error(), "feature column z") {
		t.Errorf("missing z: %v", err)
	}
	_, err = m.Bind([]features.Column{{Name: "x", Unit: "rpm"}, {Name: "y", Unit: features.SignalUnit}, {Name: "z", Unit: "dB"}})
	if err == nil || !strings.Contains(err.Error(), "feature column x is in \"rpm\"") {
		t.Errorf("x in rpm: %v", err)
	}
	if err := m.CheckUnit("g"); err != nil {
		t.Error(err)
	}
	if err := m.CheckUnit("mm/s"); err == nil || !strings.Contains(err.Error(), "feature y") {
		t.Errorf("mm/s rows: %v", err)
	}
}

func TestFitErrors(t *testing.T) {
	tab := testTable(10, 5)
	idx, _, _ := SelectFeatures(tab, nil)
	d, _ := NewDataset(tab, idx, "fault")
	if _, err := Fit(context.Background(), d, []int{0, 1, 2}, Options{Kind: KindForest}); err == nil || !strings.Contains(err.Error(), "one class") {
		t.Errorf("one class: %v", err)
	}
	if _, err := Fit(context.Background(), d, nil, Options{Kind: "svm"}); err == nil {
		t.Error("kind svm: no error")
	}
	d.Units[5] = "mm/s"
	if _, err := Fit(context.Background(), d, nil, Options{Kind: KindForest}); err == nil || !strings.Contains(err.Error(), "mix signal units") {
		t.Errorf("mixed units: %v", err)
	}
	if _, _, err := SelectFeatures(tab, []string{"nope*"}); err == nil {
		t.Error("no matching feature: no error")
	}
	if _, err := NewDataset(tab, idx, "x"); err == nil || !strings.Contains(err.Error(), "is a feature") {
		t.Errorf("feature as label: %v", err)
	}
	if _, err := NewDataset(tab, idx, "nope"); err == nil {
		t.Error("unknown label column: no error")
	}
}

// TestCrossValidate: on the test table, leave-one-group-out over grp (two
// groups, recordings within groups) predicts the separable classes
// almost perfectly with both learners.
func TestCrossValidate(t *testing.T) {
	tab := testTable(30, 6)
	idx, _, _ := SelectFeatures(tab, nil)
	d, _ := NewDataset(tab, idx, "fault")
	groups, _ := ColumnValues(tab, "grp")
	recs, _ := ColumnValues(tab, "path")
	s, err := LeaveOneGroupOut(groups, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l := s.Leaks(recs); len(l) > 0 {
		t.Fatalf("leaks %v", l)
	}
	for _, kind := range []string{KindForest, KindLogReg} {
		r, err := CrossValidate(context.Background(), d, s, Options{Kind: kind, Trees: 20, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Metrics.MacroF1 < 0.9 || len(r.Folds) != 2 || r.Metrics.Rows != 90 {
			t.Errorf("%s: macro-F1 %.3f, %d folds, %d rows", kind, r.Metrics.MacroF1, len(r.Folds), r.Metrics.Rows)
		}
	}
}

// TestVersion1File: the first format version's file, kept in testdata,
// keeps loading and predicting as it did (probabilities stored beside it
// by the test that wrote it; regenerate only with a format change).
func TestVersion1File(t *testing.T) {
	b, err := os.ReadFile("testdata/model-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != 1 || m.Options.Kind != KindForest || len(m.Classes) != 3 {
		t.Fatalf("version %d kind %s classes %v", m.Version, m.Options.Kind, m.Classes)
	}
	p := make([]float64, 3)
	m.NewPredictor().Proba(p, []float64{5, 0, math.NaN()})
	if forestArgmax(p) != 1 {
		t.Errorf("row x=5 predicts %v, want class b", p)
	}
}

func forestArgmax(p []float64) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}

// TestWriteVersion1File writes testdata/model-v1.json when
// WINDPM_WRITE_TESTDATA=1 (once, at format version 1).
func TestWriteVersion1File(t *testing.T) {
	if os.Getenv("WINDPM_WRITE_TESTDATA") != "1" {
		t.Skip("set WINDPM_WRITE_TESTDATA=1 to rewrite testdata/model-v1.json")
	}
	_, m := fitTable(t, testTable(12, 7), Options{Kind: KindForest, Trees: 3, Seed: 1})
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/model-v1.json", b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReadRejects: damaged model files fail with an error, never a panic.
func TestReadRejects(t *testing.T) {
	_, m := fitTable(t, testTable(10, 8), Options{Kind: KindForest, Trees: 2})
	good, _ := m.Marshal()
	cases := map[string]string{
		"format":      `"format": "windpm-classifier"=>"format": "other"`,
		"version":     `"version": 1=>"version": 2`,
		"kind":        `"kind": "forest"=>"kind": "logreg"`,
		"unknown key": `"label": "fault"=>"label": "fault", "extra": 1`,
		"fingerprint": `"fingerprint": "=>"fingerprint": "zz`,
		"class order": `"a",=>"z",`,
	}
	for name, c := range cases {
		from, to, _ := strings.Cut(c, "=>")
		bad := strings.Replace(string(good), from, to, 1)
		if bad == string(good) {
			t.Fatalf("%s: %q not in the file", name, from)
		}
		if _, err := Read(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Read(strings.NewReader(string(good) + "{}")); err == nil {
		t.Error("trailing data: no error")
	}
	// With an evaluation: round-trips; a metric out of range is refused.
	y := []int{0, 1, 2}
	p := [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0.4, 0.6}}
	m.Evaluation = &Evaluation{Split: "test", Group: "grp", Metrics: Evaluate(m.Classes, y, p), FoldMacroF1: []float64{1}}
	b, _ := m.Marshal()
	back, err := Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if b2, _ := back.Marshal(); !bytes.Equal(b, b2) {
		t.Error("model with evaluation does not round-trip")
	}
	bad := strings.Replace(string(b), `"macro_f1": 1`, `"macro_f1": 2`, 1)
	if bad == string(b) {
		t.Fatal("macro_f1 not in the file")
	}
	if _, err := Read(strings.NewReader(bad)); err == nil {
		t.Error("macro-F1 2: no error")
	}
}

// FuzzRead: Read never panics, and a model it accepts predicts without
// panicking and round-trips.
func FuzzRead(f *testing.F) {
	if b, err := os.ReadFile("testdata/model-v1.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"format":"windpm-classifier","version":1}`))
	tab := testTable(6, 9)
	idx, _, _ := SelectFeatures(tab, nil)
	d, _ := NewDataset(tab, idx, "fault")
	if m, err := Fit(context.Background(), d, nil, Options{Kind: KindLogReg}); err == nil {
		b, _ := m.Marshal()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		p := make([]float64, len(m.Classes))
		x := make([]float64, len(m.Features))
		for j := range x {
			x[j] = math.NaN()
		}
		m.NewPredictor().Proba(p, x)
		out, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Read(bytes.NewReader(out)); err != nil {
			t.Fatalf("re-read: %v", err)
		}
	})
}
