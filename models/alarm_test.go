package models

import (
	"testing"
	"time"
)

// track feeds grades to a fresh default tracker, one capture a day.
func track(t *testing.T, grades []Severity) ([]Severity, []TrackedAlarm) {
	t.Helper()
	tr, err := NewAlarmTracker(DefaultAlarmConfig())
	if err != nil {
		t.Fatal(err)
	}
	day0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	raised := make([]Severity, len(grades))
	for i, g := range grades {
		raised[i] = tr.Step(i, day0.AddDate(0, 0, i), g)
	}
	return raised, tr.Alarms()
}

func TestAlarmTrackerPersistence(t *testing.T) {
	const o, w, n, a = OK, Watch, Warning, Alarm
	tests := []struct {
		name   string
		grades []Severity
		// want: per alarm, opening index, peak, history severities, closed
		want []struct {
			open    int
			peak    Severity
			history []Severity
			closed  bool
		}
	}{
		{name: "one transient raises nothing", grades: []Severity{o, o, a, o, o, o, o, o}},
		{name: "two of five raise nothing", grades: []Severity{o, a, o, a, o, o, o, o}},
		{name: "three of five open at the third", grades: []Severity{o, w, o, w, w, o, o},
			want: []struct {
				open    int
				peak    Severity
				history []Severity
				closed  bool
			}{{open: 4, peak: w, history: []Severity{w}}}},
		{name: "escalation only when it rises, one open alarm",
			grades: []Severity{w, w, w, n, n, n, w, w, w, a, a, a, n, n, n},
			want: []struct {
				open    int
				peak    Severity
				history []Severity
				closed  bool
			}{{open: 2, peak: a, history: []Severity{w, n, a}}}},
		{name: "closes after ten clear captures, then a new alarm",
			grades: []Severity{n, n, n, o, o, o, o, o, o, o, o, o, o, o, o, o, w, w, w},
			want: []struct {
				open    int
				peak    Severity
				history []Severity
				closed  bool
			}{{open: 2, peak: n, history: []Severity{n, o}, closed: true}, {open: 18, peak: w, history: []Severity{w}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, alarms := track(t, tc.grades)
			if len(alarms) != len(tc.want) {
				t.Fatalf("%d alarms, want %d: %+v", len(alarms), len(tc.want), alarms)
			}
			for i, w := range tc.want {
				a := alarms[i]
				if a.OpenIndex != w.open || a.Peak != w.peak || a.Open() == w.closed {
					t.Errorf("alarm %d: opened at %d peak %v open %v, want %d %v closed %v", i, a.OpenIndex, a.Peak, a.Open(), w.open, w.peak, w.closed)
				}
				var hist []Severity
				for _, h := range a.History {
					hist = append(hist, h.Severity)
				}
				if len(hist) != len(w.history) {
					t.Fatalf("alarm %d history %v, want %v", i, hist, w.history)
				}
				for k := range hist {
					if hist[k] != w.history[k] {
						t.Errorf("alarm %d history %v, want %v", i, hist, w.history)
					}
				}
			}
		})
	}
}

func TestAlarmTrackerCurrentFalls(t *testing.T) {
	raised, alarms := track(t, []Severity{Alarm, Alarm, Alarm, OK, OK, OK})
	if raised[2] != Alarm || raised[4] != Alarm || raised[5] != OK {
		t.Errorf("raised %v", raised)
	}
	if len(alarms) != 1 || alarms[0].Current != OK || alarms[0].Peak != Alarm || !alarms[0].Open() {
		t.Errorf("alarms %+v", alarms)
	}
}

func TestAlarmConfigValidate(t *testing.T) {
	for _, c := range []AlarmConfig{{K: 0, N: 5, ClearAfter: 5}, {K: 6, N: 5, ClearAfter: 5}, {K: 3, N: 5}} {
		if _, err := NewAlarmTracker(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func TestSeverityNames(t *testing.T) {
	for s := OK; s <= Alarm; s++ {
		got, err := ParseSeverity(s.String())
		if err != nil || got != s {
			t.Errorf("%v: %v %v", s, got, err)
		}
	}
	if _, err := ParseSeverity("critical"); err == nil {
		t.Error("critical accepted")
	}
}
