package models

import "fmt"

// Severity is the condition of a component as a monitoring system grades
// it: OK, Watch (something moved; look at it), Warning (a developing
// fault; plan a repair) and Alarm (act now).
type Severity int8

// The severities, in rising order.
const (
	OK Severity = iota
	Watch
	Warning
	Alarm
)

var severityNames = [...]string{"ok", "watch", "warning", "alarm"}

// String returns the severity's name: ok, watch, warning or alarm.
func (s Severity) String() string {
	if s < OK || s > Alarm {
		return fmt.Sprintf("severity(%d)", int8(s))
	}
	return severityNames[s]
}

// ParseSeverity returns the severity named s (ok, watch, warning, alarm).
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if n == s {
			return Severity(i), nil
		}
	}
	return OK, fmt.Errorf("severity %q: want ok, watch, warning or alarm", s)
}
