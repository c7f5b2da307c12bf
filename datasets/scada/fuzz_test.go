package scada

import (
	"encoding/csv"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzIngest feeds arbitrary bytes to the SCADA reader, with the built-in
// mappings and with the Latin-1 mapping file, and checks that it never
// panics and that whatever it accepts satisfies the Table and Report
// invariants.
func FuzzIngest(f *testing.F) {
	for _, d := range fixtures(f, "*.csv") {
		f.Add(d, false)
		f.Add(d, true)
	}
	m, err := ReadMapping("testdata/latin1_local_dst.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, useMapping bool) {
		opts := Options{}
		if useMapping {
			opts.Mapping = m
		}
		in := NewIngester(opts)
		if err := in.Add("fuzz.csv", data); err != nil {
			return
		}
		// A second copy: every row becomes a duplicate of itself.
		if err := in.Add("fuzz2.csv", data); err != nil {
			t.Fatalf("second read of the same bytes failed: %v", err)
		}
		tab, rep := in.Finish()
		checkInvariants(t, tab, rep)
		if rep.Duplicates < rep.RowsKept {
			t.Fatalf("%d rows kept but only %d duplicates from the second copy", rep.RowsKept, rep.Duplicates)
		}
		for _, r := range tab.Rows {
			for _, v := range r.Values {
				if math.IsInf(v, 0) {
					t.Fatalf("infinite value in %v", r)
				}
			}
		}
	})
}

// FuzzReadEvents feeds arbitrary bytes to the event-log parsers.
func FuzzReadEvents(f *testing.F) {
	for _, n := range []string{"edp_alarms.csv", "edp_failures.csv", "care_events.csv"} {
		d, err := os.ReadFile("testdata/" + n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, er, err := ReadEvents("fuzz.csv", data)
		if err != nil {
			return
		}
		if er.Events != len(evs) || er.Rows != er.Events+er.BadRows {
			t.Fatalf("report %+v for %d events", er, len(evs))
		}
		flagged := 0
		for _, e := range evs {
			if e.Start.Location() != time.UTC || (!e.End.IsZero() && e.End.Location() != time.UTC) {
				t.Fatalf("times not UTC: %+v", e)
			}
			if (e.Flags&ResetBeforeDetection != 0) != (!e.End.IsZero() && e.End.Before(e.Start)) {
				t.Fatalf("flag does not match times: %+v", e)
			}
			if e.Flags&ResetBeforeDetection != 0 {
				flagged++
			}
		}
		if flagged != er.ResetBeforeDetection {
			t.Fatalf("%d flagged, report says %d", flagged, er.ResetBeforeDetection)
		}
	})
}

// FuzzParseMapping checks that no mapping text panics the parser, and that
// an accepted mapping can be used to read its own fixture.
func FuzzParseMapping(f *testing.F) {
	for _, d := range fixtures(f, "*.yaml") {
		f.Add(d)
	}
	f.Add([]byte("time_column: t\nturbine: T1\ncolumns:\n  p: active_power_avg\n"))
	csv := fixtures(f, "latin1_local_dst.csv")[0]
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMapping(data)
		if err != nil {
			return
		}
		in := NewIngester(Options{Mapping: m})
		if err := in.Add("fixture.csv", csv); err != nil {
			return
		}
		tab, rep := in.Finish()
		checkInvariants(t, tab, rep)
	})
}

// FuzzParseFloat checks the fast decimal path against strconv.ParseFloat,
// bit for bit (the independent reference).
func FuzzParseFloat(f *testing.F) {
	for _, s := range []string{"0.47", "0.47000000000000003", "-0.30000000000000004", "1.8599999999999999",
		"92.6", "-0.0", "+1", "9007199254740993", "900719925474099.3", "1.", ".5", ".", "-", "1e3", "0x1p3", "1_0", "2044.37"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, errA := parseFloat(s)
		b, errB := strconv.ParseFloat(s, 64)
		if (errA == nil) != (errB == nil) || math.Float64bits(a) != math.Float64bits(b) && !(math.IsNaN(a) && math.IsNaN(b)) {
			t.Fatalf("parseFloat(%q) = %v, %v; ParseFloat %v, %v", s, a, errA, b, errB)
		}
	})
}

// FuzzPlainReader: on text without quotes, plainReader gives the records
// and line numbers encoding/csv gives (lazy quotes, any field count).
func FuzzPlainReader(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a;b\r\n\r\n1;2\r\n3", "x\n\n\ny,\r", "\r\r\n,\n", "a\tb\rc\n", "", "\n\n", "a,b\r"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		comma := []rune{',', ';', '\t', ' '}[which%4]
		if strings.ContainsRune(s, '"') {
			return
		}
		p := newRecordReader([]byte(s), comma)
		if _, ok := p.(*plainReader); !ok {
			t.Fatalf("no plain reader for %q", s)
		}
		cr := csv.NewReader(strings.NewReader(s))
		cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = comma, -1, true
		for n := 0; ; n++ {
			want, errW := cr.Read()
			got, errG := p.Read()
			if (errW == nil) != (errG == nil) {
				t.Fatalf("record %d of %q: csv %q, %v; plain %q, %v", n, s, want, errW, got, errG)
			}
			if errW != nil {
				if errW != io.EOF || errG != io.EOF {
					t.Fatalf("record %d of %q: csv error %v, plain %v", n, s, errW, errG)
				}
				return
			}
			lw, _ := cr.FieldPos(0)
			lg, _ := p.FieldPos(0)
			if !slices.Equal(want, got) || lw != lg {
				t.Fatalf("record %d of %q: csv %q at line %d, plain %q at line %d", n, s, want, lw, got, lg)
			}
		}
	})
}
