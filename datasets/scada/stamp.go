package scada

import (
	"fmt"
	"strings"
	"time"

	_ "time/tzdata" // zones for time_zone in a static binary without /usr/share/zoneinfo
)

func loadZone(name string) (*time.Location, error) {
	if name == "" || strings.EqualFold(name, "UTC") {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time_zone %q: %w", name, err)
	}
	return loc, nil
}

// Layouts tried, in order, when a mapping gives no time_layout. Those
// with Z07:00 carry an offset; the others are wall-clock times in the
// mapping's zone.
var autoLayouts = []struct {
	layout    string
	hasOffset bool
}{
	{time.RFC3339, true},
	{"2006-01-02 15:04:05Z07:00", true},
	{"2006-01-02T15:04Z07:00", true},
	{"2006-01-02 15:04Z07:00", true},
	{"2006-01-02T15:04:05", false},
	{"2006-01-02 15:04:05", false},
	{"2006-01-02T15:04", false},
	{"2006-01-02 15:04", false},
}

// stampParser turns stamp text into UTC instants.
type stampParser struct {
	layout string // "" = auto
	loc    *time.Location
	last   int // index into autoLayouts that matched last
}

// stampKind says how parse found the instant.
type stampKind int

const (
	stampOffset      stampKind = iota // the text carried an offset
	stampLocal                        // wall clock in the zone, unique
	stampAmbiguous                    // wall clock occurring twice (autumn change)
	stampNonexistent                  // wall clock skipped (spring change)
)

// parse returns the instant of s in UTC, the offset in seconds east of
// UTC that applied to it, and how it was found. For an ambiguous wall
// clock it returns the earlier instant and later its alternative.
func (p *stampParser) parse(s string) (t time.Time, alt time.Time, offset int, kind stampKind, err error) {
	s = strings.TrimSpace(s)
	var wall time.Time
	if p.layout != "" {
		wall, err = time.ParseInLocation(p.layout, s, time.UTC)
		if err != nil {
			return t, alt, 0, 0, fmt.Errorf("time stamp %q does not match %q", s, p.layout)
		}
		if strings.Contains(p.layout, "Z07") || strings.Contains(p.layout, "-07") || strings.Contains(p.layout, "MST") {
			_, off := wall.Zone()
			return wall.UTC(), alt, off, stampOffset, nil
		}
	} else {
		ok := false
		for k := range autoLayouts {
			i := (p.last + k) % len(autoLayouts)
			w, e := time.ParseInLocation(autoLayouts[i].layout, s, time.UTC)
			if e != nil {
				continue
			}
			p.last, ok = i, true
			if autoLayouts[i].hasOffset {
				_, off := w.Zone()
				return w.UTC(), alt, off, stampOffset, nil
			}
			wall = w
			break
		}
		if !ok {
			return t, alt, 0, 0, fmt.Errorf("time stamp %q: not ISO 8601 (give time_layout in a mapping file)", s)
		}
	}
	return p.local(wall)
}

// local resolves a wall-clock time (carried in a UTC time value) in the
// parser's zone. The candidates are the wall clock minus the zone offsets
// in force 3 h before and after; a candidate is valid when it maps back to
// the same wall clock.
func (p *stampParser) local(wall time.Time) (t, alt time.Time, offset int, kind stampKind, err error) {
	if p.loc == time.UTC {
		return wall, alt, 0, stampLocal, nil
	}
	var cands [2]time.Time
	var offs [2]int
	n := 0
	for _, probe := range []time.Duration{-3 * time.Hour, 3 * time.Hour} {
		_, off := wall.Add(probe).In(p.loc).Zone()
		u := wall.Add(-time.Duration(off) * time.Second)
		if u.In(p.loc).Format("2006-01-02T15:04:05") != wall.Format("2006-01-02T15:04:05") {
			continue
		}
		if n == 1 && cands[0].Equal(u) {
			continue
		}
		cands[n], offs[n] = u, off
		n++
	}
	switch n {
	case 1:
		return cands[0], alt, offs[0], stampLocal, nil
	case 2:
		if cands[1].Before(cands[0]) {
			cands[0], cands[1] = cands[1], cands[0]
			offs[0], offs[1] = offs[1], offs[0]
		}
		return cands[0], cands[1], offs[0], stampAmbiguous, nil
	}
	// Skipped wall clock: read it with the offset in force before the change,
	// as time.Date does, which lands it after the change.
	_, off := wall.Add(-3 * time.Hour).In(p.loc).Zone()
	u := wall.Add(-time.Duration(off) * time.Second)
	_, off = u.In(p.loc).Zone()
	return u, alt, off, stampNonexistent, nil
}
