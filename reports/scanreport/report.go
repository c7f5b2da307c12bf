package scanreport

import (
	"fmt"
	"strings"
	"time"
)

// Report is everything the report files show; the scan fills it.
type Report struct {
	Title     string    // e.g. "windpm scan — fleet"
	Generated time.Time // when the scan ran
	Fleet     string    // the --fleet folder as given
	Out       string    // the --out folder as given
	Version   string    // windpm version
	// Settings are shown in the "Settings" box: reference period,
	// persistence k of n, thresholds, … in the caller's order.
	Settings    []Setting
	Captures    int // captures in the tables after this run
	NewCaptures int // captures processed in this run
	Failed      []Failure
	// Components has one entry per turbine × component (sensor): the
	// fleet table, in the caller's order.
	Components []Component
	// Alarms are open first, then closed, newest first (the caller
	// sorts).
	Alarms []Alarm
	// Notes are free text lines ("no SCADA given: operating classes from
	// rpm").
	Notes []string
	// SCADA is the SCADA section (power curves, temperature residuals,
	// events); nil when the scan was given no SCADA.
	SCADA *SCADA
}

// Setting is one named scan setting shown in the Settings box.
type Setting struct{ Name, Value string }

// Failure is one input file the scan could not process, with the reason.
type Failure struct{ Path, Error string }

// Component is one row of the fleet table: a turbine × component (sensor)
// and the state of its last capture.
type Component struct {
	Turbine, Component, Sensor string
	// Severity is the current alarm state: ok, watch, warning or alarm.
	Severity    string
	LastCapture time.Time
	Captures    int
	// Class is the operating class of the last capture.
	Class string
	// Zone is the ISO 20816-21 zone of the last capture ("A/B", "C",
	// "D", "" unknown).
	Zone string
	// MaxZ is the largest robust z of the last capture and MaxZIndicator
	// the indicator it belongs to.
	MaxZ          float64
	MaxZIndicator string
	// AlarmID is the ID of the open alarm on the component ("" if none);
	// it must be the ID of an alarm in Report.Alarms.
	AlarmID string
}

// Alarm is one alarm with its history and evidence.
type Alarm struct {
	// ID is unique in the report; any string (it is encoded into an HTML
	// anchor by AnchorID).
	ID                         string
	Turbine, Component, Sensor string
	// Severity is the peak severity: watch, warning or alarm.
	Severity string
	// CurrentSeverity is the severity now: ok (cleared), watch, warning
	// or alarm.
	CurrentSeverity string
	// Opened is when the alarm was raised; Closed zero means still open.
	Opened, Closed time.Time
	// History lists the severity changes (escalations, closing) in time
	// order.
	History     []Change
	Class, Zone string
	// Diagnosis is the physics diagnosis, e.g. "outer race (BPFO)", or "".
	Diagnosis string
	// Summary is one line, e.g. "bpfo_db +21.4 dB (z 14.2), kurtosis
	// 2.1→9.8 (z 11.0)".
	Summary string
	// Indicators are the indicators that moved, largest |z| first.
	Indicators []Indicator
	// Lines are the spectral lines found, with their kinematic labels.
	Lines []Line
	// Trends are drawn as one small plot each, usually for the top 2–4
	// indicators.
	Trends []Trend
	// Spectrum and Envelope are the spectrum and envelope spectrum of the
	// capture that raised or peaked the alarm; either may be nil.
	Spectrum *Spectrum
	Envelope *Spectrum
}

// Open reports whether the alarm is still open (Closed is zero).
func (a *Alarm) Open() bool { return a.Closed.IsZero() }

// Change is one severity change of an alarm: an escalation, or the
// closing (Severity ok).
type Change struct {
	Time     time.Time
	Severity string
}

// Indicator is one indicator of an alarm's evidence: its baseline (median
// of the reference period), the value of the alarming capture and the
// robust z between them.
type Indicator struct {
	Name, Unit         string
	Baseline, Value, Z float64
}

// Line is one spectral line found in the alarming capture, with its
// kinematic label ("BPFO ×2", "GMF −1×").
type Line struct {
	Label  string
	FreqHz float64
	DB     float64
}

// Trend is the history of one indicator, drawn as a small plot with its
// baseline, thresholds and markers.
type Trend struct {
	Indicator, Unit string
	// Times are the capture times; the line joins them in time order.
	Times []time.Time
	// Values has one entry per time; NaN is a missing point (a gap in the
	// line).
	Values []float64
	// Baseline is the baseline median, drawn as a horizontal line.
	Baseline float64
	// Thresholds are drawn as horizontal dashed lines coloured by
	// severity.
	Thresholds []Threshold
	// ReferenceEnd is the end of the baseline reference period (a
	// vertical line); zero means none.
	ReferenceEnd time.Time
	// Opened is when the alarm opened (a vertical marker); zero means
	// none.
	Opened time.Time
}

// Threshold is the value of an indicator at which a severity is reached.
type Threshold struct {
	Severity string
	Value    float64
}

// Spectrum is a spectrum or envelope spectrum figure with fault-frequency
// markers.
type Spectrum struct {
	Title             string
	FreqHz, Amplitude []float64
	// YLabel names the amplitude axis with its unit.
	YLabel string
	// MinHz and MaxHz are the view window; 0 means the full spectrum.
	MinHz, MaxHz float64
	// Markers are the fault frequencies drawn as dashed vertical lines.
	Markers []Marker
}

// Marker is a labelled fault frequency on a spectrum.
type Marker struct {
	Label  string
	FreqHz float64
}

// Severities lists the severities from least to most severe.
var Severities = []string{"ok", "watch", "warning", "alarm"}

// SeverityRank returns the position of s in Severities (ok 0 … alarm 3)
// and false if s is not a severity.
func SeverityRank(s string) (int, bool) {
	for i, v := range Severities {
		if s == v {
			return i, true
		}
	}
	return 0, false
}

// check returns the first inconsistency of r that would make a report
// wrong or its links dangle: an unknown severity, an empty or repeated
// alarm ID, a component linked to an alarm that is not in the report, a
// trend whose times and values differ in length.
func (r *Report) check() error {
	if r == nil {
		return fmt.Errorf("scan report: no report")
	}
	ids := make(map[string]bool, len(r.Alarms))
	for i := range r.Alarms {
		a := &r.Alarms[i]
		name := fmt.Sprintf("alarm %q (%s/%s)", a.ID, a.Turbine, a.Component)
		if a.ID == "" {
			return fmt.Errorf("scan report: alarm %d (%s/%s) has no ID", i+1, a.Turbine, a.Component)
		}
		if ids[a.ID] {
			return fmt.Errorf("scan report: %s: ID used twice", name)
		}
		ids[a.ID] = true
		if rk, ok := SeverityRank(a.Severity); !ok || rk == 0 {
			return fmt.Errorf("scan report: %s: peak severity %q is not watch, warning or alarm", name, a.Severity)
		}
		if _, ok := SeverityRank(a.CurrentSeverity); !ok {
			return fmt.Errorf("scan report: %s: current severity %q is not one of %s", name, a.CurrentSeverity, strings.Join(Severities, ", "))
		}
		for _, c := range a.History {
			if _, ok := SeverityRank(c.Severity); !ok {
				return fmt.Errorf("scan report: %s: history severity %q is not one of %s", name, c.Severity, strings.Join(Severities, ", "))
			}
		}
		for _, t := range a.Trends {
			if len(t.Times) != len(t.Values) {
				return fmt.Errorf("scan report: %s: trend %q has %d times and %d values", name, t.Indicator, len(t.Times), len(t.Values))
			}
			for _, th := range t.Thresholds {
				if _, ok := SeverityRank(th.Severity); !ok {
					return fmt.Errorf("scan report: %s: trend %q: threshold severity %q is not one of %s", name, t.Indicator, th.Severity, strings.Join(Severities, ", "))
				}
			}
		}
	}
	if err := checkSCADA(r.SCADA); err != nil {
		return err
	}
	for _, c := range r.Components {
		if _, ok := SeverityRank(c.Severity); !ok {
			return fmt.Errorf("scan report: component %s/%s: severity %q is not one of %s", c.Turbine, c.Component, c.Severity, strings.Join(Severities, ", "))
		}
		if c.AlarmID != "" && !ids[c.AlarmID] {
			return fmt.Errorf("scan report: component %s/%s links to alarm %q, which is not in the report", c.Turbine, c.Component, c.AlarmID)
		}
	}
	return nil
}

// SeverityCounts counts the components of r per current severity.
func (r *Report) SeverityCounts() SeverityCounts {
	var n SeverityCounts
	for _, c := range r.Components {
		switch c.Severity {
		case "ok":
			n.OK++
		case "watch":
			n.Watch++
		case "warning":
			n.Warning++
		case "alarm":
			n.Alarm++
		}
	}
	return n
}

// WorstSeverity returns the most severe current severity among the
// components of r, "ok" when there are none.
func (r *Report) WorstSeverity() string {
	worst := 0
	for _, c := range r.Components {
		if rk, ok := SeverityRank(c.Severity); ok && rk > worst {
			worst = rk
		}
	}
	return Severities[worst]
}

// OpenAlarms counts the alarms of r that are still open.
func (r *Report) OpenAlarms() int {
	n := 0
	for i := range r.Alarms {
		if r.Alarms[i].Open() {
			n++
		}
	}
	return n
}

// AnchorID returns the HTML id (and URL fragment) of the section of the
// alarm with the given ID: "alarm-" followed by the ID with every byte
// other than an ASCII letter, digit or '-' written as "_xx" (hex), so
// that distinct IDs give distinct anchors and any ID is a valid fragment.
func AnchorID(id string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.WriteString("alarm-")
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
			b.WriteByte(c)
		default:
			b.WriteByte('_')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
