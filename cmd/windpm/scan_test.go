package main

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/datasets/synth"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/scanreport"
	"github.com/windpm/windpm/reports/scanstate"
)

// TestMain lets the test binary stand in for windpm: with WINDPM_TEST_MAIN
// set it runs the command line instead of the tests, so that a test can
// start a scan as a separate process and kill it.
func TestMain(m *testing.M) {
	if os.Getenv("WINDPM_TEST_MAIN") == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// smallFleet synthesizes a fleet of 3 turbines × 3 sensors × days with
// the default faults into dir/fleet.
func smallFleet(t *testing.T, dir string, days int) {
	t.Helper()
	cfg := synth.DemoConfig()
	cfg.Turbines, cfg.Days, cfg.Seed = 3, days, 7
	cfg.Faults = synth.DefaultFaults(cfg.Turbines, cfg.Days)
	if _, err := synth.Generate(context.Background(), cfg, dir, nil); err != nil {
		t.Fatal(err)
	}
}

// scanTables reads what a scan wrote: the feature rows (sorted by path),
// the scores and the alarms.
type scanTables struct {
	features []reports.FeatureRow
	scores   [][]any
	alarms   [][]any
}

func readScan(t *testing.T, out string) scanTables {
	t.Helper()
	ft, err := reports.ReadFeatureTable(filepath.Join(out, "features"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(ft.Rows, func(i, j int) bool { return ft.Rows[i].Path < ft.Rows[j].Path })
	scores, alarms := deployTables(t, out)
	return scanTables{ft.Rows, scores, alarms}
}

func compareScans(t *testing.T, got, want scanTables) {
	t.Helper()
	if len(got.features) != len(want.features) {
		t.Fatalf("%d feature rows, want %d", len(got.features), len(want.features))
	}
	for i := range want.features {
		// Printed, NaN (null) equals NaN.
		if fmt.Sprintf("%+v", got.features[i]) != fmt.Sprintf("%+v", want.features[i]) {
			t.Fatalf("feature row %d (%s) differs", i, want.features[i].Path)
		}
	}
	if !reflect.DeepEqual(got.scores, want.scores) {
		t.Errorf("scores differ (%d rows, want %d)", len(got.scores), len(want.scores))
	}
	if !reflect.DeepEqual(got.alarms, want.alarms) {
		t.Errorf("alarms differ:\n%v\nwant\n%v", got.alarms, want.alarms)
	}
}

// TestScanIncremental: a second run does no work and changes nothing; a
// new day's captures are the only work of the next run, and the tables
// then equal those of one scan of the whole fleet.
func TestScanIncremental(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes and scans a fleet")
	}
	dir := t.TempDir()
	smallFleet(t, dir, 24)
	fleet, out := filepath.Join(dir, "fleet"), filepath.Join(dir, "scan")

	// Hide the last day from the first run.
	var lastDay []string
	filepath.WalkDir(fleet, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(filepath.Base(p), "20250324T") {
			lastDay = append(lastDay, p)
		}
		return nil
	})
	if len(lastDay) != 9 {
		t.Fatalf("%d captures on the last day, want 9", len(lastDay))
	}
	manifest := filepath.Join(fleet, "manifest.csv")
	full, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var partial []string
	for _, line := range strings.Split(strings.TrimSpace(string(full)), "\n") {
		if !strings.Contains(line, "20250324T") {
			partial = append(partial, line)
		}
	}
	os.WriteFile(manifest, []byte(strings.Join(partial, "\n")+"\n"), 0o644)

	stdout, stderr, code := runCLI(t, "scan", "--fleet", fleet, "--out", out, "--chunk", "40")
	if code != 0 {
		t.Fatalf("first scan: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "207 new capture(s)") {
		t.Errorf("first scan: %s", stdout)
	}
	before := snapshot(t, out)
	stdout, stderr, code = runCLI(t, "scan", "--fleet", fleet, "--out", out)
	if code != 0 || !strings.Contains(stdout, "nothing new") {
		t.Fatalf("second scan: exit %d: %s%s", code, stdout, stderr)
	}
	if after := snapshot(t, out); !reflect.DeepEqual(before, after) {
		t.Errorf("a run with nothing new changed the output folder")
	}

	// The last day arrives.
	os.WriteFile(manifest, full, 0o644)
	stdout, stderr, code = runCLI(t, "scan", "--fleet", fleet, "--out", out)
	if code != 0 || !strings.Contains(stdout, "9 new capture(s)") {
		t.Fatalf("third scan: exit %d: %s%s", code, stdout, stderr)
	}
	whole := filepath.Join(dir, "whole")
	if _, stderr, code := runCLI(t, "scan", "--fleet", fleet, "--out", whole); code != 0 {
		t.Fatalf("whole scan: exit %d: %s", code, stderr)
	}
	compareScans(t, readScan(t, out), readScan(t, whole))

	// Touched but unchanged files are not new.
	now := time.Now()
	for _, p := range lastDay {
		os.Chtimes(p, now, now)
	}
	if stdout, _, code := runCLI(t, "scan", "--fleet", fleet, "--out", out); code != 0 || !strings.Contains(stdout, "nothing new") {
		t.Errorf("after touching files: exit %d: %s", code, stdout)
	}
}

// snapshot returns every file under dir with its size and modification
// time.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "lock") {
			return err
		}
		info, _ := d.Info()
		m[p] = fmt.Sprint(info.Size(), info.ModTime().UnixNano())
		return nil
	})
	return m
}

// TestScanKillAndResume kills scans with SIGKILL at random moments and
// re-runs them until one completes: the tables must equal those of an
// uninterrupted scan, row for row.
func TestScanKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes and scans a fleet several times")
	}
	dir := t.TempDir()
	smallFleet(t, dir, 24)
	fleet := filepath.Join(dir, "fleet")
	want := filepath.Join(dir, "want")
	if _, stderr, code := runCLI(t, "scan", "--fleet", fleet, "--out", want, "--chunk", "20"); code != 0 {
		t.Fatalf("uninterrupted scan: exit %d: %s", code, stderr)
	}

	out := filepath.Join(dir, "killed")
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	kills := 0
	for attempt := 0; ; attempt++ {
		if attempt == 30 {
			t.Fatal("no run completed in 30 attempts")
		}
		cmd := exec.Command(os.Args[0], "scan", "--fleet", fleet, "--out", out, "--chunk", "20", "--jobs", "2")
		cmd.Env = append(os.Environ(), "WINDPM_TEST_MAIN=1")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Kill points spread over the whole run: reading, committing,
		// scoring and writing the report.
		delay := time.Duration(50+r.IntN(1500)) * time.Millisecond
		if attempt >= 8 {
			delay = time.Hour // enough kills: let it finish
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d: %v: %s", attempt, err, stderr.String())
			}
			t.Logf("completed on run %d after %d kills", attempt+1, kills)
			compareScans(t, readScan(t, out), readScan(t, want))
			leftovers(t, out)
			return
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
		}
	}
}

// leftovers fails on temporary files in a finished scan's folder.
func leftovers(t *testing.T, out string) {
	t.Helper()
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.Contains(d.Name(), ".tmp-") || d.Name() == "pending.json") {
			t.Errorf("temporary file left: %s", p)
		}
		return err
	})
}

// TestScanLock: a second scan of a folder in use stops with a clear
// message; once the first is gone, the next one runs.
func TestScanLock(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "scan")
	st, err := store.Open(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	l, err := scanstate.Acquire(context.Background(), st, "")
	if err != nil {
		t.Fatal(err)
	}
	fleet := filepath.Join(dir, "fleet")
	os.MkdirAll(filepath.Join(fleet, "WT01", "s1"), 0o755)
	_, stderr, code := runCLI(t, "scan", "--fleet", fleet, "--out", out)
	if code != 1 || !strings.Contains(stderr, "another scan is running") || !strings.Contains(stderr, fmt.Sprint("pid ", os.Getpid())) {
		t.Errorf("exit %d: %s", code, stderr)
	}
	l.Release()
	if _, stderr, code := runCLI(t, "scan", "--fleet", fleet, "--out", out); code != 0 {
		t.Errorf("after release: exit %d: %s", code, stderr)
	}
}

// TestScanUsage covers bad flags and folders.
func TestScanUsage(t *testing.T) {
	dir := t.TempDir()
	busy := filepath.Join(t.TempDir(), "busy")
	os.MkdirAll(busy, 0o755)
	os.WriteFile(filepath.Join(busy, "notes.txt"), []byte("mine"), 0o644)
	emptySCADA := filepath.Join(t.TempDir(), "scada")
	os.MkdirAll(emptySCADA, 0o755)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"scan"}, 2, "--fleet and --out are required"},
		{[]string{"scan", "--fleet", dir, "--out", dir + "/o", "--persistence", "6/5"}, 2, "persistence"},
		{[]string{"scan", "--fleet", dir, "--out", dir + "/o", "--fail-on", "ok"}, 2, "--fail-on"},
		{[]string{"scan", "--fleet", dir + "/missing", "--out", dir + "/o"}, 1, "missing"},
		{[]string{"scan", "--fleet", dir, "--out", busy}, 1, "not empty and not a scan's output folder"},
		{[]string{"scan", "--fleet", dir, "--out", dir + "/o", "--scada", busy + "/none"}, 1, "none"},
		{[]string{"scan", "--fleet", dir, "--out", dir + "/o", "--scada", emptySCADA}, 1, "no SCADA exports found"},
		{[]string{"scan", "--fleet", dir, "--out", dir + "/o", "--shard", "4/3"}, 2, "--shard"},
		{[]string{"report"}, 2, "--from and --out are required"},
		{[]string{"report", "--from", dir, "--out", dir + "/r"}, 1, "no scan outputs"},
	} {
		_, stderr, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

// TestDemoGroundTruth runs the README's first command: the seeded faults
// alarm, within 5 days of onset for the outer race (it starts at a
// severity the envelope already shows) and 30 days for the gear tooth
// (its sidebands grow slowly from 5 % of full damage), with the right
// diagnosis; no healthy component alarms over the whole period; the
// report renders; --fail-on alarm exits 4.
func TestDemoGroundTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes and scans the demo fleet")
	}
	out := t.TempDir()
	stdout, stderr, code := runCLI(t, "demo", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sum, err := scanreport.ReadSummaryJSON(filepath.Join(out, "scan", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		onset     time.Time
		maxDays   float64
		diagnosis string
	}{
		"WT01/gearbox": {synth.DefaultStart.AddDate(0, 0, 30), 5, "outer_race"},
		"WT02/gearbox": {synth.DefaultStart.AddDate(0, 0, 20), 30, "gear_mesh"},
	}
	found := map[string]bool{}
	for _, a := range sum.Alarms {
		key := a.Turbine + "/" + a.Component
		w, ok := want[key]
		if !ok {
			t.Errorf("false alarm: %s %s %s: %s", a.ID, a.Severity, a.Opened, a.Summary)
			continue
		}
		days := a.Opened.Sub(w.onset).Hours() / 24
		if days < 0 || days > w.maxDays || a.Severity != "alarm" || a.Diagnosis != w.diagnosis {
			t.Errorf("%s: opened %.1f days after onset (max %g), severity %s, diagnosis %q (want alarm, %q)",
				key, days, w.maxDays, a.Severity, a.Diagnosis, w.diagnosis)
		}
		found[key] = true
	}
	for key := range want {
		if !found[key] {
			t.Errorf("%s: seeded fault not alarmed", key)
		}
	}
	if !strings.Contains(stdout, "no alarm on 16") || !strings.Contains(stdout, "report.html") {
		t.Errorf("demo output:\n%s", stdout)
	}

	// SCADA context: a capture's operating point is the active power of the
	// SCADA row whose 10-minute interval holds it (read here from the CSV).
	st, err := reports.ReadRecordTable(filepath.Join(out, "scan", "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	scadaCSV, err := os.ReadFile(filepath.Join(out, "scada", "WT01.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var wantKW string
	for _, line := range strings.Split(string(scadaCSV), "\n") {
		if strings.HasPrefix(line, "2025-03-01T02:00:00Z,") {
			wantKW = strings.Split(line, ",")[2]
		}
	}
	seen := false
	for _, r := range st.Rows {
		if r[st.Column("path")] == "WT01/gbx_hss/20250301T020100Z.wav" {
			seen = true
			if got := fmt.Sprintf("%.1f", r[st.Column("operating_point")]); got != wantKW {
				t.Errorf("operating point %s kW, SCADA says %s", got, wantKW)
			}
		}
	}
	if !seen || wantKW == "" {
		t.Errorf("no scores row or SCADA row for WT01 gbx_hss on 2025-03-01 (SCADA %q)", wantKW)
	}

	// Cron: --fail-on alarm exits 4 (nothing new: the state answers).
	_, stderr, code = runCLI(t, "scan", "--fleet", filepath.Join(out, "fleet"), "--out", filepath.Join(out, "scan"),
		"--scada", filepath.Join(out, "scada"), "--reference-days", "20", "--fail-on", "alarm")
	if code != exitFailOn || !strings.Contains(stderr, "--fail-on alarm") {
		t.Errorf("--fail-on alarm: exit %d: %s", code, stderr)
	}

	// The report renders in a browser.
	dom, err := scanreport.DumpDOM(context.Background(), filepath.Join(out, "scan", "report.html"))
	if err != nil {
		if _, ferr := scanreport.FindChromium(); ferr != nil && os.Getenv("CI") != "true" {
			t.Skipf("no chromium to render the report: %v", ferr)
		}
		t.Fatal(err)
	}
	for _, s := range []string{"WT01/gearbox", "WT02/gearbox", "<svg", "How to read"} {
		if !strings.Contains(dom, s) {
			t.Errorf("rendered report lacks %q", s)
		}
	}
}

// TestScanModel: with --model the classifier's verdict fills the scores'
// predicted_class and reaches the alarms' summaries; a model needing a
// column the scan does not write is a clear error.
func TestScanModel(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes and scans a fleet")
	}
	dir := t.TempDir()
	smallFleet(t, dir, 24)
	fleet, out := filepath.Join(dir, "fleet"), filepath.Join(dir, "scan")
	if _, stderr, code := runCLI(t, "scan", "--fleet", fleet, "--out", out); code != 0 {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	model := filepath.Join(dir, "model.json")
	if _, stderr, code := runCLI(t, "train", filepath.Join(out, "features"), "--label", "fault", "--trees", "20", "-o", model); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "scan", "--fleet", fleet, "--out", out, "--model", model); code != 0 {
		t.Fatalf("scan --model: exit %d: %s", code, stderr)
	}
	st, err := reports.ReadRecordTable(filepath.Join(out, "scores.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	pc := st.Column("predicted_class")
	classes := map[any]int{}
	for _, r := range st.Rows {
		classes[r[pc]]++
	}
	if classes[nil] != 0 || classes["none"] == 0 || classes["outer_race"] == 0 {
		t.Errorf("predicted classes %v", classes)
	}

	// A model over a column the scan lacks.
	b, _ := os.ReadFile(model)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(strings.Replace(string(b), `"kurtosis_pearson"`, `"kurtosis_fisher"`, 1)), 0o644)
	_, stderr, code := runCLI(t, "scan", "--fleet", fleet, "--out", out, "--model", bad)
	if code != 1 || !strings.Contains(stderr, "kurtosis_fisher") {
		t.Errorf("model with an unknown column: exit %d: %s", code, stderr)
	}
}

// TestScanBadCapture: a corrupt capture among good ones is named on
// stderr, recorded, listed in the report, not retried, and the run exits
// 3 with every output written.
func TestScanBadCapture(t *testing.T) {
	dir := t.TempDir()
	fleet, out := filepath.Join(dir, "fleet"), filepath.Join(dir, "scan")
	good := filepath.Join(fleet, "WT01", "s1", "20250301T000000Z.csv")
	bad := filepath.Join(fleet, "WT01", "s1", "20250302T000000Z.wav")
	os.MkdirAll(filepath.Dir(good), 0o755)
	var csv strings.Builder
	csv.WriteString("time,x\n")
	for i := 0; i < 4096; i++ {
		fmt.Fprintf(&csv, "%g,%g\n", float64(i)/1000, float64(i%7)-3)
	}
	os.WriteFile(good, []byte(csv.String()), 0o644)
	os.WriteFile(bad, []byte("RIFF\x10\x00\x00\x00WAVEjunk"), 0o644)
	_, stderr, code := runCLI(t, "scan", "--fleet", fleet, "--out", out)
	if code != exitPartial || !strings.Contains(stderr, "20250302T000000Z.wav") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	sum, err := scanreport.ReadSummaryJSON(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Failed) != 1 || sum.Failed[0].Path != "WT01/s1/20250302T000000Z.wav" || sum.Captures != 1 {
		t.Errorf("summary: failed %+v, captures %d", sum.Failed, sum.Captures)
	}
	stdout, _, code := runCLI(t, "scan", "--fleet", fleet, "--out", out)
	if code != 0 || !strings.Contains(stdout, "nothing new") {
		t.Errorf("second run: exit %d: %s", code, stdout)
	}
}

// TestScanMultiChannel: a capture with several channels is refused with a
// message that asks for --channel; with it the capture is scanned.
func TestScanMultiChannel(t *testing.T) {
	dir := t.TempDir()
	fleet := filepath.Join(dir, "fleet")
	p := filepath.Join(fleet, "WT01", "s1", "20250301T000000Z.csv")
	os.MkdirAll(filepath.Dir(p), 0o755)
	var csv strings.Builder
	csv.WriteString("time,x,y\n")
	for i := 0; i < 4096; i++ {
		fmt.Fprintf(&csv, "%g,%g,%g\n", float64(i)/1000, float64(i%7)-3, float64(i%5)-2)
	}
	os.WriteFile(p, []byte(csv.String()), 0o644)
	_, stderr, code := runCLI(t, "scan", "--fleet", fleet, "--out", filepath.Join(dir, "a"))
	if code != exitPartial || !strings.Contains(stderr, "give --channel") {
		t.Errorf("two channels: exit %d: %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "scan", "--fleet", fleet, "--out", filepath.Join(dir, "b"), "--channel", "y"); code != 0 {
		t.Errorf("--channel y: exit %d: %s", code, stderr)
	}
}

// startScan starts `windpm scan ARGS` as a separate process.
func startScan(t *testing.T, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"scan"}, args...)...)
	cmd.Env = append(os.Environ(), "WINDPM_TEST_MAIN=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// compareReports checks that two scans' reports hold the same fleet table
// and alarms.
func compareReports(t *testing.T, got, want string) {
	t.Helper()
	g, err := scanreport.ReadData(filepath.Join(got, scanreport.DataFile))
	if err != nil {
		t.Fatal(err)
	}
	w, err := scanreport.ReadData(filepath.Join(want, scanreport.DataFile))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g.Components, w.Components) {
		t.Errorf("fleet table differs:\n%+v\nwant\n%+v", g.Components, w.Components)
	}
	// Compared encoded: the evidence holds NaN (gaps), which DeepEqual
	// never finds equal.
	var gb, wb bytes.Buffer
	if err := gob.NewEncoder(&gb).Encode(g.Alarms); err != nil {
		t.Fatal(err)
	}
	if err := gob.NewEncoder(&wb).Encode(w.Alarms); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gb.Bytes(), wb.Bytes()) || len(g.Alarms) == 0 {
		t.Errorf("alarms differ: %d alarms, want %d", len(g.Alarms), len(w.Alarms))
	}
	if g.Captures != w.Captures {
		t.Errorf("%d captures, want %d", g.Captures, w.Captures)
	}
}

// TestScanShards: N shards run as separate processes at once into one
// folder, then `windpm report`, give the tables and the report alarms of
// one unsharded scan, for N = 1, 3 and 7; a shard killed with SIGKILL and
// run again changes nothing of that.
func TestScanShards(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesizes and scans a fleet several times")
	}
	dir := t.TempDir()
	smallFleet(t, dir, 24)
	fleet := filepath.Join(dir, "fleet")
	common := []string{"--fleet", fleet, "--reference-days", "8", "--chunk", "12", "--jobs", "1"}
	want := filepath.Join(dir, "whole")
	if _, stderr, code := runCLI(t, append([]string{"scan", "--out", want}, common...)...); code != 0 {
		t.Fatalf("unsharded scan: exit %d: %s", code, stderr)
	}
	wantTables := readScan(t, want)
	if len(wantTables.alarms) == 0 {
		t.Fatal("the fleet raised no alarm: the comparison would not cover alarms")
	}

	for _, n := range []int{1, 3, 7} {
		t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
			out := filepath.Join(dir, fmt.Sprintf("sharded-%d", n))
			var cmds []*exec.Cmd
			var errs []*strings.Builder
			for k := 1; k <= n; k++ {
				cmd, stderr := startScan(t, append([]string{"--out", out, "--shard", fmt.Sprintf("%d/%d", k, n)}, common...)...)
				cmds, errs = append(cmds, cmd), append(errs, stderr)
			}
			for k, cmd := range cmds {
				if err := cmd.Wait(); err != nil {
					t.Fatalf("shard %d/%d: %v: %s", k+1, n, err, errs[k])
				}
			}
			// Not every shard is there before the report of them all.
			if n > 1 {
				if _, stderr, code := runCLI(t, "report", "--from", filepath.Join(dir, "whole"), "--from", out, "--out", filepath.Join(dir, "mixed")); code == 0 {
					t.Errorf("a whole scan mixed with shards merged: %s", stderr)
				}
			}
			if stdout, stderr, code := runCLI(t, "report", "--from", out, "--out", out); code != 0 {
				t.Fatalf("report: exit %d: %s%s", code, stdout, stderr)
			}
			compareScans(t, readScan(t, out), wantTables)
			compareReports(t, out, want)
		})
	}

	// Shard 1 killed at random moments while shard 2 runs, then run
	// again.
	out := filepath.Join(dir, "killed")
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	for k := 1; k <= 3; k++ {
		args := append([]string{"--out", out, "--shard", fmt.Sprintf("%d/3", k)}, common...)
		if k == 1 {
			other, stderr := startScan(t, append([]string{"--out", out, "--shard", "2/3"}, common...)...)
			for kill := 0; kill < 3; kill++ {
				cmd, _ := startScan(t, args...)
				time.Sleep(time.Duration(100+r.IntN(1500)) * time.Millisecond)
				cmd.Process.Signal(syscall.SIGKILL)
				cmd.Wait()
			}
			if err := other.Wait(); err != nil {
				t.Fatalf("shard 2/3 beside the killed shard: %v: %s", err, stderr)
			}
		}
		if _, stderr, code := runCLI(t, append([]string{"scan"}, args...)...); code != 0 {
			t.Fatalf("shard %d/3: exit %d: %s", k, code, stderr)
		}
	}
	if _, stderr, code := runCLI(t, "report", "--from", out, "--out", out); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	compareScans(t, readScan(t, out), wantTables)
	compareReports(t, out, want)
	leftovers(t, out)

	// A missing shard is named.
	os.RemoveAll(filepath.Join(out, "shards", "shard=2-of-3"))
	if _, stderr, code := runCLI(t, "report", "--from", out, "--out", out); code != 1 || !strings.Contains(stderr, "shard 2 of 3") {
		t.Errorf("report with shard 2 missing: exit %d: %s", code, stderr)
	}
}
