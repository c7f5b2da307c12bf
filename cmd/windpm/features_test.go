package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/datasets/sharedtest"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/duckdbtest"
)

// The CWRU catalog as a manifest gives one row per file with its metadata
// carried through and typed (Done-when of the feature-extraction issue).
func TestFeaturesCWRUCatalog(t *testing.T) {
	catalog := sharedtest.Path(t, "cwru/catalog.csv")
	out := filepath.Join(t.TempDir(), "cwru.parquet")
	stdout, stderr, code := runCLI(t, "features", "--manifest", catalog, "--channel", "DE", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "61 rows") {
		t.Errorf("summary %q does not count 61 rows", stdout)
	}
	tab, err := reports.ReadFeatureTable(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 61 {
		t.Fatalf("%d rows, want 61", len(tab.Rows))
	}
	kinds := map[string]datasets.MetaKind{}
	for _, m := range tab.Schema.Meta {
		kinds[m.Name] = m.Kind
	}
	for name, want := range map[string]datasets.MetaKind{
		"fault": datasets.MetaString, "load_hp": datasets.MetaInteger,
		"fault_diameter_in": datasets.MetaFloat, "cwru_file": datasets.MetaInteger,
	} {
		if got, ok := kinds[name]; !ok || got != want {
			t.Errorf("metadata column %s: kind %v (present %v), want %v", name, got, ok, want)
		}
	}
	col := func(name string) int {
		for i, c := range tab.Schema.Features {
			if c.Name == name {
				return i
			}
		}
		t.Fatalf("no feature column %s", name)
		return -1
	}
	bpfi, bpfo := col("bpfi_db"), col("bpfo_db")
	r105, r130 := tab.Rows[1], tab.Rows[9]
	if !strings.HasSuffix(r105.Path, "105.mat") || !strings.HasSuffix(r130.Path, "130.mat") {
		t.Fatalf("rows 1 and 9 are %s and %s", r105.Path, r130.Path)
	}
	// The catalog names bearing 6205 and gives rpm: bearing features are
	// there, and the fault shows where it should.
	if !(r105.Values[bpfi] > r105.Values[bpfo]) || !(r130.Values[bpfo] > r130.Values[bpfi]) {
		t.Errorf("105 bpfi/bpfo %.1f/%.1f dB, 130 %.1f/%.1f dB", r105.Values[bpfi], r105.Values[bpfo], r130.Values[bpfi], r130.Values[bpfo])
	}
	// No unit in the catalog: velocity needs one, so it is null (NaN).
	if v := r105.Values[col("velocity_rms_10_1000_hz_mm_s")]; !math.IsNaN(v) {
		t.Errorf("velocity without a unit: %g, want null", v)
	}

	// What a notebook sees: DuckDB reads the same table with the catalog's
	// columns typed (runs wherever node is; CI has it).
	res := duckdbtest.Run(t, out)
	types := map[string]string{}
	for _, c := range res.Columns {
		types[c.Name] = c.Type
	}
	for name, want := range map[string]string{
		"fault": "VARCHAR", "load_hp": "BIGINT", "fault_diameter_in": "DOUBLE", "cwru_file": "BIGINT",
		"manifest_samples": "BIGINT", "time": "TIMESTAMP WITH TIME ZONE", "segment": "INTEGER",
		"bpfo_db": "DOUBLE", "kurtosis_pearson": "DOUBLE", "path": "VARCHAR",
	} {
		if types[name] != want {
			t.Errorf("DuckDB type of %s: %q, want %s", name, types[name], want)
		}
	}
	if len(res.Rows) != 61 {
		t.Errorf("DuckDB read %d rows, want 61", len(res.Rows))
	}
}

// --segment gives several rows per capture; the rows and the file do not
// depend on --jobs.
func TestFeaturesSegmentsAndJobs(t *testing.T) {
	dir := sharedtest.Path(t, "cwru")
	tmp := t.TempDir()
	var files [][]byte
	for _, jobs := range []string{"1", "2"} {
		out := filepath.Join(tmp, "seg"+jobs+".parquet")
		_, stderr, code := runCLI(t, "features", "--segment", "2", "--channel", "DE", "--rate", "12000", "--jobs", jobs,
			"--bearing", "6205", "-o", out, filepath.Join(dir, "105.mat"), filepath.Join(dir, "130.mat"), filepath.Join(dir, "118.mat"))
		if code != 0 {
			t.Fatalf("jobs %s: exit %d: %s", jobs, code, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("--jobs 1 and --jobs 2 wrote different files")
	}
	tab, err := reports.ReadFeatureTable(filepath.Join(tmp, "seg1.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	// ~10.1 s records in 2 s windows: 5 segments each, in input order.
	if len(tab.Rows) != 15 {
		t.Fatalf("%d rows, want 15", len(tab.Rows))
	}
	for i, r := range tab.Rows {
		if r.Segment != i%5 || r.Samples != 24000 {
			t.Errorf("row %d: segment %d, %d samples", i, r.Segment, r.Samples)
		}
	}
}

// A bad file is skipped and named, the rest written, exit 3; with no good
// file nothing is written and the exit code is 1.
func TestFeaturesBadFiles(t *testing.T) {
	dir := sharedtest.Path(t, "cwru")
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad.mat")
	os.WriteFile(bad, []byte("MATLAB 5.0 MAT-file, truncated"), 0o644)
	out := filepath.Join(tmp, "t.parquet")
	_, stderr, code := runCLI(t, "features", "--channel", "DE", "--rate", "12000", "-o", out, bad, filepath.Join(dir, "105.mat"))
	if code != 3 || !strings.Contains(stderr, "bad.mat") {
		t.Errorf("exit %d, stderr %q; want 3 naming bad.mat", code, stderr)
	}
	if tab, err := reports.ReadFeatureTable(out); err != nil || len(tab.Rows) != 1 {
		t.Errorf("partial run: %v", err)
	}
	out2 := filepath.Join(tmp, "none.parquet")
	_, _, code = runCLI(t, "features", "--rate", "12000", "-o", out2, bad)
	if code != 1 {
		t.Errorf("only a bad file: exit %d, want 1", code)
	}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if e.Name() != "bad.mat" && e.Name() != "t.parquet" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// --spectra stores the 1 Hz Welch PSD with its axis; DuckDB reads it as a
// float list; a capture at another rate fails alone.
func TestFeaturesSpectra(t *testing.T) {
	dir := sharedtest.Path(t, "cwru")
	out := filepath.Join(t.TempDir(), "psd.parquet")
	_, stderr, code := runCLI(t, "features", "--spectra", "--channel", "DE", "--manifest", filepath.Join(dir, "catalog.csv"), "-o", out)
	// The catalog's first file (97) is at 48 kHz and sets the axis; the
	// 12 kHz files differ and fail: exit 3.
	if code != 3 || !strings.Contains(stderr, "differs from the table's PSD rate") {
		t.Errorf("mixed rates: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = runCLI(t, "features", "--spectra", "--channel", "DE", "--rate", "12000", "-o", out,
		filepath.Join(dir, "105.mat"), filepath.Join(dir, "130.mat"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tab, err := reports.ReadFeatureTable(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tab.Schema.SpectraFreqHz); n != 6001 || tab.Schema.SpectraFreqHz[1] != 1 {
		t.Fatalf("PSD axis of %d bins", n)
	}
	for _, r := range tab.Rows {
		if len(r.Spectrum) != 6001 {
			t.Errorf("%s: PSD of %d bins", r.Path, len(r.Spectrum))
		}
	}
	res := duckdbtest.Run(t, out)
	for _, c := range res.Columns {
		if c.Name == "psd" && c.Type != "FLOAT[]" {
			t.Errorf("DuckDB type of psd: %s, want FLOAT[]", c.Type)
		}
	}
}
