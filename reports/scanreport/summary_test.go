package scanreport

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func writeSummary(t *testing.T, r *Report) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "summary.json")
	if err := WriteSummaryJSON(path, r); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, b
}

func TestSummaryJSONRoundTrip(t *testing.T) {
	r := sampleReport(5, "WT01", hostile)
	// Times in another zone are written in UTC; NaN is null.
	r.Generated = time.Date(2025, 4, 30, 5, 15, 42, 123000000, time.FixedZone("CEST", 2*3600))
	r.Alarms[0].Indicators[2].Z = math.NaN()
	r.Components[1].MaxZ = math.NaN()
	path, b := writeSummary(t, r)
	got, err := ReadSummaryJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := NewSummary(r); !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("read back differs:\n got %s\nwant %s", g, w)
	}
	if got.Generated.Location() != time.UTC || !got.Generated.Equal(r.Generated) {
		t.Errorf("generated = %v, want %v in UTC", got.Generated, r.Generated)
	}

	// The raw document: the documented keys, in order, and their forms.
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	keys := []string{"summary_version", "version", "title", "generated", "fleet", "out", "captures", "new_captures",
		"failed", "severity_counts", "worst_severity", "open_alarms", "settings", "notes", "components", "alarms"}
	if gotKeys := topKeys(t, b); !slices.Equal(gotKeys, keys) {
		t.Errorf("top-level keys %v, want %v", gotKeys, keys)
	}
	if raw["generated"] != "2025-04-30T03:15:42.123Z" {
		t.Errorf("generated = %v", raw["generated"])
	}
	if raw["worst_severity"] != "alarm" || raw["captures"] != 1080.0 || raw["new_captures"] != 18.0 {
		t.Errorf("worst_severity %v, captures %v, new_captures %v", raw["worst_severity"], raw["captures"], raw["new_captures"])
	}
	counts := raw["severity_counts"].(map[string]any)
	n := r.SeverityCounts()
	if counts["ok"] != float64(n.OK) || counts["watch"] != float64(n.Watch) || counts["warning"] != float64(n.Warning) || counts["alarm"] != float64(n.Alarm) {
		t.Errorf("severity_counts %v, want %+v", counts, n)
	}
	if n.OK+n.Watch+n.Warning+n.Alarm != len(r.Components) {
		t.Errorf("counts %+v do not add up to %d components", n, len(r.Components))
	}
	alarms := raw["alarms"].([]any)
	a0, a1 := alarms[0].(map[string]any), alarms[1].(map[string]any)
	if a0["closed"] != nil || a1["closed"] != "2025-04-13T02:00:00Z" {
		t.Errorf("closed: open alarm %v, closed alarm %v", a0["closed"], a1["closed"])
	}
	if z := a0["indicators"].([]any)[2].(map[string]any)["z"]; z != nil {
		t.Errorf("NaN z written as %v, want null", z)
	}
	line := a0["lines"].([]any)[0].(map[string]any)
	if line["label"] != "BPFO" || line["freq_hz"] != 90.3 || line["db"] != 34.1 {
		t.Errorf("first line %v", line)
	}
	alarmKeys := []string{"id", "anchor", "turbine", "component", "sensor", "severity", "current_severity", "opened", "closed",
		"history", "class", "zone", "diagnosis", "summary", "indicators", "lines"}
	for _, k := range alarmKeys {
		if _, ok := a0[k]; !ok {
			t.Errorf("alarm lacks key %q", k)
		}
	}
	comp := raw["components"].([]any)[1].(map[string]any)
	if comp["max_z"] != nil || comp["last_capture"] != "2025-04-29T02:00:00Z" {
		t.Errorf("component: max_z %v (want null), last_capture %v", comp["max_z"], comp["last_capture"])
	}
	// The hostile name is JSON text, read back as given.
	if !bytes.Contains(b, []byte(`"turbine": "WT<script>`)) || got.Components[3].Turbine != hostile {
		t.Errorf("hostile turbine name read back as %q", got.Components[3].Turbine)
	}
}

// topKeys returns the keys of the top-level JSON object in file order.
func topKeys(t *testing.T, b []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(b))
	var keys []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 1 {
				keys = append(keys, v)
				// Skip the value.
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return keys
}

func TestSummaryJSONNoAlarms(t *testing.T) {
	r := sampleReport(0)
	r.Failed, r.Notes, r.Settings = nil, nil, nil
	_, b := writeSummary(t, r)
	for _, want := range []string{`"failed": []`, `"alarms": []`, `"notes": []`, `"settings": []`, `"worst_severity": "ok"`, `"open_alarms": 0`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("summary lacks %s", want)
		}
	}
	// An empty report: no components, no times.
	_, b = writeSummary(t, &Report{})
	if !bytes.Contains(b, []byte(`"generated": null`)) || !bytes.Contains(b, []byte(`"components": []`)) {
		t.Errorf("empty report summary:\n%s", b)
	}
}

func TestDecodeSummaryRejects(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{`{"version":"x"}`, "no valid summary_version"},
		{`{"summary_version":99}`, "summary_version 99 is newer"},
		{`{"summary_version":1} {}`, "data after the JSON object"},
		{`{"summary_version":"1"}`, "cannot unmarshal"},
		{``, "EOF"},
	} {
		_, err := DecodeSummary(strings.NewReader(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want %q", c.doc, err, c.want)
		}
	}
	if _, err := ReadSummaryJSON(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
	// Unknown keys from a newer writer are ignored.
	s, err := DecodeSummary(strings.NewReader(`{"summary_version":1,"future_key":[1,2],"captures":7}`))
	if err != nil || s.Captures != 7 {
		t.Errorf("unknown key: %v, %+v", err, s)
	}
}

// FuzzDecodeSummary checks that any bytes give a summary or an error,
// never a panic, and that a decoded summary encodes and decodes to the
// same document.
func FuzzDecodeSummary(f *testing.F) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(NewSummary(sampleReport(2))); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"summary_version":1,"alarms":[{"closed":null,"indicators":[{"z":null}]}]}`))
	f.Add([]byte(`{"summary_version":1,"generated":"2025-01-01T00:00:00Z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodeSummary(bytes.NewReader(b))
		if err != nil {
			return
		}
		again, err := json.Marshal(s)
		if err != nil {
			// A time outside what RFC 3339 can write (year > 9999) is the
			// one thing Go reads but cannot write back.
			if strings.Contains(err.Error(), "year outside of range") {
				return
			}
			t.Fatalf("re-encoding a decoded summary: %v", err)
		}
		s2, err := DecodeSummary(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("decoding the re-encoded summary: %v", err)
		}
		if twice, err := json.Marshal(s2); err != nil || !bytes.Equal(twice, again) {
			t.Fatalf("round trip changed the summary (%v):\n%s\n%s", err, again, twice)
		}
	})
}
