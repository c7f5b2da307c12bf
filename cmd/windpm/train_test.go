package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/models/classifier"
	"github.com/windpm/windpm/reports"
)

// writeClassTable writes a small features table for the classifier
// commands: 3 classes (normal has one recording at load 0 and no size;
// inner_race and outer_race one recording per load 0..3 and size), 6
// windows per recording, feature sep separating the classes, noise, and
// dead, null everywhere.
func writeClassTable(t *testing.T) string {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 12))
	s := reports.FeatureSchema{
		Features: []features.Column{{Name: "sep", Unit: "dB"}, {Name: "noise", Unit: features.SignalUnit}, {Name: "dead", Unit: ""}},
		Meta: []datasets.MetaColumn{{Name: "fault", Kind: datasets.MetaString}, {Name: "load_hp", Kind: datasets.MetaInteger},
			{Name: "size_in", Kind: datasets.MetaFloat}},
	}
	path := filepath.Join(t.TempDir(), "classes.parquet")
	w, err := reports.NewFeatureWriter(path, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	add := func(rec, fault string, load int, size string, centre float64) {
		for seg := range 6 {
			r := reports.FeatureRow{Path: rec, Channel: "DE", Segment: seg, Unit: "g", SampleRateHz: 12000, Samples: 12000,
				Meta:   []datasets.Field{{Name: "fault", Value: fault}, {Name: "load_hp", Value: fmt.Sprint(load)}, {Name: "size_in", Value: size}},
				Values: []float64{centre + rng.NormFloat64(), rng.NormFloat64(), math.NaN()}}
			if err := w.Write(&r); err != nil {
				t.Fatal(err)
			}
		}
	}
	add("97.mat", "normal", 0, "", 0)
	for load := range 4 {
		for k, size := range []string{"0.007", "0.014"} {
			add(fmt.Sprintf("ir%d%d.mat", load, k), "inner_race", load, size, 6)
			add(fmt.Sprintf("or%d%d.mat", load, k), "outer_race", load, size, 12)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTrainCLI(t *testing.T) {
	table := writeClassTable(t)
	dir := t.TempDir()
	one, two := filepath.Join(dir, "one.json"), filepath.Join(dir, "two.json")
	stdout, stderr, code := runCLI(t, "train", table, "--label", "fault", "--trees", "20", "--jobs", "1", "-o", one)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "102 rows × 2 features, 3 classes (inner_race 48, normal 6, outer_race 48)") {
		t.Errorf("summary %q", stdout)
	}
	if !strings.Contains(stderr, "left out: dead") {
		t.Errorf("stderr %q does not name the all-null column", stderr)
	}
	// The table has none of the level-free columns of the default: every
	// column is used, and the note says so.
	if !strings.Contains(stderr, "none of the level-free feature columns") {
		t.Errorf("stderr %q does not say that every column is used", stderr)
	}
	if _, stderr, code := runCLI(t, "train", table, "--label", "fault", "--trees", "20", "--jobs", "2", "-o", two); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(one)
	b, _ := os.ReadFile(two)
	if !bytes.Equal(a, b) {
		t.Error("--jobs 1 and 2 write different model files")
	}
	m, err := classifier.Read(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if m.Training.Table != table || m.Label != "fault" || m.Options.Trees != 20 {
		t.Errorf("model table %q label %q trees %d", m.Training.Table, m.Label, m.Options.Trees)
	}
	lr := filepath.Join(dir, "lr.json")
	if _, stderr, code := runCLI(t, "train", table, "--label", "fault", "--model", "logreg", "--features", "se*,noise", "-o", lr); code != 0 {
		t.Fatalf("logreg: exit %d: %s", code, stderr)
	}

	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"train", table, "-o", one}, 2, "--label"},
		{[]string{"train", table, "--label", "fault"}, 2, "-o MODEL"},
		{[]string{"train", table, "--label", "fault", "--model", "svm", "-o", one}, 2, "forest or logreg"},
		{[]string{"train", table, "--label", "fault", "--trees", "0", "-o", one}, 2, "--trees"},
		{[]string{"train", table, "--label", "nope", "-o", one}, 2, "no column nope"},
		{[]string{"train", table, "--label", "sep", "-o", one}, 2, "is a feature"},
		{[]string{"train", table, "--label", "size_in", "-o", one}, 1, "no value in label column size_in"},
		{[]string{"train", table, "--label", "fault", "--features", "zzz*", "-o", one}, 2, "no feature column"},
		{[]string{"train", filepath.Join(dir, "missing.parquet"), "--label", "fault", "-o", one}, 1, "missing.parquet"},
		{[]string{"train", one, "--label", "fault", "-o", one}, 1, "one.json"},
	}
	for _, c := range cases {
		_, stderr, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("windpm %s: exit %d, stderr %q; want %d and %q", strings.Join(c.args, " "), code, stderr, c.code, c.want)
		}
	}
}

// The default features of a windpm features table are its level-free
// columns; --features all takes every column.
func TestTrainDefaultFeatures(t *testing.T) {
	dir := t.TempDir()
	table := filepath.Join(dir, "t.parquet")
	s := reports.FeatureSchema{
		Features: []features.Column{{Name: "rms", Unit: features.SignalUnit}, {Name: "bpfo_db", Unit: "dB"}, {Name: "env_share_bpfo_wide", Unit: ""}},
		Meta:     []datasets.MetaColumn{{Name: "fault", Kind: datasets.MetaString}},
	}
	w, err := reports.NewFeatureWriter(table, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 40 {
		fault, centre := "inner_race", 0.0
		if i%2 == 1 {
			fault, centre = "outer_race", 20
		}
		r := reports.FeatureRow{Path: fmt.Sprintf("%d.mat", i), Channel: "DE", Unit: "g", SampleRateHz: 12000, Samples: 12000,
			Meta:   []datasets.Field{{Name: "fault", Value: fault}},
			Values: []float64{1 + rng.Float64(), centre + rng.NormFloat64(), rng.Float64()}}
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{nil, "× 2 features"},
		{[]string{"--features", "all"}, "× 3 features"},
	} {
		args := append([]string{"train", table, "--label", "fault", "--trees", "5", "-o", filepath.Join(dir, "m.json")}, c.flags...)
		stdout, stderr, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.flags, code, stderr)
		}
		if !strings.Contains(stdout, c.want) {
			t.Errorf("%v: summary %q, want %q", c.flags, stdout, c.want)
		}
	}
}
