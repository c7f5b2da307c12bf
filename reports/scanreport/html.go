package scanreport

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/windpm/windpm/reports/atomicfile"
)

//go:embed report.html.tmpl
var htmlSource string

//go:embed scada.html.tmpl
var scadaHTMLSource string

// htmlTemplate is parsed once; html/template escapes every string from
// the Report by the context it lands in (text, attribute, URL).
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"sev":       severityClass,
	"when":      formatTime,
	"iso":       isoTime,
	"num":       formatNum,
	"signed":    formatSigned,
	"z":         formatOneDecimal,
	"dB":        formatOneDecimal,
	"anchor":    AnchorID,
	"upper":     strings.ToUpper,
	"plural":    plural,
	"nonempty":  orDash,
	"subtract":  func(a, b float64) float64 { return a - b },
	"breakable": breakable,
	"signals":   eventSignals,
}).Parse(htmlSource + scadaHTMLSource))

// WriteHTML writes r as one self-contained HTML page to path, atomically:
// no script, no external file (the figures are inline SVG drawn with
// gonum/plot), printable. A figure that cannot be drawn (an empty or
// malformed spectrum) shows as a note in its place; an inconsistent
// Report (unknown severity, repeated alarm ID, dangling link) is an error
// and nothing is written.
func WriteHTML(path string, r *Report) error {
	if err := r.check(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error { return EncodeHTML(w, r) })
}

// EncodeHTML writes r to w as WriteHTML writes it to a file.
func EncodeHTML(w io.Writer, r *Report) error {
	if err := r.check(); err != nil {
		return err
	}
	return htmlTemplate.Execute(w, newHTMLView(r))
}

// htmlView is the Report with its figures drawn, as the template sees it.
type htmlView struct {
	*Report
	Counts     SeverityCounts
	Worst      string
	OpenAlarms int
	Alarms     []alarmView
	SCADAView  *scadaView
	opened     map[string]time.Time
}

// AlarmLinkText is the text of a fleet row's link to its open alarm:
// "since" and the day it opened (the ID is the link's title), or the ID if
// the alarm has no opening time.
func (v *htmlView) AlarmLinkText(id string) string {
	if t, ok := v.opened[id]; ok && !t.IsZero() {
		return "since " + t.UTC().Format("2006-01-02")
	}
	return id
}

type alarmView struct {
	*Alarm
	Anchor   string
	Trends   []figureView
	Spectrum *figureView
	Envelope *figureView
}

// figureView is one drawn figure: the SVG element, or the reason there is
// none.
type figureView struct {
	Name string
	SVG  template.HTML
	Note string
}

func newHTMLView(r *Report) *htmlView {
	v := &htmlView{Report: r, Counts: r.SeverityCounts(), Worst: r.WorstSeverity(), OpenAlarms: r.OpenAlarms(),
		opened: make(map[string]time.Time, len(r.Alarms))}
	for i := range r.Alarms {
		a := &r.Alarms[i]
		v.opened[a.ID] = a.Opened
		av := alarmView{Alarm: a, Anchor: AnchorID(a.ID)}
		for _, t := range a.Trends {
			name := t.Indicator
			if t.Unit != "" {
				name += " (" + t.Unit + ")"
			}
			av.Trends = append(av.Trends, drawn(name, func() (string, error) { return trendSVG(t) }))
		}
		if a.Spectrum != nil {
			f := drawn("spectrum", func() (string, error) { return spectrumSVG(a.Spectrum) })
			av.Spectrum = &f
		}
		if a.Envelope != nil {
			f := drawn("envelope spectrum", func() (string, error) { return spectrumSVG(a.Envelope) })
			av.Envelope = &f
		}
		v.Alarms = append(v.Alarms, av)
	}
	v.SCADAView = newSCADAView(r.SCADA)
	return v
}

func drawn(name string, draw func() (string, error)) figureView {
	svg, err := draw()
	switch {
	case err != nil:
		return figureView{Name: name, Note: "could not be drawn: " + err.Error()}
	case svg == "":
		return figureView{Name: name, Note: "no data to draw"}
	}
	// The SVG comes from gonum/plot, which escapes every text it draws
	// (see inlineSVG); it is the only unescaped content of the page.
	return figureView{Name: name, SVG: template.HTML(svg)}
}

// severityClass maps a severity to its CSS class; anything else gets the
// neutral "sev-unknown" so that a caller's string never becomes a class.
func severityClass(s string) string {
	if _, ok := SeverityRank(s); ok {
		return "sev-" + s
	}
	return "sev-unknown"
}

// formatTime writes a time for people: UTC to the minute, "—" for zero.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// isoTime writes a time for machines (the datetime attribute): RFC 3339
// UTC.
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// formatNum writes a measured value with four significant digits, "—"
// for NaN.
func formatNum(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	if math.IsInf(v, 0) {
		if v > 0 {
			return "∞"
		}
		return "−∞"
	}
	if v == 0 {
		return "0"
	}
	if a := math.Abs(v); a >= 1e-3 && a < 1e6 {
		// Fixed notation with four significant digits, trailing zeros kept
		// off so that 2.10 reads 2.1.
		digits := max(0, 3-int(math.Floor(math.Log10(a))))
		return strings.ReplaceAll(trimZeros(strconv.FormatFloat(v, 'f', digits, 64)), "-", "−")
	}
	return strings.ReplaceAll(strconv.FormatFloat(v, 'g', 4, 64), "-", "−")
}

// formatSigned is formatNum with an explicit sign, for changes.
func formatSigned(v float64) string {
	s := formatNum(v)
	if v > 0 && !math.IsInf(v, 0) {
		return "+" + s
	}
	return s
}

// formatOneDecimal writes a robust z or a level in dB to one decimal, "—"
// for NaN.
func formatOneDecimal(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return formatNum(v)
	}
	return strings.ReplaceAll(strconv.FormatFloat(v, 'f', 1, 64), "-", "−")
}

func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// breakable escapes s for HTML text and lets the browser break the line
// after each underscore (<wbr>), so that a long snake_case indicator name
// wraps at its words in a narrow column instead of widening it.
func breakable(s string) template.HTML {
	parts := strings.Split(s, "_")
	for i, p := range parts {
		parts[i] = template.HTMLEscapeString(p)
	}
	return template.HTML(strings.Join(parts, "_<wbr>"))
}

// plural writes n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
