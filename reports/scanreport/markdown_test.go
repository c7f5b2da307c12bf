package scanreport

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func writeMD(t *testing.T, r *Report) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.md")
	if err := WriteMarkdown(path, r); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cells splits a Markdown table row at its unescaped pipes.
func cells(row string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row):
			cur.WriteByte(row[i])
			cur.WriteByte(row[i+1])
			i++
		case row[i] == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	out = append(out, strings.TrimSpace(cur.String()))
	return out[1 : len(out)-1] // the text outside the outer pipes
}

// section returns the lines of md from the heading to the next heading of
// the same level.
func section(md, heading string) []string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		if l == heading {
			j := i + 1
			for j < len(lines) && !strings.HasPrefix(lines[j], "## ") {
				j++
			}
			return lines[i+1 : j]
		}
	}
	return nil
}

func tableRows(lines []string) [][]string {
	var rows [][]string
	for _, l := range lines {
		if strings.HasPrefix(l, "|") && !strings.HasPrefix(l, "|---") {
			rows = append(rows, cells(l))
		}
	}
	return rows
}

func TestWriteMarkdown(t *testing.T) {
	r := sampleReport(5)
	md := writeMD(t, r)
	fleet := tableRows(section(md, "## Fleet"))
	if len(fleet) != 1+len(r.Components) {
		t.Fatalf("fleet table has %d rows, want %d", len(fleet), 1+len(r.Components))
	}
	for i, row := range fleet {
		if len(row) != 10 {
			t.Errorf("fleet row %d has %d cells: %q", i, len(row), row)
		}
	}
	if got := strings.Join(fleet[1], " ; "); got != "WT01 ; gearbox ; gbx\\_hss ; **alarm** ; 2025-04-29 02:00 UTC ; 60 ; rpm 1400–1600 ; C ; 14.2 bpfo\\_db ; [WT01-gbx\\_hss-20250331](#alarm-WT01-gbx_5fhss-20250331)" {
		t.Errorf("first fleet row: %s", got)
	}
	alarms := section(md, "## Alarms")
	var heads []string
	for _, l := range alarms {
		if strings.HasPrefix(l, "### ") {
			heads = append(heads, l)
		}
	}
	if len(heads) != len(r.Alarms) {
		t.Fatalf("%d alarm headings, want %d", len(heads), len(r.Alarms))
	}
	for i, a := range r.Alarms {
		if !strings.Contains(md, `<a id="`+AnchorID(a.ID)+`"></a>`) {
			t.Errorf("alarm %d: no anchor %s", i, AnchorID(a.ID))
		}
		if !strings.HasPrefix(heads[i], "### "+strings.ToUpper(a.Severity)+": ") {
			t.Errorf("alarm %d heading %q", i, heads[i])
		}
	}
	ind := tableRows(alarms)
	if got := strings.Join(ind[1], " ; "); got != "bpfo\\_db ; dB ; 3.2 ; 24.6 ; +21.4 ; 14.2" {
		t.Errorf("first indicator row: %s", got)
	}
	for _, want := range []string{"- Closed: still open", "- Closed: 2025-04-13 02:00 UTC", "- History: 2025-03-31 02:00 UTC watch → 2025-04-03 02:00 UTC alarm",
		"| BPFO ×2 | 180.6 | 22.0 |", "Figures in the HTML report: trend of bpfo\\_db", "## How to read this report", "| persistence | 3 of the last 5 captures |",
		"| WT03/gbx\\_hss/20250429T020000Z.wav | wav: truncated data chunk |"} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
}

func TestWriteMarkdownEscapes(t *testing.T) {
	r := sampleReport(1, hostile, "Éolienne Nº7")
	r.Title = hostile
	r.Alarms[0].Summary = "line one\nline two | three"
	r.Alarms[0].Lines[0].Label = hostile
	md := writeMD(t, r)
	// Outside the anchors windpm writes itself, no raw HTML tag.
	stripped := regexp.MustCompile(`<a id="alarm-[A-Za-z0-9_-]*"></a>`).ReplaceAllString(md, "")
	if strings.ContainsAny(stripped, "<>") {
		i := strings.IndexAny(stripped, "<>")
		t.Errorf("raw < or > in report.md: …%s…", stripped[max(0, i-40):min(len(stripped), i+40)])
	}
	if !strings.HasPrefix(md, "# WT&lt;script&gt;document.body.setAttribute(\"data-pwned\"") {
		t.Errorf("title line: %.80s", md)
	}
	fleet := tableRows(section(md, "## Fleet"))
	for i, row := range fleet {
		if len(row) != 10 {
			t.Errorf("fleet row %d has %d cells (a name broke the table): %q", i, len(row), row)
		}
	}
	if !strings.Contains(md, "| Éolienne Nº7 |") {
		t.Error("non-ASCII name not written as given")
	}
	if !strings.Contains(md, "**Summary:** line one line two \\| three") {
		t.Error("a line break or pipe in the summary was not folded/escaped")
	}
	for _, row := range tableRows(section(md, "## Alarms")) {
		if len(row) != 6 && len(row) != 3 {
			t.Errorf("alarm table row with %d cells: %q", len(row), row)
		}
	}
}

func TestWriteMarkdownNoAlarms(t *testing.T) {
	md := writeMD(t, sampleReport(0))
	if !strings.Contains(md, "No alarms: every component is within its baseline.") || !strings.Contains(md, "**Worst state: OK**") {
		t.Errorf("a quiet fleet does not say so:\n%s", md)
	}
	md = writeMD(t, &Report{})
	if !strings.HasPrefix(md, "# windpm scan\n") || !strings.Contains(md, "No components were scanned.") {
		t.Errorf("empty report:\n%s", md)
	}
}

func TestMdText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"gbx_hss", `gbx\_hss`},
		{"a|b", `a\|b`},
		{"<b>&", "&lt;b&gt;&amp;"},
		{"*x* [l](u) `c` \\", "\\*x\\* \\[l\\](u) \\`c\\` \\\\"},
		{"a\r\nb", "a  b"},
		{"Nº7 — 風", "Nº7 — 風"},
	} {
		if got := mdText(c.in); got != c.want {
			t.Errorf("mdText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
