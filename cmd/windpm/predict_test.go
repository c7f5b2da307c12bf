package main

import (
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/datasets/sharedtest"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/reports"
)

func TestPredictTable(t *testing.T) {
	table := writeClassTable(t)
	dir := t.TempDir()
	model := filepath.Join(dir, "m.json")
	if _, stderr, code := runCLI(t, "train", table, "--label", "fault", "--trees", "10", "--max-features", "2", "-o", model); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "p.parquet")
	stdout, stderr, code := runCLI(t, "predict", "--model", model, table, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "102 rows") {
		t.Errorf("summary %q", stdout)
	}
	p, err := reports.ReadRecordTable(out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range p.Columns {
		names = append(names, c.Name)
	}
	want := []string{"turbine", "sensor", "time", "path", "channel", "segment", "label", "predicted", "p_inner_race", "p_normal", "p_outer_race"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("columns %v, want %v", names, want)
	}
	if len(p.Meta["windpm.model_sha256"]) != 64 || p.Meta["windpm.table"] != "predictions" {
		t.Errorf("metadata %v", p.Meta)
	}
	right := 0
	for i, r := range p.Rows {
		sum := r[8].(float64) + r[9].(float64) + r[10].(float64)
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("row %d: probabilities sum to %v", i, sum)
		}
		if r[6] == r[7] {
			right++
		}
	}
	if right < 100 {
		t.Errorf("%d of 102 training rows predicted right", right)
	}
}

// TestPredictPartitioned: a hive-partitioned features folder is a table,
// and predicts as the same rows in one file do.
func TestPredictPartitioned(t *testing.T) {
	table := writeClassTable(t)
	dir := t.TempDir()
	tab, err := reports.ReadFeatureTable(table)
	if err != nil {
		t.Fatal(err)
	}
	one, folder := filepath.Join(dir, "one.parquet"), filepath.Join(dir, "parts")
	w1, err := reports.NewFeatureWriter(one, tab.Schema, nil)
	if err != nil {
		t.Fatal(err)
	}
	w2, err := reports.NewPartitionedFeatureWriter(folder, tab.Schema, nil, []string{"turbine"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range tab.Rows {
		r := tab.Rows[i]
		r.Turbine = "WT1" // one partition, so that the row order is kept
		if err := w1.Write(&r); err != nil {
			t.Fatal(err)
		}
		if err := w2.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w1.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "m.json")
	if _, stderr, code := runCLI(t, "train", table, "--label", "fault", "--trees", "3", "-o", model); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	pa, pb := filepath.Join(dir, "a.parquet"), filepath.Join(dir, "b.parquet")
	for _, c := range [][2]string{{one, pa}, {folder, pb}} {
		if _, stderr, code := runCLI(t, "predict", "--model", model, c[0], "-o", c[1]); code != 0 {
			t.Fatalf("predict %s: exit %d: %s", c[0], code, stderr)
		}
	}
	a, err := reports.ReadRecordTable(pa)
	if err != nil {
		t.Fatal(err)
	}
	b, err := reports.ReadRecordTable(pb)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Rows) != 102 || !reflect.DeepEqual(a.Rows, b.Rows) {
		t.Errorf("file (%d rows) and folder (%d rows) predict differently", len(a.Rows), len(b.Rows))
	}
}

// TestPredictMismatch: a table without a model feature, or in another
// unit, is refused with the column named and nothing written.
func TestPredictMismatch(t *testing.T) {
	table := writeClassTable(t)
	dir := t.TempDir()
	model := filepath.Join(dir, "m.json")
	if _, stderr, code := runCLI(t, "train", table, "--label", "fault", "--trees", "3", "-o", model); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	write := func(name string, cols []features.Column, unit string) string {
		path := filepath.Join(dir, name)
		w, err := reports.NewFeatureWriter(path, reports.FeatureSchema{Features: cols}, nil)
		if err != nil {
			t.Fatal(err)
		}
		r := reports.FeatureRow{Path: "x.wav", Channel: "c", Unit: unit, SampleRateHz: 1000, Samples: 1000, Values: make([]float64, len(cols))}
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	noSep := write("nosep.parquet", []features.Column{{Name: "noise", Unit: features.SignalUnit}}, "g")
	sepHz := write("sephz.parquet", []features.Column{{Name: "sep", Unit: "Hz"}, {Name: "noise", Unit: features.SignalUnit}}, "g")
	mms := write("mms.parquet", []features.Column{{Name: "sep", Unit: "dB"}, {Name: "noise", Unit: features.SignalUnit}}, "mm/s")
	ok := write("ok.parquet", []features.Column{{Name: "noise", Unit: features.SignalUnit}, {Name: "sep", Unit: "dB"}}, "g")
	out := filepath.Join(dir, "p.parquet")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"predict", "--model", model, noSep, "-o", out}, 1, "needs feature column sep"},
		{[]string{"predict", "--model", model, sepHz, "-o", out}, 1, `feature column sep is in "Hz", the model was trained on "dB"`},
		{[]string{"predict", "--model", model, mms, "-o", out}, 1, `the signal is in "mm/s", the model was trained on "g"`},
		{[]string{"predict", "--model", table, ok, "-o", out}, 1, "not a windpm model file"},
		{[]string{"predict", ok, "-o", out}, 2, "--model"},
		{[]string{"predict", "--model", model, ok}, 2, "-o OUT"},
		{[]string{"predict", "--model", model, ok, "-o", filepath.Join(dir, "p.csv")}, 2, ".parquet"},
		{[]string{"predict", "--model", model, "-o", out}, 2, "give features tables"},
	}
	for _, c := range cases {
		_, stderr, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("windpm %s: exit %d, stderr %q; want %d and %q", strings.Join(c.args, " "), code, stderr, c.code, c.want)
		}
	}
	if _, err := reports.ReadRecordTable(out); err == nil {
		t.Error("a refused prediction left a file")
	}
	// Columns in another order are fine.
	if _, stderr, code := runCLI(t, "predict", "--model", model, ok, "-o", out); code != 0 {
		t.Errorf("reordered columns: exit %d: %s", code, stderr)
	}
}

// TestPredictCaptures: predicting from captures runs the feature
// extractor as 'windpm features' does with the same flags, so the
// predictions equal those made from that command's table.
func TestPredictCaptures(t *testing.T) {
	dir := sharedtest.Path(t, "cwru")
	tmp := t.TempDir()
	files := []string{filepath.Join(dir, "105.mat"), filepath.Join(dir, "130.mat"), filepath.Join(dir, "118.mat")}
	flags := []string{"--segment", "2", "--channel", "DE", "--rate", "12000", "--bearing", "6205"}
	table := filepath.Join(tmp, "f.parquet")
	if _, stderr, code := runCLI(t, append(append([]string{"features", "-o", table}, flags...), files...)...); code != 0 {
		t.Fatalf("features: exit %d: %s", code, stderr)
	}
	// The label: the file name's fault, as a manifest would give it.
	tab, err := reports.ReadFeatureTable(table)
	if err != nil {
		t.Fatal(err)
	}
	labelled := filepath.Join(tmp, "l.parquet")
	s := tab.Schema
	s.Meta = append(s.Meta, datasets.MetaColumn{Name: "fault", Kind: datasets.MetaString})
	w, err := reports.NewFeatureWriter(labelled, s, map[string]string{reports.MetaConfig: tab.Meta[reports.MetaConfig]})
	if err != nil {
		t.Fatal(err)
	}
	for i := range tab.Rows {
		r := tab.Rows[i]
		r.Meta = append(r.Meta, datasets.Field{Name: "fault", Value: fmt.Sprint(i / 5)})
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(tmp, "m.json")
	if _, stderr, code := runCLI(t, "train", labelled, "--label", "fault", "--trees", "5", "-o", model); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	fromTable, fromCaptures := filepath.Join(tmp, "pt.parquet"), filepath.Join(tmp, "pc.parquet")
	if _, stderr, code := runCLI(t, "predict", "--model", model, table, "-o", fromTable); code != 0 {
		t.Fatalf("predict table: exit %d: %s", code, stderr)
	}
	_, stderr, code := runCLI(t, append(append([]string{"predict", "--model", model, "-o", fromCaptures}, flags...), files...)...)
	if code != 0 || strings.Contains(stderr, "warning") {
		t.Fatalf("predict captures: exit %d: %s", code, stderr)
	}
	// Other flags than the training table's: predicted, with a warning
	// naming the difference.
	other := []string{"--segment", "5", "--channel", "DE", "--rate", "12000", "--bearing", "6205"}
	_, stderr, code = runCLI(t, append(append([]string{"predict", "--model", model, "-o", filepath.Join(tmp, "po.parquet")}, other...), files[0])...)
	if code != 0 || !strings.Contains(stderr, "segment_s: 5 vs 2") {
		t.Errorf("predict with --segment 5: exit %d, stderr %q", code, stderr)
	}
	a, err := reports.ReadRecordTable(fromTable)
	if err != nil {
		t.Fatal(err)
	}
	b, err := reports.ReadRecordTable(fromCaptures)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Rows) != 15 || !reflect.DeepEqual(a.Rows, b.Rows) {
		t.Errorf("predictions from the table (%d rows) and from the captures (%d rows) differ", len(a.Rows), len(b.Rows))
	}
}
