package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/datasets/sharedtest"
	"github.com/windpm/windpm/datasets/synth"
	"github.com/windpm/windpm/reports"
)

// synthSCADA writes a small synthetic fleet and returns its scada folder.
func synthSCADA(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := synth.DefaultConfig()
	cfg.Turbines, cfg.Days, cfg.CaptureSeconds = 2, 6, 0.05
	cfg.Faults = synth.DefaultFaults(cfg.Turbines, cfg.Days)
	if _, err := synth.Generate(context.Background(), cfg, dir, nil); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "scada")
}

// TestSCADAIngestSynth: ingest writes the synthetic SCADA as a table that
// reads back (scada.ReadParquet) to the same rows and values as Ingest
// gives, with the derived columns and flags, and --json reports the same
// counts.
func TestSCADAIngestSynth(t *testing.T) {
	in := synthSCADA(t)
	out := filepath.Join(t.TempDir(), "s.parquet")
	stdout, stderr, code := runCLI(t, "scada", "ingest", in, "-o", out, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var js struct {
		Output     string  `json:"output"`
		Rows       int     `json:"rows"`
		ElevationM float64 `json:"elevation_m"`
		Note       string  `json:"density_note"`
		Report     struct {
			RowsRead int `json:"rows_read"`
			RowsKept int `json:"rows_kept"`
		} `json:"report"`
		Turbines []struct {
			Turbine   string         `json:"turbine"`
			Rows      int            `json:"rows"`
			CleanRows int            `json:"clean_rows"`
			Flagged   map[string]int `json:"flagged"`
		} `json:"turbines"`
	}
	if err := json.Unmarshal([]byte(stdout), &js); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if js.Rows != 2*6*144 || js.Report.RowsKept != js.Rows || js.Report.RowsRead != js.Rows || len(js.Turbines) != 2 || !strings.Contains(js.Note, "default") {
		t.Fatalf("json %+v", js)
	}
	want, _, err := scada.Ingest([]string{in}, scada.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := scada.ReadParquet(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(want.Rows) || len(got.Columns) != len(want.Columns) {
		t.Fatalf("read back %d rows × %d columns, want %d × %d", len(got.Rows), len(got.Columns), len(want.Rows), len(want.Columns))
	}
	for k, c := range want.Columns {
		if got.Columns[k] != c {
			t.Fatalf("column %d: %s, want %s", k, got.Columns[k].Name(), c.Name())
		}
	}
	for i, w := range want.Rows {
		g := got.Rows[i]
		if g.Turbine != w.Turbine || !g.Time.Equal(w.Time) || g.Offset != w.Offset {
			t.Fatalf("row %d: %s %v %d, want %s %v %d", i, g.Turbine, g.Time, g.Offset, w.Turbine, w.Time, w.Offset)
		}
		for k, v := range w.Values {
			if gv := g.Values[k]; gv != v && !(math.IsNaN(gv) && math.IsNaN(v)) {
				t.Fatalf("row %d %s: %v, want %v", i, want.Columns[k].Name(), gv, v)
			}
		}
	}
	// The text form says the same.
	stdout, stderr, code = runCLI(t, "scada", "ingest", in, "-o", out)
	if code != 0 || !strings.Contains(stdout, "wrote 1728 rows to "+out) || !strings.Contains(stdout, "elevation 0 m (default") {
		t.Fatalf("exit %d: %s\n%s", code, stdout, stderr)
	}
	// The power curve from the table and from the exports agree.
	curveOf := func(args ...string) string {
		stdout, stderr, code := runCLI(t, append([]string{"scada", "powercurve"}, args...)...)
		if code != 0 {
			t.Fatalf("powercurve %v: exit %d: %s", args, code, stderr)
		}
		return stdout
	}
	a, b := curveOf(out), curveOf(in)
	if a != b || !strings.HasPrefix(a, "turbine,bin_m_s,wind_speed_norm_m_s,power_kw,power_std_kw,count\n") {
		t.Fatalf("curve from the table:\n%s\nfrom the exports:\n%s", a, b)
	}
	if one := curveOf(out, "--turbine", "WT02"); strings.Contains(one, "WT01") || !strings.Contains(one, "WT02") {
		t.Errorf("--turbine WT02:\n%s", one)
	}
	// A bad file among good ones: named on stderr, the rest written, exit 3.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(t.TempDir(), "s2.parquet")
	stdout, stderr, code = runCLI(t, "scada", "ingest", in, bad, "-o", out2)
	if code != 3 || !strings.Contains(stderr, "bad.csv: no built-in mapping fits") || !strings.Contains(stdout, "skipped: scada: "+bad) ||
		!strings.Contains(stdout, "wrote 1728 rows") {
		t.Errorf("partial ingest: exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if tab, err := scada.ReadParquet(out2); err != nil || len(tab.Rows) != 1728 {
		t.Errorf("partial ingest table: %v", err)
	}
}

func TestSCADAErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "s.parquet")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"scada", "ingest", bad}, 2, "-o scada.parquet is required"},
		{[]string{"scada", "ingest", bad, "-o", filepath.Join(dir, "s.csv")}, 2, ".parquet"},
		{[]string{"scada", "ingest", "-o", out}, 2, "requires at least 1 arg"},
		{[]string{"scada", "ingest", bad, "-o", out}, 1, "bad.csv: no built-in mapping fits"},
		{[]string{"scada", "ingest", bad, "-o", out, "--elevation", "20000"}, 2, "--elevation"},
		{[]string{"scada", "ingest", bad, "-o", out, "--mapping", filepath.Join(dir, "none.yaml")}, 1, "none.yaml"},
		{[]string{"scada", "powercurve", bad, "--out", "x.gif"}, 2, "want a .csv, .svg, .png or .pdf file"},
		{[]string{"scada", "powercurve", bad}, 1, "bad.csv"},
		{[]string{"scada", "powercurve", out}, 1, "s.parquet"},
	} {
		_, stderr, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") > 2 {
			t.Errorf("windpm %s: exit %d, stderr %q; want %d and %q", strings.Join(c.args, " "), code, stderr, c.code, c.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed ingest left %s", out)
	}
}

// TestSCADAIngestExact2017 ingests La Haute Borne 2017 and checks the
// table with DuckDB: one row per turbine and UTC stamp (57,646), the
// column types, and the R80711 derating of 2017-09-13 flagged in the file.
func TestSCADAIngestExact2017(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	in := sharedtest.Path(t, "scada/la_haute_borne/exact_2017")
	out := filepath.Join(t.TempDir(), "s.parquet")
	stdout, stderr, code := runCLI(t, "scada", "ingest", in, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range []string{"rows read 57646, kept 57646", "gaps over 1h0m0s: 12", "clock changes: 4", "wrote 57646 rows"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("output lacks %q:\n%s", s, stdout)
		}
	}
	q := `SELECT turbine, count(*) AS n, count(DISTINCT time) AS stamps,
	 sum(CASE WHEN flag_curtailment AND time >= '2017-09-13' AND time < '2017-09-14' THEN 1 ELSE 0 END) AS derated,
	 typeof(any_value(time)) AS time_type, typeof(any_value(active_power_avg)) AS p_type, typeof(any_value(clean)) AS clean_type
	 FROM read_parquet(?) GROUP BY turbine ORDER BY turbine`
	rows := duckdbQuery(t, q, out)
	want := map[string]int{"R80711": 14348, "R80721": 14416, "R80736": 14399, "R80790": 14483}
	if len(rows) != 4 {
		t.Fatalf("DuckDB rows %v", rows)
	}
	for _, r := range rows {
		tb := r[0].(string)
		n, _ := strconv.Atoi(toString(r[1]))
		st, _ := strconv.Atoi(toString(r[2]))
		der, _ := strconv.Atoi(toString(r[3]))
		if n != want[tb] || st != n || (tb == "R80711") != (der > 0) {
			t.Errorf("%s: %d rows, %d stamps, %d derated rows on 2017-09-13", tb, n, st, der)
		}
		if r[4] != "TIMESTAMP WITH TIME ZONE" || r[5] != "DOUBLE" || r[6] != "BOOLEAN" {
			t.Errorf("%s: types %v", tb, r[4:])
		}
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// duckdbQuery runs one SQL query with one parameter (a file path) in DuckDB
// through node, with the @duckdb/node-api installed for
// reports/duckdbtest in reports/testdata/duckdb, and returns the rows as
// JSON values. It skips when node or that install is absent (failing under
// CI, as duckdbtest does).
func duckdbQuery(t *testing.T, sql, path string) [][]any {
	t.Helper()
	node, err := exec.LookPath("node")
	dir := filepath.Join(sharedtest.RepoRoot(t), "reports", "testdata", "duckdb")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", "@duckdb", "node-api"))
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("DuckDB check cannot run: %v", err)
		}
		t.Skipf("DuckDB check skipped: %v (run the reports tests once to install @duckdb/node-api)", err)
	}
	script := `import { DuckDBInstance } from '@duckdb/node-api';
const [sql, path] = process.argv.slice(1);
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
await conn.run("SET TimeZone = 'UTC'");
const res = await conn.runAndReadAll(sql.replace('?', "'" + path.replaceAll("'", "''") + "'"));
process.stdout.write(JSON.stringify(res.getRowsJson()));
conn.closeSync();`
	cmd := exec.Command(node, "--input-type=module", "-e", script, sql, path)
	cmd.Dir = dir // bare imports resolve from the working folder
	cmd.Stderr = os.Stderr
	done := make(chan struct{})
	var out []byte
	go func() { out, err = cmd.Output(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("DuckDB query timed out")
	}
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var rows [][]any
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return rows
}

// TestSCADAFitScoreEvents: on a synthetic fleet whose WT01 gearbox bearing
// develops a fault from day 6 (synth's default), models fitted on days 0–4
// give one event, on WT01, after the fault start, led by the gearbox
// bearing temperature, and none on WT02; fit, score and events agree with
// events fitting on the spot.
func TestSCADAFitScoreEvents(t *testing.T) {
	dir := t.TempDir()
	cfg := synth.DefaultConfig()
	cfg.Turbines, cfg.Days, cfg.CaptureSeconds = 2, 12, 0.05
	cfg.Faults = synth.DefaultFaults(cfg.Turbines, cfg.Days)
	truth, err := synth.Generate(context.Background(), cfg, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "scada")
	models := filepath.Join(dir, "models.json")
	stdout, stderr, code := runCLI(t, "scada", "fit", in, "--fit-from", "2025-03-01", "--fit-to", "2025-03-05", "-o", models)
	if code != 0 || !strings.Contains(stdout, "wrote 4 models") || stderr != "" {
		t.Fatalf("fit: exit %d: %s %s", code, stdout, stderr)
	}
	stdout, stderr, code = runCLI(t, "scada", "score", in, "--model", models, "--from", "2025-03-05", "--json")
	var scores []struct {
		Turbine, Target string
		Rows            int
		Above           float64 `json:"fraction_above_threshold"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &scores) != nil || len(scores) != 4 {
		t.Fatalf("score: exit %d: %s %s", code, stdout, stderr)
	}
	for _, s := range scores {
		hot := s.Turbine == "WT01" && s.Target == "gearbox_bearing1_temperature"
		if s.Rows == 0 || hot != (s.Above > 0.3) {
			t.Errorf("score %+v", s)
		}
	}
	var fault time.Time
	for _, f := range truth.Faults {
		if f.Turbine == "WT01" {
			fault = f.StartTime
		}
	}
	for _, args := range [][]string{{"--model", models}, {"--fit-from", "2025-03-01", "--fit-to", "2025-03-05"}} {
		stdout, stderr, code = runCLI(t, append([]string{"scada", "events", in, "--json"}, args...)...)
		var events []struct {
			Turbine string
			Start   time.Time
			Signals []string
		}
		if code != 0 || json.Unmarshal([]byte(stdout), &events) != nil {
			t.Fatalf("events %v: exit %d: %s %s", args, code, stdout, stderr)
		}
		if len(events) != 1 || events[0].Turbine != "WT01" || events[0].Start.Before(fault) || events[0].Signals[0] != "gearbox_bearing1_temperature" {
			t.Errorf("events %v: %+v (fault from %v)", args, events, fault)
		}
	}
	// The events table holds the same event.
	table := filepath.Join(dir, "events.parquet")
	if _, stderr, code := runCLI(t, "scada", "events", in, "--model", models, "-o", table); code != 0 {
		t.Fatalf("events -o: exit %d: %s", code, stderr)
	}
	rt, err := reports.ReadRecordTable(table)
	if err != nil {
		t.Fatal(err)
	}
	if len(rt.Rows) != 1 || rt.Name != "events" || rt.Rows[0][rt.Column("turbine")] != "WT01" ||
		rt.Rows[0][rt.Column("signals")].([]string)[0] != "gearbox_bearing1_temperature" || rt.Rows[0][rt.Column("start")].(time.Time).Before(fault) {
		t.Errorf("events table %+v", rt.Rows)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"version":9}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"scada", "events", in}, 2, "give --model or --fit-from"},
		{[]string{"scada", "events", in, "--model", models, "-o", "e.csv"}, 2, ".parquet"},
		{[]string{"scada", "events", in, "--model", models, "--fit-from", "2025-03-01", "--fit-to", "2025-03-05"}, 2, "give --model or"},
		{[]string{"scada", "fit", in, "--fit-from", "2025-03-05", "--fit-to", "2025-03-01", "-o", models}, 2, "not before"},
		{[]string{"scada", "fit", in, "--fit-from", "March", "--fit-to", "2025-03-01", "-o", models}, 2, "--fit-from"},
		{[]string{"scada", "fit", in, "--fit-from", "2025-03-01", "--fit-to", "2025-03-05"}, 2, "-o models.json"},
		{[]string{"scada", "score", in, "--model", bad}, 1, "bad.json: model file: version 9"},
		{[]string{"scada", "fit", in, "--fit-from", "2030-01-01", "--fit-to", "2030-02-01", "-o", models}, 1, "no model could be fitted"},
	} {
		_, stderr, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("windpm %s: exit %d, stderr %q; want %d and %q", strings.Join(c.args, " "), code, stderr, c.code, c.want)
		}
	}
}
