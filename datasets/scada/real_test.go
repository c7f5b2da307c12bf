package scada

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/sharedtest"
)

// countDataLines counts the lines after the header of every file, the
// independent count the Report must reconcile with.
func countDataLines(t *testing.T, files []string) int {
	t.Helper()
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n += bytes.Count(data, []byte("\n")) - 1
	}
	return n
}

func TestExact2017(t *testing.T) {
	dir := sharedtest.Path(t, "scada/la_haute_borne/exact_2017")
	files, err := ExpandPaths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 70 {
		t.Fatalf("%d files, want 70", len(files))
	}
	tab, rep, err := Ingest([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lines := countDataLines(t, files)
	if rep.RowsRead != lines || rep.RowsKept+rep.Dropped() != lines || len(tab.Rows) != rep.RowsKept {
		t.Fatalf("lines %d, read %d, kept %d + dropped %d, table %d", lines, rep.RowsRead, rep.RowsKept, rep.Dropped(), len(tab.Rows))
	}
	// README: 14,348 + 14,416 + 14,399 + 14,483 rows, 0 duplicates, no empty rows.
	want := map[string]struct{ rows, gaps, missing int }{
		"R80711": {14348, 20, 285}, "R80721": {14416, 17, 217}, "R80736": {14399, 16, 234}, "R80790": {14483, 17, 150},
	}
	if rep.RowsKept != 14348+14416+14399+14483 || rep.Dropped() != 0 {
		t.Errorf("kept %d dropped %d", rep.RowsKept, rep.Dropped())
	}
	seen := map[string]bool{}
	for i, r := range tab.Rows {
		k := r.Turbine + r.Time.String()
		if seen[k] {
			t.Fatalf("row %d: %s twice", i, k)
		}
		seen[k] = true
		if i > 0 && tab.Rows[i-1].Turbine == r.Turbine && !tab.Rows[i-1].Time.Before(r.Time) {
			t.Fatalf("row %d not after row %d", i, i-1)
		}
	}
	for _, f := range rep.Files {
		if f.Mapping != "la-haute-borne-exact" || len(f.Unmapped) != 0 || f.Encoding != "ascii" || f.Delimiter != "," || f.LineEnding != "LF" || len(f.Turbines) != 1 {
			t.Errorf("file report %+v", f)
		}
	}
	// 30 signals x 4 statistics, Va included (empty on every row).
	if len(tab.Columns) != 120 {
		t.Errorf("%d columns", len(tab.Columns))
	}
	if got := strings.Join(tab.Turbines(), " "); got != "R80711 R80721 R80736 R80790" {
		t.Errorf("turbines %s", got)
	}
	if rows := tab.Turbine("R80736"); len(rows) != 14399 || rows[0].Turbine != "R80736" || rows[len(rows)-1].Turbine != "R80736" || tab.Turbine("R1") != nil {
		t.Errorf("Turbine(R80736): %d rows", len(rows))
	}
	if len(rep.Turbines) != 4 {
		t.Fatalf("%d turbines", len(rep.Turbines))
	}
	for _, tr := range rep.Turbines {
		w := want[tr.Turbine]
		if tr.Rows != w.rows || tr.Gaps != w.gaps || tr.MissingStamps != w.missing || tr.Stamps != 14633 {
			t.Errorf("%s: rows %d gaps %d missing %d stamps %d, want %+v and 14633 stamps", tr.Turbine, tr.Rows, tr.Gaps, tr.MissingStamps, tr.Stamps, w)
		}
		if !tr.First.Equal(time.Date(2017, 8, 9, 8, 10, 0, 0, time.UTC)) || !tr.Last.Equal(time.Date(2017, 11, 18, 22, 50, 0, 0, time.UTC)) {
			t.Errorf("%s: span %v .. %v", tr.Turbine, tr.First, tr.Last)
		}
	}
	// Gaps over 6 h from the README table, all listed (over 1 h).
	long := map[string]bool{}
	for _, g := range rep.GapsListed {
		if g.Missing <= time.Hour {
			t.Errorf("listed gap %v not over 1 h", g)
		}
		if g.Missing > 6*time.Hour {
			long[g.Turbine+" "+g.Last.Format("01-02 15:04")] = true
		}
	}
	for _, k := range []string{"R80711 09-03 09:40", "R80711 09-09 21:50", "R80711 09-17 12:00", "R80711 11-13 00:20",
		"R80721 09-03 21:50", "R80721 09-09 22:00", "R80721 11-13 00:10",
		"R80736 09-03 21:50", "R80736 09-09 21:50", "R80736 11-13 00:20",
		"R80790 09-09 21:50", "R80790 11-13 00:20"} {
		if !long[k] {
			t.Errorf("gap after %s not listed", k)
		}
	}
	if len(long) != 12 {
		t.Errorf("%d gaps over 6 h, want 12", len(long))
	}
	// The 2017-10-29 change, identical for all four turbines.
	if len(rep.ClockChanges) != 4 {
		t.Fatalf("%d clock changes: %v", len(rep.ClockChanges), rep.ClockChanges)
	}
	for _, c := range rep.ClockChanges {
		if !c.Last.Equal(time.Date(2017, 10, 28, 23, 50, 0, 0, time.UTC)) || !c.Next.Equal(time.Date(2017, 10, 29, 1, 0, 0, 0, time.UTC)) ||
			c.OffsetBefore != 7200 || c.OffsetAfter != 3600 || c.UTCStep != 70*time.Minute || c.WallStep != 10*time.Minute ||
			c.MissingStamps != 6 || c.FirstPass != 0 || c.SecondPass != 6 {
			t.Errorf("clock change %s", c)
		}
	}
	if testing.Verbose() {
		var b strings.Builder
		rep.WriteText(&b)
		t.Log(b.String())
	}
}

func TestOriginalMatchesExactOverlap(t *testing.T) {
	orig := sharedtest.Path(t, "scada/la_haute_borne/limited_la-haute-borne-data-2017-2020.csv")
	over := sharedtest.Path(t, "scada/la_haute_borne/exact_overlap/turbine_R80711_2017-2020_31.csv")
	to, ro, err := Ingest([]string{orig}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// README: 1,687 rows, 88 empty, 17 backward steps, 0 duplicates, 0 gaps.
	if ro.RowsRead != 1687 || ro.EmptyRows != 88 || ro.RowsKept != 1599 || ro.OutOfOrder != 17 || ro.Duplicates != 0 {
		t.Errorf("original: read %d empty %d kept %d out of order %d duplicates %d", ro.RowsRead, ro.EmptyRows, ro.RowsKept, ro.OutOfOrder, ro.Duplicates)
	}
	// README: one contiguous block of empty rows, UTC 2018-01-11 08:30 -> 23:00.
	if len(ro.EmptyRuns) != 1 || ro.EmptyRuns[0].Stamps != 88 || !ro.EmptyRuns[0].First.Equal(time.Date(2018, 1, 11, 8, 30, 0, 0, time.UTC)) ||
		!ro.EmptyRuns[0].Last.Equal(time.Date(2018, 1, 11, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("empty runs %+v", ro.EmptyRuns)
	}
	if f := ro.Files[0]; f.Encoding != "ascii" || f.Delimiter != ";" || f.LineEnding != "CRLF" || f.Mapping != "la-haute-borne" || len(f.Unmapped) != 0 || len(to.Columns) != 31*4 {
		t.Errorf("original file report %+v", f)
	}
	te, _, err := Ingest([]string{over}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(te.Rows) != 144 {
		t.Fatalf("overlap: %d rows", len(te.Rows))
	}
	byTime := map[time.Time]Row{}
	for _, r := range to.Rows {
		byTime[r.Time] = r
	}
	compared := 0
	for _, re := range te.Rows {
		ro, ok := byTime[re.Time]
		if !ok {
			t.Errorf("%v in the re-export, not in the original", re.Time)
			continue
		}
		for j, c := range te.Columns {
			k := to.Col(c)
			if k < 0 {
				t.Fatalf("column %s not in the original", c.Name())
			}
			a, b := re.Values[j], ro.Values[k]
			if math.IsNaN(a) != math.IsNaN(b) || (!math.IsNaN(a) && a != b) {
				t.Errorf("%v %s: re-export %v, original %v", re.Time, c.Name(), a, b)
			}
			if !math.IsNaN(a) {
				compared++
			}
		}
	}
	// README: 16,704 non-empty values shared.
	if compared != 16704 {
		t.Errorf("%d values compared, want 16704", compared)
	}
	first := te.Rows[0].Time
	if !first.Equal(time.Date(2018, 1, 11, 23, 10, 0, 0, time.UTC)) {
		t.Errorf("overlap starts %v", first)
	}
}

func TestEDPAlarmLog(t *testing.T) {
	p := sharedtest.Path(t, "scada/fault_logs/edp_wind_farm_1/wind-farm-1-logs-testing.csv")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	evs, er, err := ReadEvents(filepath.Base(p), data)
	if err != nil {
		t.Fatal(err)
	}
	// README: 62,604 rows, reset on 459, 2 resets before detection (T11, 2017-09-11).
	if er.Rows != 62604 || er.Events != 62604 || er.BadRows != 0 || er.NoEnd != 62604-459 || er.ResetBeforeDetection != 2 {
		t.Errorf("report %+v", er)
	}
	perUnit := map[string]int{}
	var flagged []Event
	for _, e := range evs {
		perUnit[e.Turbine]++
		if e.Flags&ResetBeforeDetection != 0 {
			flagged = append(flagged, e)
		}
		if e.Start.Location() != time.UTC {
			t.Fatalf("start not UTC: %v", e.Start)
		}
	}
	for u, n := range map[string]int{"T01": 15412, "T09": 14046, "T06": 13175, "T11": 10604, "T07": 9367} {
		if perUnit[u] != n {
			t.Errorf("%s: %d events, want %d", u, perUnit[u], n)
		}
	}
	for _, e := range flagged {
		if e.Turbine != "T11" || e.Description != "Q7 breaker open" || e.Start.Format("2006-01-02") != "2017-09-11" {
			t.Errorf("flagged %+v", e)
		}
	}
	first := evs[0]
	_ = first
}

// TestEDPFailuresAndCARE checks the EDP failure list and the two
// CARE-to-Compare event_info files against the facts the data README
// measured with pandas: counts, time span, components per kind and per
// turbine, labels and anomaly causes; CARE stamps carry no offset
// (AssumedUTC) and every CARE event has an end.
func TestEDPFailuresAndCARE(t *testing.T) {
	read := func(rel string) []Event {
		p := sharedtest.Path(t, rel)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		evs, er, err := ReadEvents(p, data)
		if err != nil {
			t.Fatal(err)
		}
		if er.BadRows != 0 {
			t.Errorf("%s: %d bad rows", rel, er.BadRows)
		}
		return evs
	}
	count := func(evs []Event, key func(Event) string) map[string]int {
		m := map[string]int{}
		for _, e := range evs {
			m[key(e)]++
		}
		return m
	}
	fail := read("scada/fault_logs/edp_wind_farm_1/wind-farm-1-failures-training.csv")
	first, last := fail[0].Start, fail[0].Start
	for _, e := range fail {
		if e.Start.Before(first) {
			first = e.Start
		}
		if e.Start.After(last) {
			last = e.Start
		}
		if e.Flags&AssumedUTC != 0 {
			t.Errorf("failure %+v: its stamp has an offset", e)
		}
	}
	if got, want := count(fail, func(e Event) string { return e.Component }), map[string]int{"GENERATOR": 7, "GENERATOR_BEARING": 6, "HYDRAULIC_GROUP": 5, "TRANSFORMER": 3, "GEARBOX": 2}; len(fail) != 23 || !reflect.DeepEqual(got, want) {
		t.Errorf("EDP failures: %d, components %v, want 23 and %v", len(fail), got, want)
	}
	if got, want := count(fail, func(e Event) string { return e.Turbine }), map[string]int{"T06": 7, "T07": 6, "T09": 5, "T11": 3, "T01": 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("EDP failures per turbine %v, want %v", got, want)
	}
	if first.Format(time.RFC3339) != "2016-03-03T19:00:00Z" || last.Format(time.RFC3339) != "2017-08-21T14:47:00Z" {
		t.Errorf("EDP failures from %v to %v", first, last)
	}
	for _, c := range []struct {
		rel    string
		labels map[string]int
		causes map[string]int // of the anomalies; nil: not checked
	}{
		{"scada/fault_logs/care_to_compare/wind_farm_A/event_info.csv", map[string]int{"anomaly": 11, "normal": 11},
			map[string]int{"Hydraulic group": 6, "Gearbox failure": 2, "Generator bearing failure": 2, "Transformer failure": 1}},
		{"scada/fault_logs/care_to_compare/wind_farm_B/event_info.csv", map[string]int{"anomaly": 6, "normal": 9}, nil},
	} {
		evs := read(c.rel)
		if got := count(evs, func(e Event) string { return e.Label }); !reflect.DeepEqual(got, c.labels) {
			t.Errorf("%s: labels %v, want %v", c.rel, got, c.labels)
		}
		var anomalies []Event
		for _, e := range evs {
			if e.Flags&AssumedUTC == 0 || e.End.IsZero() || e.End.Before(e.Start) || e.Code == "" {
				t.Errorf("%s: event %+v: want an id, an end after the start and AssumedUTC", c.rel, e)
			}
			if e.Label == "anomaly" {
				anomalies = append(anomalies, e)
			}
		}
		if got := count(anomalies, func(e Event) string { return e.Description }); c.causes != nil && !reflect.DeepEqual(got, c.causes) {
			t.Errorf("%s: anomaly causes %v, want %v", c.rel, got, c.causes)
		}
	}
}

// BenchmarkIngestTurbine ingests one turbine's 102 days (R80711, 20 files,
// 10.3 MB, 14,348 rows) from files, as a command does, on one worker and
// on two.
func BenchmarkIngestTurbine(b *testing.B) {
	dir := sharedtest.Path(b, "scada/la_haute_borne/exact_2017/R80711")
	files, err := ExpandPaths([]string{dir})
	if err != nil {
		b.Fatal(err)
	}
	size := int64(0)
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			b.Fatal(err)
		}
		size += st.Size()
	}
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Ingest(files, Options{Workers: workers}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestWorkersSameResult(t *testing.T) {
	dir := sharedtest.Path(t, "scada/la_haute_borne/exact_2017/R80736")
	evs := sharedtest.Path(t, "scada/fault_logs/edp_wind_farm_1/wind-farm-1-failures-training.csv")
	t1, r1, err := Ingest([]string{dir, evs}, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t3, r3, err := Ingest([]string{dir, evs}, Options{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r1, r3) || !reflect.DeepEqual(t1.Columns, t3.Columns) || !reflect.DeepEqual(t1.Events, t3.Events) || len(t1.Rows) != len(t3.Rows) {
		t.Fatal("reports, columns or events differ with the number of workers")
	}
	for i := range t1.Rows {
		a, b := t1.Rows[i], t3.Rows[i]
		if a.Turbine != b.Turbine || !a.Time.Equal(b.Time) || a.Offset != b.Offset {
			t.Fatalf("row %d differs", i)
		}
		for j := range a.Values {
			if math.Float64bits(a.Values[j]) != math.Float64bits(b.Values[j]) {
				t.Fatalf("row %d column %d differs", i, j)
			}
		}
	}
}
