package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets/sharedtest"
	"github.com/windpm/windpm/models/classifier"
)

func TestEvaluateCLI(t *testing.T) {
	table := writeClassTable(t)
	model := filepath.Join(t.TempDir(), "m.json")
	stdout, stderr, code := runCLI(t, "evaluate", table, "--label", "fault", "--group", "load_hp", "--block-class", "normal", "--trees", "20", "--max-features", "2", "-o", model)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"leave-one-group-out over load_hp (4 folds)", "6 rows of normal (1 recording(s)) are cut into 4 time blocks",
		"confusion", "macro-F1 1.000", "AUROC", "PERMUTATION IMPORTANCE", "sep ", "model fitted to all 102 rows"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	b, err := os.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	m, err := classifier.Read(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if e := m.Evaluation; e == nil || e.Group != "load_hp" || e.Metrics.MacroF1 != 1 || len(e.FoldMacroF1) != 4 {
		t.Errorf("model evaluation %+v", m.Evaluation)
	}

	// JSON, logreg, grouped k-fold; and the CSV export.
	csvPath := filepath.Join(t.TempDir(), "folds.csv")
	stdout, stderr, code = runCLI(t, "evaluate", table, "--label", "fault", "--group", "size_in", "--block-class", "normal",
		"--model", "logreg", "--json", "--export-csv", csvPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	for _, k := range []string{"macro_f1", "balanced_accuracy", "per_class", "confusion", "auroc_macro", "folds", "classes"} {
		if _, ok := ev[k]; !ok {
			t.Errorf("JSON lacks key %s", k)
		}
	}
	if f := ev["folds"].([]any); len(f) != 2 {
		t.Errorf("%d folds, want 2 (sizes 0.007 and 0.014)", len(f))
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 103 || strings.Join(recs[0], ",") != "fold,fold_name,label,group,recording,segment,sep,noise" {
		t.Errorf("CSV: %d records, header %v", len(recs), recs[0])
	}
	// The normal recording's 6 windows: blocks of 3 in folds 0 and 1.
	for _, r := range recs[1:7] {
		if r[2] != "normal" || r[0] != map[bool]string{true: "0", false: "1"}[r[5] < "3"] {
			t.Errorf("normal row %v", r)
		}
	}

	cases := []struct {
		args []string
		code int
		want string
	}{
		// Segments of one recording in different folds: refused, with why.
		{[]string{"evaluate", table, "--label", "fault", "--group", "segment"}, 2, "both sides of a split by --group segment"},
		// The normal rows have no size.
		{[]string{"evaluate", table, "--label", "fault", "--group", "size_in"}, 2, "6 rows have no value in --group size_in (fault normal)"},
		{[]string{"evaluate", table, "--label", "fault"}, 2, "--group COL"},
		{[]string{"evaluate", table, "--label", "fault", "--group", "fault"}, 2, "is the label"},
		{[]string{"evaluate", table, "--label", "fault", "--group", "load_hp", "--folds", "9"}, 2, "9 folds for 4 groups"},
		{[]string{"evaluate", table, "--label", "fault", "--group", "load_hp", "--block-class", "cage"}, 2, "--block-class cage"},
		{[]string{"evaluate", table, "--label", "fault", "--group", "load_hp", "--recording", "nope"}, 2, "no column nope"},
	}
	for _, c := range cases {
		_, stderr, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("windpm %s: exit %d, stderr %q; want %d and %q", strings.Join(c.args, " "), code, stderr, c.code, c.want)
		}
	}
	// --allow-leakage runs, and says the scores overstate.
	_, stderr, code = runCLI(t, "evaluate", table, "--label", "fault", "--group", "segment", "--allow-leakage", "--trees", "5", "--folds", "3")
	if code != 0 || !strings.Contains(stderr, "overstate") {
		t.Errorf("--allow-leakage: exit %d, stderr %q", code, stderr)
	}
}

// TestEvaluateCWRULoad is the plumbing check on the real data:
// the whole CWRU catalog in one-second windows, leave-one-load-out, the
// forest reaches macro-F1 >= 0.99 (0.996 measured with seed 1; see
// docs/evaluation.md), and evaluate refuses to split by segment.
func TestEvaluateCWRULoad(t *testing.T) {
	catalog := sharedtest.Path(t, "cwru/catalog.csv")
	table := filepath.Join(t.TempDir(), "cwru.parquet")
	if _, stderr, code := runCLI(t, "features", "--manifest", catalog, "--channel", "DE", "--segment", "1", "--resample", "12000", "-o", table); code != 0 {
		t.Fatalf("features: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := runCLI(t, "evaluate", table, "--label", "fault", "--group", "load_hp", "--block-class", "normal", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var ev struct {
		MacroF1 float64 `json:"macro_f1"`
		Rows    int
	}
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Rows != 605 || ev.MacroF1 < 0.99 {
		t.Errorf("%d rows, macro-F1 %.3f; want 605 and >= 0.99", ev.Rows, ev.MacroF1)
	}
	_, stderr, code = runCLI(t, "evaluate", table, "--label", "fault", "--group", "segment")
	if code != 2 || !strings.Contains(stderr, "both sides") {
		t.Errorf("--group segment: exit %d, stderr %q", code, stderr)
	}
}

// The honest test of the issue: trained on two fault sizes, tested on the
// third (the 0.007–0.021 in drive-end records and 97; docs/evaluation.md),
// the default level-free features reach macro-F1 >= 0.85 for seeds 1–3,
// where every feature column (--features all) stays below them.
func TestEvaluateCWRUSize(t *testing.T) {
	catalog := sharedtest.Path(t, "cwru/catalog.csv")
	b, err := os.ReadFile(catalog)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var kept []string
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, ",")
		if i > 0 && f[6] == "0.028" {
			continue
		}
		if i > 0 {
			line = filepath.Join(filepath.Dir(catalog), line)
		}
		kept = append(kept, line)
	}
	manifest := filepath.Join(dir, "catalog.csv")
	if err := os.WriteFile(manifest, []byte(strings.Join(kept, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	table := filepath.Join(dir, "cwru.parquet")
	if _, stderr, code := runCLI(t, "features", "--manifest", manifest, "--channel", "DE", "--segment", "1", "--resample", "12000", "-o", table); code != 0 {
		t.Fatalf("features: exit %d: %s", code, stderr)
	}
	macroF1 := func(extra ...string) float64 {
		args := append([]string{"evaluate", table, "--label", "fault", "--group", "fault_diameter_in", "--block-class", "normal", "--json"}, extra...)
		stdout, stderr, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, stderr)
		}
		var ev struct {
			MacroF1 float64 `json:"macro_f1"`
			Rows    int
		}
		if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Rows != 525 {
			t.Fatalf("%d rows, want 525", ev.Rows)
		}
		return ev.MacroF1
	}
	var all float64
	for _, seed := range []string{"1", "2", "3"} {
		def := macroF1("--seed", seed)
		all = macroF1("--seed", seed, "--features", "all")
		t.Logf("seed %s: macro-F1 %.3f level-free, %.3f every feature", seed, def, all)
		if def < 0.85 || def <= all {
			t.Errorf("seed %s: macro-F1 %.3f with the default features (want >= 0.85 and above %.3f with every feature)", seed, def, all)
		}
	}
}
