package scada

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// value returns the row's value of column c, NaN when the table lacks it.
func value(t *Table, r Row, c Column) float64 {
	if i := t.Col(c); i >= 0 {
		return r.Values[i]
	}
	return math.NaN()
}

// checkInvariants checks what every Table and Report must satisfy.
func checkInvariants(t *testing.T, tab *Table, rep *Report) {
	t.Helper()
	if rep.RowsRead != rep.RowsKept+rep.Dropped() || len(tab.Rows) != rep.RowsKept {
		t.Fatalf("read %d != kept %d + dropped %d (table %d)", rep.RowsRead, rep.RowsKept, rep.Dropped(), len(tab.Rows))
	}
	for i, r := range tab.Rows {
		if len(r.Values) != len(tab.Columns) {
			t.Fatalf("row %d: %d values for %d columns", i, len(r.Values), len(tab.Columns))
		}
		if r.Time.Location() != time.UTC {
			t.Fatalf("row %d: time %v not UTC", i, r.Time)
		}
		if i > 0 {
			p := tab.Rows[i-1]
			if p.Turbine > r.Turbine || (p.Turbine == r.Turbine && !p.Time.Before(r.Time)) {
				t.Fatalf("rows %d and %d not strictly ordered: %s %v, %s %v", i-1, i, p.Turbine, p.Time, r.Turbine, r.Time)
			}
		}
	}
}

func TestBOMCommaCRLFQuirks(t *testing.T) {
	tab, rep, err := Ingest([]string{"testdata/bom_comma_crlf.csv"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, tab, rep)
	f := rep.Files[0]
	if f.Encoding != "utf-8-bom" || f.Delimiter != "," || f.LineEnding != "CRLF" || f.Mapping != "la-haute-borne" ||
		strings.Join(f.Unmapped, " ") != "Extra" || strings.Join(f.Turbines, " ") != "T1 T2" {
		t.Errorf("file report %+v", f)
	}
	// Counted by hand from the fixture, row by row (see the comments in
	// docs/scada.md for the rules).
	got := [...]int{rep.RowsRead, rep.RowsKept, rep.Ragged, rep.NoTurbine, rep.BadStamps, rep.EmptyRows, rep.Duplicates,
		rep.DuplicatesDiffering, rep.ConflictingFields, rep.OutOfOrder, rep.BadNumbers}
	want := [...]int{12, 6, 1, 1, 1, 1, 2, 1, 2, 2, 1}
	if got != want {
		t.Errorf("read, kept, ragged, no turbine, bad stamp, empty, dup, dup differing, conflicts, out of order, bad numbers = %v, want %v", got, want)
	}
	p, ws, ot := Column{ActivePower, Avg}, Column{WindSpeed, Avg}, Column{AmbientTemperature, Avg}
	type exp struct {
		turbine    string
		time       string
		p, ws, ot  float64
		offsetSecs int
	}
	nan := math.NaN()
	wantRows := []exp{
		{"T1", "2017-01-01T00:00:00Z", 80, 4.5, 1, 0},
		{"T1", "2017-01-01T00:10:00Z", 200, 6, 1, 3600}, // later duplicate wins; "1,5" was read as 1.5 first
		{"T1", "2017-01-01T00:20:00Z", 100, 5, 1, 0},
		{"T1", "2017-01-01T03:00:00Z", 120, nan, 1, 0},
		{"T1", "2017-01-01T03:10:00Z", nan, 7, 1, 0},
		{"T2", "2017-01-01T00:00:00Z", 50, 4, 2, 0},
	}
	if len(tab.Rows) != len(wantRows) {
		t.Fatalf("%d rows", len(tab.Rows))
	}
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	for i, w := range wantRows {
		r := tab.Rows[i]
		if r.Turbine != w.turbine || !r.Time.Equal(utc(w.time)) || r.Offset != w.offsetSecs ||
			!same(value(tab, r, p), w.p) || !same(value(tab, r, ws), w.ws) || !same(value(tab, r, ot), w.ot) {
			t.Errorf("row %d = %s %v %+d %v, want %+v", i, r.Turbine, r.Time, r.Offset, r.Values, w)
		}
	}
	if len(rep.GapsListed) != 1 || rep.GapsListed[0].Missing != 150*time.Minute || !rep.GapsListed[0].Last.Equal(utc("2017-01-01T00:20:00Z")) {
		t.Errorf("gaps %v", rep.GapsListed)
	}
	if len(rep.EmptyRuns) != 1 || rep.EmptyRuns[0] != (EmptyRun{"T1", utc("2017-01-01T00:30:00Z"), utc("2017-01-01T00:30:00Z"), 1}) {
		t.Errorf("empty runs %+v", rep.EmptyRuns)
	}
	t1 := rep.Turbines[0]
	if t1.Turbine != "T1" || t1.Rows != 5 || t1.Stamps != 20 || t1.MissingStamps != 15 || t1.Gaps != 1 || t1.EmptyRows != 1 || t1.Duplicates != 2 {
		t.Errorf("T1 report %+v", t1)
	}
	// The 00:10 row carries +01:00 after the merge: an offset change, no clock change of a zone.
	if len(rep.ClockChanges) != 2 {
		t.Errorf("clock changes %v", rep.ClockChanges)
	}
}

func TestLatin1LocalTimeDST(t *testing.T) {
	m, err := ReadMapping("testdata/latin1_local_dst.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tab, rep, err := Ingest([]string{"testdata/latin1_local_dst.csv"}, Options{Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, tab, rep)
	if f := rep.Files[0]; f.Encoding != "latin-1" || f.Delimiter != ";" || len(f.Unmapped) != 0 || f.Turbines[0] != "WEA 1" {
		t.Errorf("file report %+v", f)
	}
	if rep.AmbiguousLocal != 4 || rep.NonexistentLocal != 1 || rep.Duplicates != 1 || rep.RowsKept != 8 {
		t.Errorf("ambiguous %d nonexistent %d duplicates %d kept %d", rep.AmbiguousLocal, rep.NonexistentLocal, rep.Duplicates, rep.RowsKept)
	}
	// Europe/Berlin: CEST (+02:00) until 2017-10-29 01:00Z, then CET (+01:00);
	// CEST again from 2018-03-25 01:00Z. The first 02:00 is the first pass.
	want := []struct {
		time   string
		p      float64
		offset int
	}{
		{"2017-10-28T23:50:00Z", 512.5, 7200},
		{"2017-10-29T00:00:00Z", 500, 7200},
		{"2017-10-29T00:10:00Z", 490, 7200},
		{"2017-10-29T01:00:00Z", 300, 3600},
		{"2017-10-29T01:10:00Z", 310, 3600},
		{"2017-10-29T02:00:00Z", 320, 3600},
		{"2018-03-25T00:50:00Z", 100, 3600},
		// 02:00 does not exist that night; read as 03:00 CEST, it merges with
		// the 03:00 row, which is read later and wins.
		{"2018-03-25T01:00:00Z", 120, 7200},
	}
	pc, st := tab.Col(Column{ActivePower, Avg}), tab.Col(Column{Status, Avg})
	for i, w := range want {
		r := tab.Rows[i]
		if !r.Time.Equal(utc(w.time)) || r.Values[pc] != w.p || r.Offset != w.offset {
			t.Errorf("row %d = %v %v %+d, want %+v", i, r.Time, r.Values[pc], r.Offset, w)
		}
	}
	if tab.Rows[5].Values[st] != 2 {
		t.Errorf("status %v", tab.Rows[5].Values[st])
	}
	if len(rep.ClockChanges) != 2 {
		t.Fatalf("clock changes %v", rep.ClockChanges)
	}
	c := rep.ClockChanges[0]
	if c.UTCStep != 50*time.Minute || c.WallStep != -10*time.Minute || c.MissingStamps != 4 || c.FirstPass != 2 || c.SecondPass != 2 {
		t.Errorf("autumn change %s", c)
	}
	if c := rep.ClockChanges[1]; c.UTCStep != 10*time.Minute || c.WallStep != 70*time.Minute || c.OffsetAfter != 7200 {
		t.Errorf("spring change %s", c)
	}
}

func TestSplitTurbine(t *testing.T) {
	// Files given in reverse order: the result must not depend on it.
	tab, rep, err := Ingest([]string{"testdata/split_2.csv", "testdata/split_1.csv"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, tab, rep)
	if rep.RowsRead != 5 || rep.RowsKept != 4 || rep.Duplicates != 1 || rep.DuplicatesDiffering != 0 {
		t.Errorf("read %d kept %d dup %d differing %d", rep.RowsRead, rep.RowsKept, rep.Duplicates, rep.DuplicatesDiffering)
	}
	if tr := rep.Turbines[0]; len(tr.Files) != 2 || tr.Rows != 4 || tr.Gaps != 1 || tr.MissingStamps != 5 {
		t.Errorf("turbine report %+v", tr)
	}
	if len(rep.ClockChanges) != 1 {
		t.Fatalf("clock changes %v", rep.ClockChanges)
	}
	c := rep.ClockChanges[0]
	if c.UTCStep != time.Hour || c.WallStep != 0 || c.MissingStamps != 5 || c.FirstPass != 1 || c.SecondPass != 1 {
		t.Errorf("clock change %s", c)
	}
	if gb := tab.Col(Column{GearboxBearing1Temperature, Avg}); tab.Rows[3].Values[gb] != 40.3 {
		t.Errorf("last row %v", tab.Rows[3])
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil || !strings.Contains(b.String(), "offset +02:00 -> +01:00") {
		t.Errorf("text report %q, %v", b.String(), err)
	}
}

func TestDecodeAndSniff(t *testing.T) {
	for _, c := range []struct {
		in, forced, text, enc string
		err                   bool
	}{
		{"a;b", "", "a;b", "ascii", false},
		{"\xef\xbb\xbfa\xc2\xb0", "", "a°", "utf-8-bom", false},
		{"a\xb0", "", "a°", "latin-1", false},
		{"a\xc2\xb0", "latin-1", "aÂ°", "latin-1", false},
		{"a\xb0", "utf-8", "", "", true},
		{"\xff\xfea\x00", "", "", "", true},
	} {
		text, enc, err := decode([]byte(c.in), c.forced)
		if (err != nil) != c.err || string(text) != c.text || enc != c.enc {
			t.Errorf("decode(%q, %q) = %q, %q, %v", c.in, c.forced, text, enc, err)
		}
	}
	for in, want := range map[string]rune{"a;b;c\n1,2": ';', "a,b\n": ',', "a\tb\tc": '\t', `"x;y",b`: ',', "abc": ','} {
		if got := sniffDelimiter([]byte(in)); got != want {
			t.Errorf("sniff(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseValue(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		bad  bool
	}{
		{"12.5", 12.5, false}, {" -0.99 ", -0.99, false}, {"1,5", 1.5, false}, {"", math.NaN(), false},
		{"NA", math.NaN(), false}, {"nan", math.NaN(), false}, {"1,000.5", math.NaN(), true},
		{"abc", math.NaN(), true}, {"Inf", math.NaN(), true}, {"1e3", 1000, false},
	} {
		v, bad := parseValue(c.in)
		if bad != c.bad || !(v == c.want || (math.IsNaN(v) && math.IsNaN(c.want))) {
			t.Errorf("parseValue(%q) = %v, %v", c.in, v, bad)
		}
	}
}

func TestRoundDecimalsGivesShortestText(t *testing.T) {
	// The EXACT re-export writes values 1 ulp off (README); rounding to 2
	// decimals must give the float64 that the 2-decimal text parses to.
	in := NewIngester(Options{})
	data := "Wind_turbine_name,Min_since_last,Date_time,P_avg,Ws_avg\n" +
		"R1,,2017-08-09T10:10:00+02:00,0.47000000000000003,1.8599999999999999\n" +
		"R1,10,2017-08-09T10:20:00+02:00,-0.30000000000000004,92.6\n"
	if err := in.Add("x.csv", []byte(data)); err != nil {
		t.Fatal(err)
	}
	tab, _ := in.Finish()
	p, ws := tab.Col(Column{ActivePower, Avg}), tab.Col(Column{WindSpeed, Avg})
	if tab.Rows[0].Values[p] != 0.47 || tab.Rows[0].Values[ws] != 1.86 || tab.Rows[1].Values[p] != -0.3 || tab.Rows[1].Values[ws] != 92.6 {
		t.Errorf("rows %v", tab.Rows)
	}
}

func TestIngestErrors(t *testing.T) {
	for name, data := range map[string]string{
		"empty":       "",
		"no mapping":  "a,b,c\n1,2,3\n",
		"utf16":       "\xff\xfeW\x00",
		"dup column":  "Wind_turbine_name,Date_time,P_avg,P_avg\nT,2017-01-01T00:00:00Z,1,2\n",
		"only stamps": "Wind_turbine_name,Date_time\nT,2017-01-01T00:00:00Z\n",
	} {
		err := NewIngester(Options{}).Add(name+".csv", []byte(data))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.Contains(err.Error(), name+".csv") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %q does not name the file on one line", name, err)
		}
	}
}

func TestDuplicateUnmappedColumn(t *testing.T) {
	in := NewIngester(Options{})
	if err := in.Add("x.csv", []byte("Wind_turbine_name,Date_time,P_avg,Note,Note\nT,2017-01-01T00:00:00Z,1,a,b\n")); err != nil {
		t.Fatal(err)
	}
	tab, rep := in.Finish()
	if len(tab.Rows) != 1 || tab.Rows[0].Values[0] != 1 || len(rep.Files[0].Unmapped) != 1 {
		t.Errorf("rows %v, unmapped %v", tab.Rows, rep.Files[0].Unmapped)
	}
}

func TestParseMapping(t *testing.T) {
	ok := "time_column: t\nturbine: T1\ncolumns:\n  p: active_power_avg\n"
	if _, err := ParseMapping([]byte(ok)); err != nil {
		t.Fatal(err)
	}
	for name, y := range map[string]string{
		"no time":       "turbine: T1\ncolumns:\n  p: active_power\n",
		"no turbine":    "time_column: t\ncolumns:\n  p: active_power\n",
		"two turbines":  ok + "turbine_from_file: true\n",
		"no columns":    "time_column: t\nturbine: T1\n",
		"unknown name":  "time_column: t\nturbine: T1\ncolumns:\n  p: power\n",
		"twice":         "time_column: t\nturbine: T1\ncolumns:\n  p: active_power\n  q: active_power_avg\n",
		"unknown field": ok + "colums: {}\n",
		"bad zone":      ok + "time_zone: Mars/Olympus\n",
		"bad delimiter": ok + "delimiter: ';;'\n",
		"bad encoding":  ok + "encoding: utf-16\n",
		"bad round":     ok + "round_decimals: -1\n",
		"not yaml":      "{",
	} {
		if _, err := ParseMapping([]byte(y)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// The built-in mappings pass the same checks as a mapping file.
	for _, m := range BuiltinMappings() {
		if err := m.check(); err != nil {
			t.Errorf("%s: %v", m.Name, err)
		}
	}
}

func TestCanonicalNames(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Signals() {
		info := s.Info()
		if info.Name == "" || info.IEC == "" || info.Doc == "" || seen[info.Name] {
			t.Errorf("signal %d: %+v", s, info)
		}
		seen[info.Name] = true
		for st := Stat(0); st < numStats; st++ {
			c := Column{s, st}
			if got, ok := ParseColumn(c.Name()); !ok || got != c {
				t.Errorf("ParseColumn(%q) = %v, %v", c.Name(), got, ok)
			}
		}
	}
	if c, ok := ParseColumn("wind_speed"); !ok || c != (Column{WindSpeed, Avg}) {
		t.Errorf("bare name: %v %v", c, ok)
	}
	// wind_speed1_avg must not be read as wind_speed + "1_avg".
	if c, ok := ParseColumn("wind_speed1_avg"); !ok || c != (Column{WindSpeed1, Avg}) {
		t.Errorf("wind_speed1_avg: %v %v", c, ok)
	}
}

func TestEventFixtures(t *testing.T) {
	data, err := os.ReadFile("testdata/edp_alarms.csv")
	if err != nil {
		t.Fatal(err)
	}
	evs, er, err := ReadEvents("edp_alarms.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	if er.Rows != 5 || er.Events != 4 || er.BadRows != 1 || er.ResetBeforeDetection != 1 || er.NoEnd != 2 {
		t.Errorf("report %+v", er)
	}
	e := evs[0]
	if e.Turbine != "T11" || e.Flags != ResetBeforeDetection|AssumedUTC || !e.Start.Equal(utc("2017-09-11T13:40:21Z")) ||
		!e.End.Equal(utc("2017-09-11T13:29:31Z")) || e.Line != 2 {
		t.Errorf("first event %+v (%s)", e, e.Flags)
	}
	if e := evs[2]; e.Description != "Gen. ext. vent. 2, temp: 65°C" || e.Flags != NoEnd || !e.End.IsZero() {
		t.Errorf("third event %+v", e)
	}
	if e := evs[3]; e.Detail != "Pitch Position C  90°" {
		t.Errorf("fourth event %+v", e)
	}

	// Through Ingest, beside SCADA files: events sorted by turbine, counts in the report.
	tab, rep, err := Ingest([]string{"testdata/edp_alarms.csv", "testdata/edp_failures.csv", "testdata/care_events.csv", "testdata/split_1.csv"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Events) != 8 || len(rep.EventLogs) != 3 || rep.RowsRead != 2 || len(tab.Rows) != 2 {
		t.Fatalf("%d events, %d logs, %d rows read", len(tab.Events), len(rep.EventLogs), rep.RowsRead)
	}
	if e := tab.Events[0]; e.Kind != "care-events" || e.Turbine != "" || e.Code != "3" || e.Label != "normal" {
		t.Errorf("first event %+v", e)
	}
	var fail Event
	for _, e := range tab.Events {
		if e.Kind == "edp-failures" && e.Turbine == "T06" {
			fail = e
		}
	}
	if fail.Component != "HYDRAULIC_GROUP" || !fail.Start.Equal(utc("2016-04-04T18:53:00Z")) || fail.Flags != 0 {
		t.Errorf("failure %+v", fail)
	}
	if _, _, err := ReadEvents("x.csv", []byte("Wind_turbine_name,Date_time,P_avg\nT,2017-01-01T00:00:00Z,1\n")); err == nil {
		t.Error("SCADA file read as events")
	}
}

// fixtures returns the testdata files, the fuzz seeds.
func fixtures(t testing.TB, pattern string) [][]byte {
	names, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(names) == 0 {
		t.Fatalf("no fixtures %s: %v", pattern, err)
	}
	var out [][]byte
	for _, n := range names {
		d, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func TestKeepGoing(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "WT01.csv")
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(good, []byte("time,wind_speed_m_s,active_power_kw\n2017-01-01T00:00:00Z,5,100\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("a,b\n1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Ingest([]string{good, bad}, Options{}); err == nil || !strings.Contains(err.Error(), "bad.csv") {
		t.Errorf("without KeepGoing: %v", err)
	}
	tab, rep, err := Ingest([]string{good, bad}, Options{KeepGoing: true})
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, tab, rep)
	if len(tab.Rows) != 1 || len(rep.Failed) != 1 || !strings.Contains(rep.Failed[0], "bad.csv") {
		t.Errorf("rows %d, failed %v", len(tab.Rows), rep.Failed)
	}
	var b strings.Builder
	if err := rep.WriteText(&b); err != nil || !strings.Contains(b.String(), "skipped: scada: "+bad) {
		t.Errorf("report text lacks the skipped file:\n%s", b.String())
	}
	if _, _, err := Ingest([]string{bad}, Options{KeepGoing: true}); err == nil || !strings.Contains(err.Error(), "every file failed") {
		t.Errorf("all bad: %v", err)
	}
}

// TestExpandPathsSymlink: a folder given as a symbolic link stands for the
// exports in the folder it points to.
func TestExpandPathsSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real")
	os.MkdirAll(filepath.Join(target, "sub"), 0o755)
	os.WriteFile(filepath.Join(target, "a.csv"), []byte("x\n"), 0o644)
	os.WriteFile(filepath.Join(target, "sub", "b.CSV"), []byte("x\n"), 0o644)
	os.WriteFile(filepath.Join(target, "notes.txt"), []byte("x\n"), 0o644)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	for _, p := range []string{target, link} {
		got, err := ExpandPaths([]string{p})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{filepath.Join(p, "a.csv"), filepath.Join(p, "sub", "b.CSV")}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: %v, want %v", p, got, want)
		}
	}
}
