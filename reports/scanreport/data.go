package scanreport

import (
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"

	"github.com/windpm/windpm/reports/atomicfile"
)

// DataFile is the name of the file, beside a scan's report, that holds
// the report's content (WriteData), so that `windpm report` can merge the
// reports of a fleet's shards without reading any capture again.
const DataFile = "report-data.gob"

// dataVersion is the format of DataFile.
const dataVersion = 1

// dataFile is what DataFile holds: gob, because a report carries NaN
// (gaps in trends), which JSON cannot.
type dataFile struct {
	Version int
	Report  *Report
}

// WriteData writes the report's content to path, atomically.
func WriteData(path string, r *Report) error {
	return atomicfile.Write(path, func(w io.Writer) error { return EncodeData(w, r) })
}

// EncodeData writes the report's content to w, as WriteData writes it to
// a file.
func EncodeData(w io.Writer, r *Report) error {
	return gob.NewEncoder(w).Encode(dataFile{Version: dataVersion, Report: r})
}

// ReadData reads a report written by WriteData.
func ReadData(path string) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
	}
	defer f.Close()
	return DecodeData(f, path)
}

// DecodeData reads a report written by EncodeData from f; errors name
// path.
func DecodeData(f io.Reader, path string) (*Report, error) {
	var d dataFile
	if err := gob.NewDecoder(io.LimitReader(f, 1<<30)).Decode(&d); err != nil {
		return nil, fmt.Errorf("%s: not a report data file (%v)", path, err)
	}
	if d.Version != dataVersion || d.Report == nil {
		return nil, fmt.Errorf("%s: report data version %d, this windpm reads %d", path, d.Version, dataVersion)
	}
	return d.Report, nil
}

// Merge makes one report of the reports of disjoint parts of a fleet
// (the shards of a scan): their components, alarms, failures and SCADA
// turbines together, ordered by turbine with turbineLess (stable: a
// turbine's entries keep their order), alarms by AlarmLess, failures by
// path; counts added; the title, settings and notes of the first part.
// Generated is the latest part's.
func Merge(parts []*Report, turbineLess func(a, b string) bool) *Report {
	if len(parts) == 0 {
		return &Report{}
	}
	m := *parts[0]
	m.Components, m.Alarms, m.Failed, m.Captures, m.NewCaptures = nil, nil, nil, 0, 0
	m.Notes = slices.Clone(parts[0].Notes)
	var scada *SCADA
	for _, p := range parts {
		m.Components = append(m.Components, p.Components...)
		m.Alarms = append(m.Alarms, p.Alarms...)
		m.Failed = append(m.Failed, p.Failed...)
		m.Captures += p.Captures
		m.NewCaptures += p.NewCaptures
		if p.Generated.After(m.Generated) {
			m.Generated = p.Generated
		}
		for _, n := range p.Notes {
			if !slices.Contains(m.Notes, n) {
				m.Notes = append(m.Notes, n)
			}
		}
		if p.SCADA != nil {
			if scada == nil {
				s := *p.SCADA
				s.Turbines = nil
				scada = &s
			}
			scada.Turbines = append(scada.Turbines, p.SCADA.Turbines...)
		}
	}
	sort.SliceStable(m.Components, func(i, j int) bool { return turbineLess(m.Components[i].Turbine, m.Components[j].Turbine) })
	SortAlarms(m.Alarms)
	sort.SliceStable(m.Failed, func(i, j int) bool { return m.Failed[i].Path < m.Failed[j].Path })
	if scada != nil {
		sort.SliceStable(scada.Turbines, func(i, j int) bool { return turbineLess(scada.Turbines[i].Turbine, scada.Turbines[j].Turbine) })
	}
	m.SCADA = scada
	return &m
}

// AlarmLess is the report's order of alarms: open before closed, newest
// first, then by ID.
func AlarmLess(a, b *Alarm) bool {
	if a.Open() != b.Open() {
		return a.Open()
	}
	if !a.Opened.Equal(b.Opened) {
		return a.Opened.After(b.Opened)
	}
	return a.ID < b.ID
}

// SortAlarms sorts alarms in the report's order (AlarmLess).
func SortAlarms(a []Alarm) {
	sort.SliceStable(a, func(i, j int) bool { return AlarmLess(&a[i], &a[j]) })
}
