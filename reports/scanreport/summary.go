package scanreport

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/windpm/windpm/reports/atomicfile"
)

// SummaryVersion is the version of the summary.json layout, its
// "summary_version" key. It changes only when a key is removed or changes
// meaning; new keys may appear without a change.
const SummaryVersion = 1

// Summary is the content of summary.json (documented key by key in
// docs/report.md). Times are UTC; a time or number that does not exist
// (an open alarm's closing, a NaN z) is null, here nil.
type Summary struct {
	SummaryVersion int                `json:"summary_version"`
	Version        string             `json:"version"`
	Title          string             `json:"title"`
	Generated      *time.Time         `json:"generated"`
	Fleet          string             `json:"fleet"`
	Out            string             `json:"out"`
	Captures       int                `json:"captures"`
	NewCaptures    int                `json:"new_captures"`
	Failed         []SummaryFailure   `json:"failed"`
	SeverityCounts SeverityCounts     `json:"severity_counts"`
	WorstSeverity  string             `json:"worst_severity"`
	OpenAlarms     int                `json:"open_alarms"`
	Settings       []SummarySetting   `json:"settings"`
	Notes          []string           `json:"notes"`
	Components     []SummaryComponent `json:"components"`
	Alarms         []SummaryAlarm     `json:"alarms"`
}

// SeverityCounts counts components per current severity.
type SeverityCounts struct {
	OK      int `json:"ok"`
	Watch   int `json:"watch"`
	Warning int `json:"warning"`
	Alarm   int `json:"alarm"`
}

// SummaryFailure is one failed input file in summary.json.
type SummaryFailure struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// SummarySetting is one scan setting in summary.json.
type SummarySetting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SummaryComponent is one fleet-table row in summary.json.
type SummaryComponent struct {
	Turbine       string     `json:"turbine"`
	Component     string     `json:"component"`
	Sensor        string     `json:"sensor"`
	Severity      string     `json:"severity"`
	LastCapture   *time.Time `json:"last_capture"`
	Captures      int        `json:"captures"`
	Class         string     `json:"class"`
	Zone          string     `json:"zone"`
	MaxZ          *float64   `json:"max_z"`
	MaxZIndicator string     `json:"max_z_indicator"`
	AlarmID       string     `json:"alarm_id"`
}

// SummaryAlarm is one alarm with its evidence in summary.json (no
// figures).
type SummaryAlarm struct {
	ID              string             `json:"id"`
	Anchor          string             `json:"anchor"`
	Turbine         string             `json:"turbine"`
	Component       string             `json:"component"`
	Sensor          string             `json:"sensor"`
	Severity        string             `json:"severity"`
	CurrentSeverity string             `json:"current_severity"`
	Opened          *time.Time         `json:"opened"`
	Closed          *time.Time         `json:"closed"`
	History         []SummaryChange    `json:"history"`
	Class           string             `json:"class"`
	Zone            string             `json:"zone"`
	Diagnosis       string             `json:"diagnosis"`
	Summary         string             `json:"summary"`
	Indicators      []SummaryIndicator `json:"indicators"`
	Lines           []SummaryLine      `json:"lines"`
}

// SummaryChange is one severity change of an alarm in summary.json.
type SummaryChange struct {
	Time     *time.Time `json:"time"`
	Severity string     `json:"severity"`
}

// SummaryIndicator is one indicator of an alarm's evidence in
// summary.json.
type SummaryIndicator struct {
	Name     string   `json:"name"`
	Unit     string   `json:"unit"`
	Baseline *float64 `json:"baseline"`
	Value    *float64 `json:"value"`
	Z        *float64 `json:"z"`
}

// SummaryLine is one spectral line of an alarm's evidence in summary.json.
type SummaryLine struct {
	Label  string   `json:"label"`
	FreqHz *float64 `json:"freq_hz"`
	DB     *float64 `json:"db"`
}

// NewSummary returns the summary.json content of r. Lists are empty, not
// null, when r has none.
func NewSummary(r *Report) *Summary {
	s := &Summary{
		SummaryVersion: SummaryVersion,
		Version:        r.Version,
		Title:          r.Title,
		Generated:      utc(r.Generated),
		Fleet:          r.Fleet,
		Out:            r.Out,
		Captures:       r.Captures,
		NewCaptures:    r.NewCaptures,
		Failed:         make([]SummaryFailure, 0, len(r.Failed)),
		SeverityCounts: r.SeverityCounts(),
		WorstSeverity:  r.WorstSeverity(),
		OpenAlarms:     r.OpenAlarms(),
		Settings:       make([]SummarySetting, 0, len(r.Settings)),
		Notes:          append(make([]string, 0, len(r.Notes)), r.Notes...),
		Components:     make([]SummaryComponent, 0, len(r.Components)),
		Alarms:         make([]SummaryAlarm, 0, len(r.Alarms)),
	}
	for _, f := range r.Failed {
		s.Failed = append(s.Failed, SummaryFailure(f))
	}
	for _, x := range r.Settings {
		s.Settings = append(s.Settings, SummarySetting(x))
	}
	for _, c := range r.Components {
		s.Components = append(s.Components, SummaryComponent{
			Turbine: c.Turbine, Component: c.Component, Sensor: c.Sensor, Severity: c.Severity,
			LastCapture: utc(c.LastCapture), Captures: c.Captures, Class: c.Class, Zone: c.Zone,
			MaxZ: number(c.MaxZ), MaxZIndicator: c.MaxZIndicator, AlarmID: c.AlarmID,
		})
	}
	for i := range r.Alarms {
		a := &r.Alarms[i]
		sa := SummaryAlarm{
			ID: a.ID, Anchor: AnchorID(a.ID), Turbine: a.Turbine, Component: a.Component, Sensor: a.Sensor,
			Severity: a.Severity, CurrentSeverity: a.CurrentSeverity,
			Opened: utc(a.Opened), Closed: utc(a.Closed),
			History: make([]SummaryChange, 0, len(a.History)),
			Class:   a.Class, Zone: a.Zone, Diagnosis: a.Diagnosis, Summary: a.Summary,
			Indicators: make([]SummaryIndicator, 0, len(a.Indicators)),
			Lines:      make([]SummaryLine, 0, len(a.Lines)),
		}
		for _, h := range a.History {
			sa.History = append(sa.History, SummaryChange{Time: utc(h.Time), Severity: h.Severity})
		}
		for _, x := range a.Indicators {
			sa.Indicators = append(sa.Indicators, SummaryIndicator{
				Name: x.Name, Unit: x.Unit, Baseline: number(x.Baseline), Value: number(x.Value), Z: number(x.Z),
			})
		}
		for _, l := range a.Lines {
			sa.Lines = append(sa.Lines, SummaryLine{Label: l.Label, FreqHz: number(l.FreqHz), DB: number(l.DB)})
		}
		s.Alarms = append(s.Alarms, sa)
	}
	return s
}

// WriteSummaryJSON writes the summary of r (see Summary and
// docs/report.md) to path as indented JSON, atomically. An inconsistent
// Report is an error and nothing is written.
func WriteSummaryJSON(path string, r *Report) error {
	if err := r.check(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error { return EncodeSummaryJSON(w, r) })
}

// EncodeSummaryJSON writes the summary of r to w as WriteSummaryJSON
// writes it to a file.
func EncodeSummaryJSON(w io.Writer, r *Report) error {
	if err := r.check(); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(NewSummary(r))
}

// ReadSummaryJSON reads a summary.json written by WriteSummaryJSON.
// Errors name path.
func ReadSummaryJSON(path string) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
	}
	defer f.Close()
	s, err := DecodeSummary(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// DecodeSummary reads a summary.json document from r. Unknown keys are
// ignored (newer files may add keys); a missing or newer summary_version
// is an error.
func DecodeSummary(r io.Reader) (*Summary, error) {
	var s Summary
	dec := json.NewDecoder(r)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("summary.json: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("summary.json: data after the JSON object")
	}
	switch {
	case s.SummaryVersion < 1:
		return nil, fmt.Errorf("summary.json: no valid summary_version key (not a windpm scan summary)")
	case s.SummaryVersion > SummaryVersion:
		return nil, fmt.Errorf("summary.json: summary_version %d is newer than this windpm reads (%d)", s.SummaryVersion, SummaryVersion)
	}
	return &s, nil
}

// utc is t in UTC, nil for the zero time (null in the JSON).
func utc(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// number is v, nil for NaN or ±Inf (which JSON cannot write: null).
func number(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
