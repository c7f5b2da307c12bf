package scanreport

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/windpm/windpm/reports/atomicfile"
)

// WriteMarkdown writes r as GitHub-flavoured Markdown to path (report.md),
// atomically: the content of the HTML report without the figures. Every
// string of the Report is escaped (mdText), so that a file name cannot
// break a table or inject HTML. An inconsistent Report is an error and
// nothing is written.
func WriteMarkdown(path string, r *Report) error {
	if err := r.check(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error { return EncodeMarkdown(w, r) })
}

// EncodeMarkdown writes r to w as WriteMarkdown writes it to a file.
func EncodeMarkdown(w io.Writer, r *Report) error {
	if err := r.check(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	writeMarkdown(bw, r)
	return bw.Flush()
}

func writeMarkdown(w *bufio.Writer, r *Report) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	title := r.Title
	if title == "" {
		title = "windpm scan"
	}
	p("# %s\n\n", mdText(title))
	p("**Worst state: %s** — %s, %s in this report.\n\n", strings.ToUpper(r.WorstSeverity()), plural(r.OpenAlarms(), "open alarm"), plural(len(r.Alarms), "alarm"))
	n := r.SeverityCounts()
	p("| | |\n|---|---|\n")
	p("| Generated | %s |\n", mdTime(r.Generated))
	p("| Fleet | %s |\n", mdText(orDash(r.Fleet)))
	p("| Output | %s |\n", mdText(orDash(r.Out)))
	p("| windpm version | %s |\n", mdText(orDash(r.Version)))
	p("| Captures | %d in the tables, %d new in this run |\n", r.Captures, r.NewCaptures)
	p("| Components | %d: %d ok, %d watch, %d warning, %d alarm |\n", len(r.Components), n.OK, n.Watch, n.Warning, n.Alarm)
	p("| Failed files | %s |\n\n", map[bool]string{true: fmt.Sprint(len(r.Failed)), false: "none"}[len(r.Failed) > 0])

	for _, note := range r.Notes {
		p("- %s\n", mdText(note))
	}
	if len(r.Notes) > 0 {
		p("\n")
	}

	if len(r.Failed) > 0 {
		p("## Failed files (%d)\n\n| File | Error |\n|---|---|\n", len(r.Failed))
		for _, f := range r.Failed {
			p("| %s | %s |\n", mdText(f.Path), mdText(f.Error))
		}
		p("\n")
	}

	p("## Fleet\n\n")
	if len(r.Components) == 0 {
		p("No components were scanned.\n\n")
	} else {
		p("| Turbine | Component | Sensor | State | Last capture | Captures | Class | Zone | Max \\|z\\| | Alarm |\n")
		p("|---|---|---|---|---|---:|---|---|---:|---|\n")
		for _, c := range r.Components {
			maxZ := formatOneDecimal(c.MaxZ)
			if c.MaxZIndicator != "" {
				maxZ += " " + mdText(c.MaxZIndicator)
			}
			alarm := "—"
			if c.AlarmID != "" {
				alarm = fmt.Sprintf("[%s](#%s)", mdText(c.AlarmID), AnchorID(c.AlarmID))
			}
			p("| %s | %s | %s | %s | %s | %d | %s | %s | %s | %s |\n",
				mdText(c.Turbine), mdText(c.Component), mdText(c.Sensor), mdSeverity(c.Severity), mdTime(c.LastCapture),
				c.Captures, mdText(orDash(c.Class)), mdText(orDash(c.Zone)), maxZ, alarm)
		}
		p("\n")
	}

	p("## Alarms\n\n")
	if len(r.Alarms) == 0 {
		p("No alarms: every component is within its baseline.\n\n")
	}
	for i := range r.Alarms {
		a := &r.Alarms[i]
		// AnchorID is letters, digits, '-' and '_' only: safe as raw HTML.
		p("<a id=\"%s\"></a>\n\n", AnchorID(a.ID))
		sensor := ""
		if a.Sensor != "" {
			sensor = " (" + mdText(a.Sensor) + ")"
		}
		p("### %s: %s · %s%s · %s\n\n", strings.ToUpper(a.Severity), mdText(a.Turbine), mdText(a.Component), sensor, mdText(a.ID))
		if a.Summary != "" {
			p("**Summary:** %s\n\n", mdText(a.Summary))
		}
		closed := "still open"
		if !a.Open() {
			closed = mdTime(a.Closed)
		}
		p("- Opened: %s\n- Closed: %s\n", mdTime(a.Opened), closed)
		p("- Peak severity: %s; current severity: %s\n", mdText(a.Severity), mdText(a.CurrentSeverity))
		p("- Operating class: %s; ISO 20816-21 zone: %s\n", mdText(orDash(a.Class)), mdText(orDash(a.Zone)))
		p("- Diagnosis: %s\n", mdText(orDash(a.Diagnosis)))
		if len(a.History) > 0 {
			steps := make([]string, len(a.History))
			for j, h := range a.History {
				steps[j] = mdTime(h.Time) + " " + mdText(h.Severity)
			}
			p("- History: %s\n", strings.Join(steps, " → "))
		}
		p("\n")
		if len(a.Indicators) > 0 {
			p("| Indicator | Unit | Baseline | Value | Change | z |\n|---|---|---:|---:|---:|---:|\n")
			for _, x := range a.Indicators {
				p("| %s | %s | %s | %s | %s | %s |\n", mdText(x.Name), mdText(x.Unit), formatNum(x.Baseline), formatNum(x.Value), formatSigned(x.Value-x.Baseline), formatOneDecimal(x.Z))
			}
			p("\n")
		}
		if len(a.Lines) > 0 {
			p("| Line | Frequency (Hz) | Level (dB) |\n|---|---:|---:|\n")
			for _, l := range a.Lines {
				p("| %s | %s | %s |\n", mdText(l.Label), formatNum(l.FreqHz), formatOneDecimal(l.DB))
			}
			p("\n")
		}
		var figs []string
		for _, t := range a.Trends {
			figs = append(figs, "trend of "+mdText(t.Indicator))
		}
		if a.Spectrum != nil {
			figs = append(figs, "spectrum")
		}
		if a.Envelope != nil {
			figs = append(figs, "envelope spectrum")
		}
		if len(figs) > 0 {
			p("Figures in the HTML report: %s.\n\n", strings.Join(figs, ", "))
		}
	}

	writeSCADAMarkdown(p, r.SCADA)
	if len(r.Settings) > 0 {
		p("## Settings\n\n| Setting | Value |\n|---|---|\n")
		for _, s := range r.Settings {
			p("| %s | %s |\n", mdText(s.Name), mdText(s.Value))
		}
		p("\n")
	}
	p("## How to read this report\n\n")
	p("- **States**: each component is compared with its own healthy history. ok: within its normal spread; watch: an indicator moved beyond the first threshold and stayed there; warning: a clear, persistent change (plan an inspection); alarm: a large, persistent change, usually with a fault signature in the spectrum (act).\n")
	p("- **Robust z**: (value − baseline median) / spread, both from the reference period of the same turbine, sensor and operating class; the spread is 1.4826 × the median absolute deviation (with a floor per indicator), so |z| reads like a number of standard deviations but is not inflated by outliers (Rousseeuw & Croux 1993).\n")
	p("- **Persistence**: a state is raised when k of the last n captures exceed its threshold; it escalates only when the state rises and closes when the component stays clear (k, n and the thresholds are in Settings).\n")
	p("- **Spectral lines**: peaks at kinematic frequencies — BPFO outer race, BPFI inner race, BSF rolling element, FTF cage, GMF gear mesh, 1× shaft; ×2 is a harmonic, GMF −1× a sideband; level in dB above the local noise floor.\n")
	p("- **Zones**: ISO 20816-21 zones of the vibration velocity: A/B acceptable, C not for long-term operation, D damage possible.\n")
}

// mdText escapes s for GitHub-flavoured Markdown text and table cells:
// backslash escapes for the characters that start emphasis, links, code,
// headings or cells (the pipe), HTML entities for <, > and &, and line
// breaks folded to spaces so that a cell stays on its row.
func mdText(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		case '\\', '`', '*', '_', '[', ']', '|', '#', '!', '~':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func mdTime(t time.Time) string { return formatTime(t) }

// mdSeverity writes a severity, in bold from warning up.
func mdSeverity(s string) string {
	if rk, _ := SeverityRank(s); rk >= 2 {
		return "**" + s + "**"
	}
	return mdText(s)
}
