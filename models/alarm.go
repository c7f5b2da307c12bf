package models

import (
	"fmt"
	"time"
)

// AlarmConfig sets the alarm state machine's rules.
type AlarmConfig struct {
	// K and N: a severity is raised when at least K of the last N captures
	// of the component are graded at it or above (default 3 of 5). One
	// bad capture (a transient, a loose cable) raises nothing.
	K, N int
	// ClearAfter is the number of consecutive captures with nothing raised
	// after which an open alarm closes (default 10, twice N: a developing
	// fault whose indicator hovers near a threshold stays one alarm that
	// escalates, rather than closing and opening again).
	ClearAfter int
}

// DefaultAlarmConfig returns 3 of 5, closing after 10 clear captures.
func DefaultAlarmConfig() AlarmConfig { return AlarmConfig{K: 3, N: 5, ClearAfter: 10} }

// Validate reports a configuration the tracker cannot follow.
func (c AlarmConfig) Validate() error {
	if c.K < 1 || c.N < c.K {
		return fmt.Errorf("persistence %d of %d: want 1 ≤ k ≤ n", c.K, c.N)
	}
	if c.ClearAfter < 1 {
		return fmt.Errorf("clear after %d captures: want ≥ 1", c.ClearAfter)
	}
	return nil
}

// SeverityChange is a step in an alarm's history: opened, escalated, or
// closed (Severity OK).
type SeverityChange struct {
	Time     time.Time
	Severity Severity
	// Index is the caller's index of the observation that caused it.
	Index int
}

// TrackedAlarm is one alarm of one component, open or closed.
type TrackedAlarm struct {
	// Opened is the time of the capture that raised it; Closed of the
	// capture that closed it (zero while open).
	Opened, Closed time.Time
	// Peak is the highest severity raised, PeakIndex the index of the
	// first capture that raised it.
	Peak      Severity
	PeakIndex int
	// Current is the severity raised by the last capture seen while open.
	Current Severity
	// OpenIndex and LastIndex are the caller's indices of the capture that
	// opened it and of the last capture seen while it was open.
	OpenIndex, LastIndex int
	// History holds the opening, every escalation and the closing.
	History []SeverityChange
}

// Open reports whether the alarm is still open.
func (a *TrackedAlarm) Open() bool { return a.Closed.IsZero() }

// AlarmTracker follows one component (a turbine's gearbox, say) through
// the graded captures of its sensors, in time order, like a commercial
// monitoring system: a severity is raised only when it persists (K of the
// last N captures), an alarm opens on the first raised severity, escalates
// only when the raised severity rises above its peak, never opens twice
// (one open alarm per component), and closes when nothing has been raised
// for ClearAfter consecutive captures.
type AlarmTracker struct {
	cfg    AlarmConfig
	window []Severity // the last N grades, oldest first
	clear  int        // consecutive captures with nothing raised
	alarms []TrackedAlarm
}

// NewAlarmTracker returns a tracker with rules cfg.
func NewAlarmTracker(cfg AlarmConfig) (*AlarmTracker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &AlarmTracker{cfg: cfg, window: make([]Severity, 0, cfg.N)}, nil
}

// Step feeds the grade of the next capture (index is the caller's, at its
// time) and returns the severity raised after it.
func (t *AlarmTracker) Step(index int, at time.Time, grade Severity) Severity {
	if len(t.window) == t.cfg.N {
		copy(t.window, t.window[1:])
		t.window = t.window[:t.cfg.N-1]
	}
	t.window = append(t.window, grade)
	raised := OK
	for s := Alarm; s > OK; s-- {
		n := 0
		for _, g := range t.window {
			if g >= s {
				n++
			}
		}
		if n >= t.cfg.K {
			raised = s
			break
		}
	}

	var open *TrackedAlarm
	if k := len(t.alarms); k > 0 && t.alarms[k-1].Open() {
		open = &t.alarms[k-1]
	}
	switch {
	case open == nil && raised > OK:
		t.alarms = append(t.alarms, TrackedAlarm{
			Opened: at, Peak: raised, PeakIndex: index, Current: raised, OpenIndex: index, LastIndex: index,
			History: []SeverityChange{{Time: at, Severity: raised, Index: index}},
		})
		t.clear = 0
	case open != nil:
		open.Current, open.LastIndex = raised, index
		if raised > open.Peak {
			open.Peak, open.PeakIndex = raised, index
			open.History = append(open.History, SeverityChange{Time: at, Severity: raised, Index: index})
		}
		if raised == OK {
			t.clear++
			if t.clear >= t.cfg.ClearAfter {
				open.Closed = at
				open.History = append(open.History, SeverityChange{Time: at, Severity: OK, Index: index})
			}
		} else {
			t.clear = 0
		}
	}
	return raised
}

// Alarms returns every alarm so far, oldest first; at most the last is
// open.
func (t *AlarmTracker) Alarms() []TrackedAlarm { return t.alarms }
