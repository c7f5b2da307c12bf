package scada

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Event is one entry of a turbine event, alarm or failure log.
type Event struct {
	Source      string // file name
	Line        int    // line in the file
	Kind        string // the log kind: edp-alarms, edp-failures or care-events
	Turbine     string // empty when the log does not say (CARE-to-Compare)
	Code        string // identifier the log gives (CARE event_id), else empty
	Label       string // category the log gives (CARE event_label), else empty
	Component   string // failed component (EDP failures), else empty
	Description string
	Detail      string    // further text (EDP UnitTitleDestination, CARE start/end ids)
	Start       time.Time // UTC: detection, failure or event start
	End         time.Time // UTC: reset or event end; zero when the log gives none
	Flags       EventFlag
}

// EventFlag marks what is odd about an Event; flagged events are kept.
type EventFlag uint8

// The event flags.
const (
	// ResetBeforeDetection: the log's end (reset) precedes its start.
	ResetBeforeDetection EventFlag = 1 << iota
	// NoEnd: the log gives no end (reset) time.
	NoEnd
	// AssumedUTC: a time stamp had no offset and was read as UTC (EDP reset
	// times, whose detection times are all +00:00; CARE-to-Compare, whose
	// stamps are anonymised).
	AssumedUTC
)

// String lists the flags, '|'-separated.
func (f EventFlag) String() string {
	var s []string
	for _, n := range []struct {
		f EventFlag
		n string
	}{{ResetBeforeDetection, "reset-before-detection"}, {NoEnd, "no-end"}, {AssumedUTC, "assumed-utc"}} {
		if f&n.f != 0 {
			s = append(s, n.n)
		}
	}
	return strings.Join(s, "|")
}

// eventFormats names the header columns each event-log kind must have.
var eventFormats = []struct {
	kind string
	cols []string
}{
	{"edp-alarms", []string{"TimeDetected", "TimeReset", "UnitTitle", "Remark"}},
	{"edp-failures", []string{"Turbine_ID", "Component", "Timestamp", "Remarks"}},
	{"care-events", []string{"event_id", "event_label", "event_start", "event_end", "event_description"}},
}

// eventKind returns the event-log kind whose columns header has, or "".
func eventKind(header []string) string {
	has := make(map[string]bool, len(header))
	for _, h := range header {
		has[h] = true
	}
outer:
	for _, f := range eventFormats {
		for _, c := range f.cols {
			if !has[c] {
				continue outer
			}
		}
		return f.kind
	}
	return ""
}

// ReadEvents parses one event log (EDP alarm log, EDP failure list or
// CARE-to-Compare event_info, recognised by the header; ';' or ','
// separated, UTF-8 or Latin-1). Rows that cannot be read are skipped and
// counted in the report's BadRows.
func ReadEvents(name string, data []byte) ([]Event, *EventLogReport, error) {
	in := NewIngester(Options{})
	if err := in.add(name, data); err != nil {
		return nil, nil, err
	}
	if len(in.rep.EventLogs) == 0 {
		return nil, nil, fmt.Errorf("scada: %s: not an event log this package knows (EDP alarms or failures, CARE-to-Compare event_info)", name)
	}
	return in.events, &in.rep.EventLogs[0], nil
}

func (in *Ingester) addEvents(name, kind string, header []string, cr recordReader, fr FileReport) error {
	idx := make(map[string]int, len(header))
	for i, h := range header {
		if _, dup := idx[h]; !dup {
			idx[h] = i
		}
	}
	col := func(rec []string, c string) string {
		if i, ok := idx[c]; ok && i < len(rec) {
			// A copy: rec's fields may be substrings of the whole file.
			return strings.Clone(strings.TrimSpace(rec[i]))
		}
		return ""
	}
	sp := &stampParser{loc: time.UTC}
	stamp := func(s string, ev *Event) (time.Time, error) {
		t, _, _, k, err := sp.parse(s)
		if err == nil && k != stampOffset {
			ev.Flags |= AssumedUTC
		}
		return t, err
	}
	fr.Kind = kind
	er := EventLogReport{Name: name, Kind: kind}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil && !errors.Is(err, csv.ErrFieldCount) {
			return fmt.Errorf("scada: %s: %w", name, err)
		}
		er.Rows++
		fr.Rows++
		if len(rec) != len(header) {
			er.BadRows++
			in.example(&er.BadRowExamples, "%s:%d: %d fields, header has %d", name, line, len(rec), len(header))
			continue
		}
		ev := Event{Source: name, Line: line, Kind: kind}
		var startText, endText string
		switch kind {
		case "edp-alarms":
			ev.Turbine, ev.Description, ev.Detail = col(rec, "UnitTitle"), col(rec, "Remark"), col(rec, "UnitTitleDestination")
			startText, endText = col(rec, "TimeDetected"), col(rec, "TimeReset")
		case "edp-failures":
			ev.Turbine, ev.Component, ev.Description = col(rec, "Turbine_ID"), col(rec, "Component"), col(rec, "Remarks")
			startText = col(rec, "Timestamp")
		case "care-events":
			ev.Code, ev.Label, ev.Description = col(rec, "event_id"), col(rec, "event_label"), col(rec, "event_description")
			if a, b := col(rec, "event_start_id"), col(rec, "event_end_id"); a != "" || b != "" {
				ev.Detail = "start_id " + a + ", end_id " + b
			}
			startText, endText = col(rec, "event_start"), col(rec, "event_end")
		}
		if ev.Start, err = stamp(startText, &ev); err != nil {
			er.BadRows++
			in.example(&er.BadRowExamples, "%s:%d: start: %v", name, line, err)
			continue
		}
		if endText == "" {
			if kind != "edp-failures" {
				ev.Flags |= NoEnd
				er.NoEnd++
			}
		} else if ev.End, err = stamp(endText, &ev); err != nil {
			er.BadRows++
			in.example(&er.BadRowExamples, "%s:%d: end: %v", name, line, err)
			continue
		} else if ev.End.Before(ev.Start) {
			ev.Flags |= ResetBeforeDetection
			er.ResetBeforeDetection++
		}
		er.Events++
		in.events = append(in.events, ev)
	}
	in.rep.EventLogs = append(in.rep.EventLogs, er)
	in.rep.Files = append(in.rep.Files, fr)
	return nil
}
