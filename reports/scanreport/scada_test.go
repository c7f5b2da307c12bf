package scanreport

import (
	"bytes"
	"context"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// sampleSCADA returns a SCADA section for the turbines: a power curve of
// 5,000 rows (a logistic in the wind, 1 row in 50 flagged), two models
// with a residual that steps up after 20 days, and on the first turbine
// an event.
func sampleSCADA(turbines ...string) *SCADA {
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	s := &SCADA{Inputs: []string{"scada/", "more.csv"}, Reference: "the first 14 days", Density: "elevation 0 m"}
	for ti, tb := range turbines {
		st := SCADATurbine{Turbine: tb, Rows: 5000, CleanRows: 4900, LostKWh: 1234.5,
			Flags: []FlagCount{{"out_of_range", 1}, {"curtailment", 99}}}
		pc := PowerCurve{Title: tb}
		for i := range 5000 {
			v := 25 * float64((i*7919)%5000) / 5000
			pc.WindMS = append(pc.WindMS, v)
			pc.PowerKW = append(pc.PowerKW, 2000/(1+math.Exp(-(v-9)))+float64(i%13))
			pc.Flagged = append(pc.Flagged, i%50 == 0)
		}
		for v := 0.5; v < 25; v += 0.5 {
			pc.CurveWindMS = append(pc.CurveWindMS, v)
			pc.CurvePowerKW = append(pc.CurvePowerKW, 2000/(1+math.Exp(-(v-9))))
		}
		st.Curve = pc
		for _, target := range []string{"gearbox_bearing1_temperature", "generator_bearing1_temperature"} {
			m := SCADAModel{Target: target, RMSE: 0.8, Threshold: 1.5, ReferenceEnd: t0.AddDate(0, 0, 14)}
			for k := range 30 * 144 {
				tm := t0.Add(time.Duration(k) * 10 * time.Minute)
				v := 0.3 * math.Sin(float64(k)/17)
				if ti == 0 && k > 20*144 {
					v += 3
				}
				m.Times, m.Values = append(m.Times, tm), append(m.Values, v)
			}
			st.Models = append(st.Models, m)
		}
		if ti == 0 {
			st.Events = []SCADAEvent{{Start: t0.AddDate(0, 0, 20), Opened: t0.AddDate(0, 0, 21), End: t0.AddDate(0, 0, 30),
				Signals: []string{"gearbox_bearing1_temperature", "generator_bearing1_temperature"}, Fractions: []float64{0.93, 0.5}}}
		}
		s.Turbines = append(s.Turbines, st)
	}
	return s
}

// checkSCADASection checks the SCADA section of a parsed page against s:
// one subsection per turbine with a unique id, a power curve and one
// residual trend per model drawn as SVG, the models and events tables.
func checkSCADASection(t *testing.T, doc *html.Node, s *SCADA) {
	t.Helper()
	secs := findAll(doc, byID("scada"))
	if len(secs) != 1 {
		t.Fatalf("%d elements with id scada, want 1", len(secs))
	}
	subs := findAll(secs[0], func(n *html.Node) bool { return n.Data == "section" && hasClass(n, "scada-turbine") })
	if len(subs) != len(s.Turbines) {
		t.Fatalf("%d turbine subsections, want %d", len(subs), len(s.Turbines))
	}
	for i, sub := range subs {
		st := s.Turbines[i]
		if id, _ := attr(sub, "id"); id != scadaAnchor(st.Turbine) {
			t.Errorf("turbine %d: id %q, want %q", i, id, scadaAnchor(st.Turbine))
		}
		if h := findAll(sub, byTag("h3")); len(h) != 1 || text(h[0]) != st.Turbine {
			t.Errorf("turbine %d: heading %v, want %q", i, h, st.Turbine)
		}
		if n := len(findAll(sub, byTag("svg"))); n != 1+len(st.Models) {
			t.Errorf("turbine %s: %d svg figures, want %d", st.Turbine, n, 1+len(st.Models))
		}
		if n := len(findAll(sub, func(n *html.Node) bool { return n.Data == "figure" && hasClass(n, "powercurve") })); n != 1 {
			t.Errorf("turbine %s: %d power curve figures", st.Turbine, n)
		}
		events := findAll(sub, func(n *html.Node) bool { return n.Data == "table" && hasClass(n, "scada-events") })
		if len(st.Events) == 0 {
			if len(events) != 0 {
				t.Errorf("turbine %s: an events table without events", st.Turbine)
			}
			continue
		}
		if len(events) != 1 {
			t.Fatalf("turbine %s: %d events tables", st.Turbine, len(events))
		}
		rows := findAll(findAll(events[0], byTag("tbody"))[0], byTag("tr"))
		if len(rows) != len(st.Events) {
			t.Errorf("turbine %s: %d event rows, want %d", st.Turbine, len(rows), len(st.Events))
		}
		if got := text(findAll(rows[0], byTag("td"))[3]); got != eventSignals(st.Events[0]) {
			t.Errorf("turbine %s: signals %q, want %q", st.Turbine, got, eventSignals(st.Events[0]))
		}
	}
}

// TestSCADASection: the SCADA section renders in the HTML (structure,
// figures, escaped names, the nav link) and the Markdown, the same
// Report gives the same bytes, and a report without SCADA has no section.
func TestSCADASection(t *testing.T) {
	r := sampleReport(1, "WT01", "WT02")
	r.SCADA = sampleSCADA("WT01", hostile)
	r.SCADA.Notes = []string{"note " + hostile}
	b, path := writeHTML(t, r)
	doc := parseHTML(t, b)
	checkStructure(t, doc, r)
	checkSCADASection(t, doc, r.SCADA)
	if n := len(findAll(doc, byTag("script"))); n != 0 {
		t.Fatalf("%d script elements: a hostile name was not escaped", n)
	}
	nav := findAll(doc, func(n *html.Node) bool { h, _ := attr(n, "href"); return n.Data == "a" && h == "#scada" })
	if len(nav) != 1 {
		t.Errorf("%d links to #scada, want 1 (the nav)", len(nav))
	}
	b2, _ := writeHTML(t, r)
	if !bytes.Equal(b, b2) {
		t.Error("the same Report gave two different pages")
	}
	md := filepath.Join(filepath.Dir(path), "report.md")
	if err := WriteMarkdown(md, r); err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## SCADA", "### WT01", "| gearbox\\_bearing1\\_temperature | 0.8 | 1.5 |",
		"| 2025-03-21 00:00 UTC | 2025-03-22 00:00 UTC | 2025-03-31 00:00 UTC | 240.0 h | gearbox\\_bearing1\\_temperature 93 %, generator\\_bearing1\\_temperature 50 % |",
		"No temperature event."} {
		if !strings.Contains(string(m), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if strings.Contains(string(m), "<script>") {
		t.Error("report.md carries a raw <script>")
	}

	r.SCADA = nil
	b, _ = writeHTML(t, r)
	if len(findAll(parseHTML(t, b), byID("scada"))) != 0 || bytes.Contains(b, []byte(`href="#scada"`)) {
		t.Error("a section or link for SCADA without SCADA")
	}
}

// TestSCADACheck: series of different lengths are refused before
// anything is written.
func TestSCADACheck(t *testing.T) {
	for name, spoil := range map[string]func(*SCADA){
		"curve":   func(s *SCADA) { s.Turbines[0].Curve.PowerKW = s.Turbines[0].Curve.PowerKW[1:] },
		"flags":   func(s *SCADA) { s.Turbines[0].Curve.Flagged = []bool{true} },
		"bins":    func(s *SCADA) { s.Turbines[0].Curve.CurvePowerKW = nil },
		"trend":   func(s *SCADA) { s.Turbines[0].Models[1].Values = nil },
		"signals": func(s *SCADA) { s.Turbines[0].Events[0].Fractions = nil },
	} {
		r := sampleReport(1, "WT01")
		r.SCADA = sampleSCADA("WT01")
		spoil(r.SCADA)
		path := filepath.Join(t.TempDir(), "report.html")
		if err := WriteHTML(path, r); err == nil || !strings.Contains(err.Error(), "SCADA WT01") {
			t.Errorf("%s: error %v", name, err)
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s: a page was written", name)
		}
	}
}

// TestThinPowerCurve: at most n points, the flagged rows thinned apart
// to at most n/3 (so a few survive beside many clean ones), rows kept in
// order with their values, the curve untouched.
func TestThinPowerCurve(t *testing.T) {
	pc := sampleSCADA("WT01").Turbines[0].Curve
	th := ThinPowerCurve(pc, 300)
	flagged := 0
	for _, f := range th.Flagged {
		if f {
			flagged++
		}
	}
	if len(th.WindMS) > 300 || len(th.WindMS) < 290 || flagged != 100 || len(th.CurveWindMS) != len(pc.CurveWindMS) {
		t.Fatalf("%d points, %d flagged, %d bins", len(th.WindMS), flagged, len(th.CurveWindMS))
	}
	j := 0
	for i := range th.WindMS {
		for pc.WindMS[j] != th.WindMS[i] || pc.PowerKW[j] != th.PowerKW[i] {
			j++
			if j == len(pc.WindMS) {
				t.Fatalf("thinned point %d is not a row of the curve in order", i)
			}
		}
	}
	if got := ThinPowerCurve(pc, 6000); len(got.WindMS) != 5000 {
		t.Errorf("thinning to more than there is changed the rows: %d", len(got.WindMS))
	}
}

// TestWritePowerCurvePlot: the figure files of `windpm scada powercurve
// --out` in each format, a PNG of two 6 × 4 in panels per row at 96 dpi,
// and an unknown format refused with nothing written.
func TestWritePowerCurvePlot(t *testing.T) {
	dir := t.TempDir()
	s := sampleSCADA("WT01", "WT02", "WT03")
	curves := []PowerCurve{s.Turbines[0].Curve, s.Turbines[1].Curve, s.Turbines[2].Curve}
	for _, ext := range PowerCurvePlotFormats {
		path := filepath.Join(dir, "curve"+ext)
		if err := WritePowerCurvePlot(path, curves); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch ext {
		case ".png":
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if sz := img.Bounds().Size(); sz.X != 2*6*96 || sz.Y != 2*4*96 {
				t.Errorf("png %v, want 1152 × 768", sz)
			}
		case ".svg":
			if !bytes.Contains(b, []byte("<svg")) || bytes.Count(b, []byte(">WT0")) != 3 {
				t.Errorf("svg without its three panel titles")
			}
		case ".pdf":
			if !bytes.HasPrefix(b, []byte("%PDF")) {
				t.Errorf("pdf starts %q", b[:8])
			}
		}
	}
	bad := filepath.Join(dir, "curve.gif")
	if err := WritePowerCurvePlot(bad, curves); err == nil || !strings.Contains(err.Error(), "unknown figure format") {
		t.Errorf("gif: %v", err)
	}
	if err := WritePowerCurvePlot(filepath.Join(dir, "none.svg"), nil); err == nil {
		t.Error("no curves: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(PowerCurvePlotFormats) {
		t.Errorf("files left: %v", entries)
	}
}

// TestChromiumRendersSCADA: the SCADA section survives a real browser:
// its subsections, figures and tables are in the DOM Chromium built.
func TestChromiumRendersSCADA(t *testing.T) {
	needChromium(t)
	r := sampleReport(1, "WT01", "WT02")
	r.SCADA = sampleSCADA("WT01", hostile)
	_, page := writeHTML(t, r)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dom, err := DumpDOM(ctx, page)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(dom))
	if err != nil {
		t.Fatal(err)
	}
	checkSCADASection(t, doc, r.SCADA)
	if v, ok := attr(findAll(doc, byTag("body"))[0], "data-pwned"); ok {
		t.Fatalf("a script from a hostile name ran (data-pwned=%s)", v)
	}
}

// TestSCADASummary: a turbine marked Summary gets no residual trends and
// says why; its fitted curve and tables stay.
func TestSCADASummary(t *testing.T) {
	r := sampleReport(1, "WT01", "WT02")
	r.SCADA = sampleSCADA("WT01", "WT02")
	full, _ := writeHTML(t, r)
	st := &r.SCADA.Turbines[1]
	st.Curve.WindMS, st.Curve.PowerKW, st.Curve.Flagged = nil, nil, nil
	for i := range st.Models {
		st.Models[i].Times, st.Models[i].Values = nil, nil
	}
	st.Summary = true
	b, _ := writeHTML(t, r)
	doc := parseHTML(t, b)
	sec := findAll(doc, byID(scadaAnchor("WT02")))
	if len(sec) != 1 {
		t.Fatalf("%d sections for WT02", len(sec))
	}
	if n := len(findAll(sec[0], func(n *html.Node) bool { return hasClass(n, "trend") })); n != 0 {
		t.Errorf("%d residual trends drawn for a summary turbine", n)
	}
	if n := len(findAll(sec[0], func(n *html.Node) bool { return hasClass(n, "scada-models") })); n != 1 {
		t.Errorf("%d model tables for a summary turbine, want 1", n)
	}
	if !bytes.Contains(b, []byte("drawn for turbines with events only")) || len(b) >= len(full) {
		t.Errorf("summary not said, or the page did not shrink (%d vs %d bytes)", len(b), len(full))
	}
}
