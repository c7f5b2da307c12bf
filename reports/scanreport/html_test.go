package scanreport

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// parseHTML parses an HTML document; the tests look at the tree the way
// a browser would build it, not at the bytes.
func parseHTML(t *testing.T, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasClass(n *html.Node, class string) bool {
	v, _ := attr(n, "class")
	for _, c := range strings.Fields(v) {
		if c == class {
			return true
		}
	}
	return false
}

// findAll returns the elements under n (n included) for which match is
// true, in document order.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func byTag(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

func byID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { v, ok := attr(n, "id"); return ok && v == id }
}

// text is the text content of n.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func writeHTML(t *testing.T, r *Report) ([]byte, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.html")
	if err := WriteHTML(path, r); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b, path
}

// checkStructure checks the parts of a report page against r: the fleet
// table row by row, each alarm's section with its figures and tables,
// every link target, and that nothing can run or load.
func checkStructure(t *testing.T, doc *html.Node, r *Report) {
	t.Helper()
	fleet := findAll(doc, func(n *html.Node) bool { return n.Data == "table" && hasClass(n, "fleet") })
	if len(r.Components) > 0 && len(fleet) != 1 {
		t.Fatalf("%d fleet tables, want 1", len(fleet))
	}
	if len(fleet) == 1 {
		rows := findAll(findAll(fleet[0], byTag("tbody"))[0], byTag("tr"))
		if len(rows) != len(r.Components) {
			t.Fatalf("fleet table: %d rows, want %d", len(rows), len(r.Components))
		}
		for i, row := range rows {
			c := r.Components[i]
			if !hasClass(row, "sev-"+c.Severity) {
				v, _ := attr(row, "class")
				t.Errorf("fleet row %d: class %q, want sev-%s", i, v, c.Severity)
			}
			cells := findAll(row, byTag("td"))
			if len(cells) != 10 {
				t.Fatalf("fleet row %d: %d cells, want 10", i, len(cells))
			}
			if got := text(cells[0]); got != c.Turbine {
				t.Errorf("fleet row %d: turbine %q, want %q", i, got, c.Turbine)
			}
			links := findAll(cells[9], byTag("a"))
			if (c.AlarmID != "") != (len(links) == 1) {
				t.Errorf("fleet row %d: %d links for alarm %q", i, len(links), c.AlarmID)
			}
			if len(links) == 1 {
				href, _ := attr(links[0], "href")
				if href != "#"+AnchorID(c.AlarmID) {
					t.Errorf("fleet row %d: link %q, want #%s", i, href, AnchorID(c.AlarmID))
				}
			}
		}
	}
	sections := findAll(doc, func(n *html.Node) bool { return n.Data == "section" && hasClass(n, "alarm") })
	if len(sections) != len(r.Alarms) {
		t.Fatalf("%d alarm sections, want %d", len(sections), len(r.Alarms))
	}
	for i, s := range sections {
		a := &r.Alarms[i]
		if id, _ := attr(s, "id"); id != AnchorID(a.ID) {
			t.Errorf("alarm %d: id %q, want %q", i, id, AnchorID(a.ID))
		}
		if !hasClass(s, "sev-"+a.Severity) {
			t.Errorf("alarm %d: no class sev-%s", i, a.Severity)
		}
		badge := findAll(s, func(n *html.Node) bool { return hasClass(n, "badge") })
		if len(badge) == 0 || text(badge[0]) != a.Severity {
			t.Errorf("alarm %d: no badge %q first", i, a.Severity)
		}
		drawable := 0
		for _, tr := range a.Trends {
			for _, v := range tr.Values {
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					drawable++
					break
				}
			}
		}
		for _, sp := range []*Spectrum{a.Spectrum, a.Envelope} {
			if sp != nil && len(sp.FreqHz) > 0 && len(sp.FreqHz) == len(sp.Amplitude) {
				drawable++
			}
		}
		if n := len(findAll(s, byTag("svg"))); n != drawable {
			t.Errorf("alarm %d: %d svg figures, want %d", i, n, drawable)
		}
		for _, want := range []struct {
			class string
			rows  int
		}{{"indicators", len(a.Indicators)}, {"lines", len(a.Lines)}} {
			tabs := findAll(s, func(n *html.Node) bool { return n.Data == "table" && hasClass(n, want.class) })
			switch {
			case want.rows == 0 && len(tabs) != 0:
				t.Errorf("alarm %d: a %s table with no %s", i, want.class, want.class)
			case want.rows > 0 && len(tabs) != 1:
				t.Errorf("alarm %d: %d %s tables, want 1", i, len(tabs), want.class)
			case want.rows > 0:
				if n := len(findAll(findAll(tabs[0], byTag("tbody"))[0], byTag("tr"))); n != want.rows {
					t.Errorf("alarm %d: %d %s rows, want %d", i, n, want.class, want.rows)
				}
			}
		}
	}
	for _, id := range []string{"fleet", "alarms", "settings", "how-to-read"} {
		if len(findAll(doc, byID(id))) != 1 {
			t.Errorf("no single element with id %q", id)
		}
	}
	ids := map[string]bool{}
	for _, n := range findAll(doc, func(n *html.Node) bool { _, ok := attr(n, "id"); return ok }) {
		id, _ := attr(n, "id")
		if ids[id] {
			t.Errorf("id %q used twice", id)
		}
		ids[id] = true
	}
	// Every fragment link lands; nothing is loaded from outside; no script.
	for _, a := range findAll(doc, func(n *html.Node) bool { _, ok := attr(n, "href"); return ok }) {
		href, _ := attr(a, "href")
		if !strings.HasPrefix(href, "#") {
			t.Errorf("link to %q leaves the page", href)
		} else if len(findAll(doc, byID(href[1:]))) != 1 {
			t.Errorf("link %q has no single target", href)
		}
	}
	for _, n := range findAll(doc, func(n *html.Node) bool { _, ok := attr(n, "src"); return ok }) {
		t.Errorf("<%s> loads %v", n.Data, n.Attr)
	}
	for _, tag := range []string{"script", "link", "iframe", "object", "embed", "img"} {
		if n := len(findAll(doc, byTag(tag))); n != 0 {
			t.Errorf("%d <%s> elements", n, tag)
		}
	}
	for _, n := range findAll(doc, func(*html.Node) bool { return true }) {
		for _, a := range n.Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Errorf("<%s> has an event handler %s=%q", n.Data, a.Key, a.Val)
			}
		}
	}
}

func TestWriteHTMLSeveralAlarms(t *testing.T) {
	r := sampleReport(5)
	b, _ := writeHTML(t, r)
	doc := parseHTML(t, b)
	checkStructure(t, doc, r)
	// Header facts.
	head := text(findAll(doc, byTag("header"))[0])
	for _, want := range []string{r.Title, "2025-04-30 03:15 UTC", r.Fleet, r.Out, r.Version, "1080 in the tables, 18 new in this run", "Worst state: ALARM — 3 open alarms, 5 alarms"} {
		if !strings.Contains(head, want) {
			t.Errorf("header lacks %q:\n%s", want, head)
		}
	}
	failed := findAll(doc, byID("failed"))
	if len(failed) != 1 || !strings.Contains(text(failed[0]), "wav: truncated data chunk") {
		t.Error("no failed-files section naming the error")
	}
	// The first alarm's evidence, as the page prints it.
	s := findAll(doc, byID(AnchorID(r.Alarms[0].ID)))[0]
	rows := findAll(findAll(s, func(n *html.Node) bool { return hasClass(n, "indicators") })[0], byTag("tr"))
	var cells []string
	for _, td := range findAll(rows[1], byTag("td")) {
		cells = append(cells, text(td))
	}
	if got := strings.Join(cells, " "); got != "bpfo_db dB 3.2 24.6 +21.4 14.2" {
		t.Errorf("first indicator row reads %q", got)
	}
	if !strings.Contains(text(s), "still open") || !strings.Contains(text(findAll(doc, byID(AnchorID(r.Alarms[1].ID)))[0]), "2025-04-13 02:00 UTC") {
		t.Error("open/closed state not shown")
	}
	// The trend figure draws its title, the thresholds dashed in their
	// severity colours, and the legend above the trends names them.
	svg := findAll(s, byTag("svg"))[0]
	if !strings.Contains(text(svg), "bpfo_db") {
		t.Error("first trend figure lacks its title")
	}
	var svgText bytes.Buffer
	if err := html.Render(&svgText, svg); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"#C9A000", "#EF6C00", "#C62828", "#6E6E6E", "#1F77B4"} {
		if !strings.Contains(svgText.String(), "stroke:"+c) {
			t.Errorf("first trend figure has no line in %s", c)
		}
	}
	legend := findAll(s, func(n *html.Node) bool { return hasClass(n, "trend-legend") })
	if len(legend) != 1 || !strings.Contains(text(legend[0]), "end of reference period") {
		t.Error("no trend legend")
	}
	// Size: five alarms, each three trends and two 25,601-bin spectra.
	t.Logf("report with %d alarms: %d bytes", len(r.Alarms), len(b))
	if len(b) > 5<<20 {
		t.Errorf("report is %d bytes, over 5 MB", len(b))
	}
}

func TestWriteHTMLNoAlarms(t *testing.T) {
	r := sampleReport(0)
	r.Failed = nil
	b, _ := writeHTML(t, r)
	doc := parseHTML(t, b)
	checkStructure(t, doc, r)
	if !strings.Contains(text(doc), "No alarms") || !strings.Contains(text(doc), "Worst state: OK") {
		t.Error("a quiet fleet does not say so")
	}
	if len(findAll(doc, byID("failed"))) != 0 {
		t.Error("a failed-files section with no failures")
	}
	if len(findAll(doc, byTag("svg"))) != 0 {
		t.Error("figures in a report without alarms")
	}
	// An empty report renders too.
	b, _ = writeHTML(t, &Report{})
	checkStructure(t, parseHTML(t, b), &Report{})
}

func TestWriteHTMLEscapes(t *testing.T) {
	r := sampleReport(2, hostile, "Éolienne Nº7 & co")
	r.Title = hostile
	r.Fleet = hostile
	r.Notes = append(r.Notes, hostile)
	r.Settings = append(r.Settings, Setting{hostile, hostile})
	r.Failed = append(r.Failed, Failure{hostile, hostile})
	r.Alarms[0].ID = hostile
	r.Components[0].AlarmID = hostile
	r.Alarms[0].Summary = hostile
	r.Alarms[0].Diagnosis = hostile
	r.Alarms[0].Lines[0].Label = hostile
	r.Alarms[0].Indicators[0].Name = hostile
	r.Components[0].MaxZIndicator = hostile // written with <wbr> after each '_'
	r.Alarms[0].Trends[0].Indicator = hostile
	r.Alarms[0].Envelope.Title = hostile
	r.Alarms[0].Envelope.Markers[0].Label = hostile
	b, _ := writeHTML(t, r)
	for _, raw := range []string{"<script>", `<img src=x`, `onerror="document`} {
		if bytes.Contains(b, []byte(raw)) {
			t.Errorf("the page contains %q unescaped", raw)
		}
	}
	doc := parseHTML(t, b)
	checkStructure(t, doc, r) // no script, no handler, links land
	// Escaped, not mangled: the text a reader sees is the name as given.
	if got := text(findAll(doc, byTag("h1"))[0]); got != hostile {
		t.Errorf("title reads %q", got)
	}
	if got := text(findAll(doc, byTag("title"))[0]); got != hostile {
		t.Errorf("<title> reads %q", got)
	}
	cells := findAll(findAll(doc, func(n *html.Node) bool { return hasClass(n, "fleet") })[0], byTag("td"))
	if text(cells[0]) != hostile {
		t.Errorf("fleet cell reads %q", text(cells[0]))
	}
	if ind := findAll(cells[8], func(n *html.Node) bool { return hasClass(n, "ind") }); len(ind) != 1 || text(ind[0]) != hostile ||
		len(findAll(ind[0], byTag("wbr"))) != strings.Count(hostile, "_") {
		t.Errorf("max-z indicator cell reads %q", text(cells[8]))
	}
	if !strings.Contains(text(doc), "Éolienne Nº7 & co") {
		t.Error("the non-ASCII name is not shown as given")
	}
	// The hostile title inside a figure is text of the SVG, escaped by
	// gonum/plot.
	s := findAll(doc, byID(AnchorID(hostile)))
	if len(s) != 1 {
		t.Fatal("no section for the hostile alarm ID")
	}
	if !strings.Contains(text(findAll(s[0], byTag("svg"))[0]), hostile) {
		t.Error("the trend figure does not show its hostile title as text")
	}
}

func TestWriteHTMLEmptyFigures(t *testing.T) {
	r := sampleReport(1)
	a := &r.Alarms[0]
	nan := math.NaN()
	a.Trends = []Trend{
		{Indicator: "empty"},
		{Indicator: "all missing", Times: []time.Time{a.Opened, a.Opened.Add(time.Hour)}, Values: []float64{nan, nan}},
		{Indicator: "one point", Times: []time.Time{a.Opened}, Values: []float64{3}},
		{Indicator: "flat", Times: []time.Time{a.Opened, a.Opened.AddDate(0, 0, 1)}, Values: []float64{0, 0}, Baseline: nan},
	}
	a.Spectrum = &Spectrum{Title: "no bins"}
	a.Envelope = nil
	b, _ := writeHTML(t, r)
	doc := parseHTML(t, b)
	checkStructure(t, doc, r)
	s := findAll(doc, byID(AnchorID(a.ID)))[0]
	empty := findAll(s, func(n *html.Node) bool { return n.Data == "figure" && hasClass(n, "empty") })
	if len(empty) != 3 {
		t.Fatalf("%d empty figures, want 3 (two trends, one spectrum)", len(empty))
	}
	for i, want := range []string{"empty: no data to draw", "all missing: no data to draw", "spectrum: could not be drawn: spectrum plot needs equal, non-empty frequency and amplitude series"} {
		if got := text(empty[i]); got != want {
			t.Errorf("empty figure %d: %q, want %q", i, got, want)
		}
	}
	if n := len(findAll(s, func(n *html.Node) bool { return hasClass(n, "envelope") })); n != 0 {
		t.Error("a nil envelope spectrum has a figure")
	}
	// Alarms with nothing but their facts.
	r.Alarms[0] = Alarm{ID: a.ID, Turbine: "WT01", Component: "gearbox", Severity: "watch", CurrentSeverity: "watch"}
	b, _ = writeHTML(t, r)
	doc = parseHTML(t, b)
	checkStructure(t, doc, r)
	if !strings.Contains(text(doc), "No indicator evidence") {
		t.Error("an alarm without indicators does not say so")
	}
}

func TestCheckRejects(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Report)
		want string
	}{
		{"unknown severity", func(r *Report) { r.Components[1].Severity = "bad" }, `severity "bad" is not one of ok, watch, warning, alarm`},
		{"ok peak", func(r *Report) { r.Alarms[0].Severity = "ok" }, `peak severity "ok" is not watch, warning or alarm`},
		{"empty ID", func(r *Report) { r.Alarms[1].ID = "" }, "has no ID"},
		{"repeated ID", func(r *Report) { r.Alarms[1].ID = r.Alarms[0].ID }, "ID used twice"},
		{"dangling link", func(r *Report) { r.Components[1].AlarmID = "nope" }, `links to alarm "nope", which is not in the report`},
		{"trend lengths", func(r *Report) { r.Alarms[0].Trends[0].Values = r.Alarms[0].Trends[0].Values[1:] }, "has 60 times and 59 values"},
		{"threshold severity", func(r *Report) { r.Alarms[0].Trends[1].Thresholds[0].Severity = "red" }, `threshold severity "red"`},
		{"history severity", func(r *Report) { r.Alarms[0].History[0].Severity = "" }, `history severity ""`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := sampleReport(2)
			c.edit(r)
			dir := t.TempDir()
			for _, w := range []struct {
				file  string
				write func(string, *Report) error
			}{{"report.html", WriteHTML}, {"report.md", WriteMarkdown}, {"summary.json", WriteSummaryJSON}} {
				path := filepath.Join(dir, w.file)
				err := w.write(path, r)
				if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), path+": ") {
					t.Errorf("%s: err = %v, want %q naming the file", w.file, err, c.want)
				}
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Errorf("files left behind: %v", left)
			}
		})
	}
	if err := WriteHTML(filepath.Join(t.TempDir(), "x.html"), nil); err == nil {
		t.Error("nil report accepted")
	}
}

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	writers := []struct {
		file  string
		write func(string, *Report) error
	}{{"report.html", WriteHTML}, {"report.md", WriteMarkdown}, {"summary.json", WriteSummaryJSON}}
	for _, w := range writers {
		var first []byte
		for run := 0; run < 3; run++ {
			// A fresh Report each time: nothing may depend on pointers or
			// map order.
			path := filepath.Join(dir, w.file)
			if err := w.write(path, sampleReport(3, "WT02", hostile)); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if run == 0 {
				first = b
			} else if !bytes.Equal(b, first) {
				t.Errorf("%s: run %d differs from run 0", w.file, run)
			}
		}
	}
}

func TestAnchorID(t *testing.T) {
	ids := []string{"WT01-gbx_hss-1", "WT01-gbx hss-1", "WT01-gbx_20hss-1", "a/b", "a_2fb", "風", "", `"><script>`}
	seen := map[string]string{}
	for _, id := range ids {
		a := AnchorID(id)
		for _, c := range a {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				t.Errorf("AnchorID(%q) = %q has %q", id, a, c)
			}
		}
		if prev, ok := seen[a]; ok {
			t.Errorf("AnchorID(%q) = AnchorID(%q) = %q", id, prev, a)
		}
		seen[a] = id
	}
	if got := AnchorID("WT01-gbx_hss 1"); got != "alarm-WT01-gbx_5fhss_201" {
		t.Errorf("AnchorID = %q", got)
	}
}

func TestFormatNum(t *testing.T) {
	cases := []struct {
		v    float64
		want string
	}{
		{0, "0"}, {3.2, "3.2"}, {24.6, "24.6"}, {2.10, "2.1"}, {0.0012346, "0.001235"}, {1234.56, "1235"},
		{-21.4, "−21.4"}, {9.99996, "10"}, {1.5e-7, "1.5e−07"}, {2.5e9, "2.5e+09"}, {math.NaN(), "—"}, {math.Inf(-1), "−∞"},
	}
	for _, c := range cases {
		if got := formatNum(c.v); got != c.want {
			t.Errorf("formatNum(%g) = %q, want %q", c.v, got, c.want)
		}
	}
	if got := formatSigned(21.4); got != "+21.4" {
		t.Errorf("formatSigned(21.4) = %q", got)
	}
	if got := formatOneDecimal(-3.25); got != "−3.2" {
		t.Errorf("formatOneDecimal(-3.25) = %q", got)
	}
}

// BenchmarkWriteHTML writes the five-alarm sample report (three trends
// and two 25,601-bin spectra per alarm): the cost of the figures.
func BenchmarkWriteHTML(b *testing.B) {
	r := sampleReport(5)
	path := filepath.Join(b.TempDir(), "report.html")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHTML(path, r); err != nil {
			b.Fatal(err)
		}
	}
}
