package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets/sharedtest"
)

// runCLI runs windpm in-process with args and returns what it printed and
// its exit code.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string // in stderr
	}{
		{[]string{"version"}, 0, ""},
		{[]string{"no-such-command"}, 2, "unknown command"},
		{[]string{"version", "--no-such-flag"}, 2, "unknown flag"},
		{[]string{"version", "extra"}, 2, ""},
		{[]string{"spectrum"}, 2, "accepts 1 arg"},
		{[]string{"inspect"}, 2, "give capture files"},
		{[]string{"inspect", "--rate", "-5", "x.wav"}, 2, "--rate must be positive"},
		{[]string{"inspect", "does-not-exist.mat"}, 1, "does-not-exist.mat"},
		{[]string{"help", "exit-codes"}, 0, ""},
	}
	for _, c := range cases {
		_, stderr, code := runCLI(t, c.args...)
		if code != c.code {
			t.Errorf("windpm %s: exit %d, want %d (stderr %q)", strings.Join(c.args, " "), code, c.code, stderr)
		}
		if !strings.Contains(stderr, c.want) {
			t.Errorf("windpm %s: stderr %q lacks %q", strings.Join(c.args, " "), stderr, c.want)
		}
	}
}

func TestInterruptedExits130(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	dir := sharedtest.Path(t, "cwru")
	code := run(ctx, []string{"inspect", "--rate", "12000", filepath.Join(dir, "105.mat")}, &out, &errb)
	if code != 130 {
		t.Errorf("exit %d, want 130 (stderr %q)", code, errb.String())
	}
}

// Every file of the CWRU catalog gives the catalog's sample count and, where
// the file stores one, its rpm (Done-when of the Foundation issue).
func TestInspectCWRUCatalog(t *testing.T) {
	dir, rows := sharedtest.CWRUCatalog(t)
	for _, row := range rows {
		path := filepath.Join(dir, row["path"])
		stdout, stderr, code := runCLI(t, "inspect", "--json", "--channel", "DE", "--rate", row["sample_rate_hz"], path)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", path, code, stderr)
			continue
		}
		var recs []map[string]any
		if err := json.Unmarshal([]byte(stdout), &recs); err != nil {
			t.Fatalf("%s: bad JSON: %v\n%s", path, err, stdout)
		}
		if len(recs) != 1 {
			t.Errorf("%s: %d channels, want the one DE channel", path, len(recs))
			continue
		}
		r := recs[0]
		wantSamples, _ := strconv.Atoi(row["samples"])
		if got := int(r["samples"].(float64)); got != wantSamples {
			t.Errorf("%s: samples %d, catalog %d", path, got, wantSamples)
		}
		cwru, _ := strconv.Atoi(row["cwru_file"])
		wantRPM, _ := strconv.ParseFloat(row["rpm"], 64)
		switch {
		case cwru >= 3001 && cwru <= 3008:
			// No RPM variable in these files: the catalog's nominal value
			// is not in the file.
			if r["rpm"] != nil {
				t.Errorf("%s: rpm %v, but the file stores none", path, r["rpm"])
			}
		case r["rpm"] == nil || r["rpm"].(float64) != wantRPM:
			t.Errorf("%s: rpm %v, catalog %g", path, r["rpm"], wantRPM)
		}
		for _, key := range []string{"path", "channel", "sample_rate_hz", "rms", "kurtosis", "peaks"} {
			if _, ok := r[key]; !ok {
				t.Errorf("%s: JSON lacks %q", path, key)
			}
		}
	}
}

// The catalog read as a manifest gives every file with its own rate.
func TestInspectCatalogAsManifest(t *testing.T) {
	dir := sharedtest.Path(t, "cwru")
	stdout, stderr, code := runCLI(t, "inspect", "--json", "--peaks", "0", "--channel", "DE", filepath.Join(dir, "catalog.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var recs []struct {
		Path         string            `json:"path"`
		SampleRateHz float64           `json:"sample_rate_hz"`
		RPM          *float64          `json:"rpm"`
		Meta         map[string]string `json:"meta"`
	}
	if err := json.Unmarshal([]byte(stdout), &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 61 {
		t.Fatalf("%d records, want 61", len(recs))
	}
	if recs[0].SampleRateHz != 48000 || recs[1].SampleRateHz != 12000 {
		t.Errorf("rates %g, %g; want 48000 for 97 and 12000 for 105", recs[0].SampleRateHz, recs[1].SampleRateHz)
	}
	// 3001–3008 have no rpm in the file; the manifest's nominal value applies.
	last := recs[len(recs)-1]
	if last.RPM == nil || *last.RPM != 1730 || last.Meta["fault"] != "ball" {
		t.Errorf("3008: rpm %v, meta %v; want 1730 and fault=ball", last.RPM, last.Meta)
	}
}

// The envelope spectrum's largest peak between 100 and 500 Hz sits at the
// fault's defect frequency or its second harmonic (Done-when).
func TestSpectrumEnvelopeFindsDefects(t *testing.T) {
	dir := sharedtest.Path(t, "cwru")
	cases := []struct {
		file   string
		defect float64 // Hz at the file's rpm: 6205 orders × shaft rate
	}{
		{"105.mat", 5.4152 * 1797 / 60}, // inner race, BPFI 162.19 Hz
		{"130.mat", 3.5848 * 1796 / 60}, // outer race, BPFO 107.31 Hz
	}
	for _, c := range cases {
		out := filepath.Join(t.TempDir(), "env.csv")
		_, stderr, code := runCLI(t, "spectrum", "--envelope", "--channel", "DE", "--rate", "12000", "--out", out, filepath.Join(dir, c.file))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.file, code, stderr)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "freq_hz" || rows[0][1] != "amplitude" {
			t.Fatalf("header %v", rows[0])
		}
		bestF, bestA := 0.0, -1.0
		for _, r := range rows[1:] {
			fHz, _ := strconv.ParseFloat(r[0], 64)
			a, _ := strconv.ParseFloat(r[1], 64)
			if fHz >= 100 && fHz <= 500 && a > bestA {
				bestF, bestA = fHz, a
			}
		}
		// Within 2 % (bearing slip) of the defect frequency or its double.
		ok := false
		for _, h := range []float64{1, 2} {
			if d := bestF - h*c.defect; d < 0.02*h*c.defect && d > -0.02*h*c.defect {
				ok = true
			}
		}
		if !ok {
			t.Errorf("%s: largest 100–500 Hz envelope peak at %.2f Hz, want %.2f Hz or its double", c.file, bestF, c.defect)
		}
	}
}

// A bad file is named on one line and gives exit 1 alone, 3 beside a good
// one; no output is left half-written.
func TestBadFiles(t *testing.T) {
	dir := sharedtest.Path(t, "cwru")
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "broken.mat")
	good, _ := os.ReadFile(filepath.Join(dir, "105.mat"))
	os.WriteFile(bad, good[:1000], 0o644) // truncated
	notMat := filepath.Join(tmp, "notes.wav")
	os.WriteFile(notMat, []byte("this is not a wave file"), 0o644)

	_, stderr, code := runCLI(t, "inspect", "--rate", "12000", bad)
	if code != 1 {
		t.Errorf("one bad file: exit %d, want 1", code)
	}
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 || !strings.Contains(stderr, "broken.mat") {
		t.Errorf("one bad file: stderr %q, want one line naming broken.mat", stderr)
	}

	stdout, stderr, code := runCLI(t, "inspect", "--json", "--channel", "DE", "--rate", "12000", bad, filepath.Join(dir, "105.mat"), notMat)
	if code != 3 {
		t.Errorf("bad + good: exit %d, want 3", code)
	}
	for _, name := range []string{"broken.mat", "notes.wav"} {
		if !strings.Contains(stderr, name) {
			t.Errorf("stderr %q does not name %s", stderr, name)
		}
	}
	var recs []map[string]any
	if err := json.Unmarshal([]byte(stdout), &recs); err != nil || len(recs) != 1 {
		t.Errorf("bad + good: want the good file's record as valid JSON, got %v: %s", err, stdout)
	}

	out := filepath.Join(tmp, "spec.svg")
	_, _, code = runCLI(t, "spectrum", "--rate", "12000", "--out", out, bad)
	if code != 1 {
		t.Errorf("spectrum of a bad file: exit %d, want 1", code)
	}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if e.Name() != "broken.mat" && e.Name() != "notes.wav" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
