package scada

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Report says what ingesting found and fixed. Every data row read is
// accounted for: RowsRead = RowsKept + Dropped().
type Report struct {
	Files    []FileReport  `json:"files"`
	Interval time.Duration `json:"interval_ns"` // nominal step
	// GapListed is the missing time above which a gap is in GapsListed.
	GapListed time.Duration `json:"gap_listed_ns"`

	RowsRead int `json:"rows_read"` // data records in the SCADA files, header excluded
	RowsKept int `json:"rows_kept"` // rows in the Table

	// Dropped rows, by reason.
	Ragged     int `json:"ragged"`     // field count differs from the header's
	NoTurbine  int `json:"no_turbine"` // empty turbine field
	BadStamps  int `json:"bad_stamps"` // time stamp not readable
	EmptyRows  int `json:"empty_rows"` // a stamp but every mapped value empty
	Duplicates int `json:"duplicates"` // same turbine and UTC stamp as an earlier row, merged into it

	// Findings on kept rows.
	DuplicatesDiffering int `json:"duplicates_differing"` // duplicates that differed from the row they were merged into
	ConflictingFields   int `json:"conflicting_fields"`   // fields both rows had with different values (the later read wins)
	OutOfOrder          int `json:"out_of_order"`         // rows earlier than the previous row of their turbine in the same file
	BadNumbers          int `json:"bad_numbers"`          // value fields that were not numbers (kept as missing)
	AmbiguousLocal      int `json:"ambiguous_local"`      // wall-clock stamps without offset in a repeated hour
	NonexistentLocal    int `json:"nonexistent_local"`    // wall-clock stamps without offset in a skipped hour
	OffGrid             int `json:"off_grid"`             // stamps not on a multiple of Interval

	Turbines     []TurbineReport  `json:"turbines"`      // by turbine name
	GapsListed   []Gap            `json:"gaps_listed"`   // gaps longer than GapListed, by turbine then time
	ClockChanges []ClockChange    `json:"clock_changes"` // changes of the stamps' UTC offset between consecutive rows
	EmptyRuns    []EmptyRun       `json:"empty_runs"`    // where the dropped empty rows were
	EventLogs    []EventLogReport `json:"event_logs"`
	// Failed lists the files skipped with Options.KeepGoing, as "scada:
	// file: problem".
	Failed []string `json:"failed"`

	// Examples, at most ten each, as file:line: what.
	RaggedLines       []string `json:"ragged_lines"`
	NoTurbineLines    []string `json:"no_turbine_lines"`
	BadStampLines     []string `json:"bad_stamp_lines"`
	BadNumberExamples []string `json:"bad_number_examples"`
	AmbiguousLines    []string `json:"ambiguous_lines"`
	NonexistentLines  []string `json:"nonexistent_lines"`
	DuplicateExamples []string `json:"duplicate_examples"`
}

// Dropped returns the number of data rows read but not kept as rows of
// their own.
func (r *Report) Dropped() int {
	return r.Ragged + r.NoTurbine + r.BadStamps + r.EmptyRows + r.Duplicates
}

// FileReport describes one file read.
type FileReport struct {
	Name       string   `json:"name"`
	Kind       string   `json:"kind"` // "scada" or the event-log kind
	Mapping    string   `json:"mapping"`
	Encoding   string   `json:"encoding"` // ascii, utf-8, utf-8-bom or latin-1
	Delimiter  string   `json:"delimiter"`
	LineEnding string   `json:"line_ending"` // LF, CRLF or none
	Rows       int      `json:"rows"`        // data records
	Turbines   []string `json:"turbines"`
	Unmapped   []string `json:"unmapped"` // header columns neither mapped nor ignored by the mapping
}

// TurbineReport summarises one turbine after normalisation.
type TurbineReport struct {
	Turbine       string    `json:"turbine"`
	Files         []string  `json:"files"`
	Rows          int       `json:"rows"`           // rows kept
	First         time.Time `json:"first"`          // UTC
	Last          time.Time `json:"last"`           // UTC
	Stamps        int       `json:"stamps"`         // nominal stamps from First to Last
	Gaps          int       `json:"gaps"`           // steps longer than the interval
	MissingStamps int       `json:"missing_stamps"` // Stamps − Rows when all stamps are on the grid
	EmptyRows     int       `json:"empty_rows"`
	Duplicates    int       `json:"duplicates"`
	OffGrid       int       `json:"off_grid"`
}

// Gap is a run of missing stamps of one turbine.
type Gap struct {
	Turbine string        `json:"turbine"`
	Last    time.Time     `json:"last"`       // the rows either side, UTC
	Next    time.Time     `json:"next"`       // the rows either side, UTC
	Missing time.Duration `json:"missing_ns"` // Next − Last − Interval
}

// EmptyRun is a run of stamps of one turbine, one interval apart, that
// had rows with a stamp and no value (dropped).
type EmptyRun struct {
	Turbine string    `json:"turbine"`
	First   time.Time `json:"first"`  // UTC
	Last    time.Time `json:"last"`   // UTC
	Stamps  int       `json:"stamps"` // distinct stamps in the run
}

// ClockChange is a change of the UTC offset written in the stamps between
// two consecutive rows of a turbine.
type ClockChange struct {
	Turbine       string        `json:"turbine"`
	Last          time.Time     `json:"last"`            // UTC of the rows either side
	Next          time.Time     `json:"next"`            // UTC of the rows either side
	OffsetBefore  int           `json:"offset_before_s"` // seconds east of UTC
	OffsetAfter   int           `json:"offset_after_s"`  // seconds east of UTC
	UTCStep       time.Duration `json:"utc_step_ns"`
	WallStep      time.Duration `json:"wall_step_ns"`
	MissingStamps int           `json:"missing_stamps"` // UTCStep / Interval − 1
	// For a backward change: the repeated wall-clock window (wall times in
	// UTC values) and how many rows fall in it with the old offset (first
	// pass) and with the new one (second pass).
	RepeatedFrom time.Time `json:"repeated_from"`
	RepeatedTo   time.Time `json:"repeated_to"`
	FirstPass    int       `json:"first_pass"`
	SecondPass   int       `json:"second_pass"`
}

func fmtOffset(s int) string {
	sign := '+'
	if s < 0 {
		sign, s = '-', -s
	}
	return fmt.Sprintf("%c%02d:%02d", sign, s/3600, s/60%60)
}

// String describes the change in one line.
func (c ClockChange) String() string {
	s := fmt.Sprintf("%s: offset %s -> %s between %s and %s: UTC step %v, wall-clock step %v, %d stamps missing",
		c.Turbine, fmtOffset(c.OffsetBefore), fmtOffset(c.OffsetAfter),
		c.Last.Format(time.RFC3339), c.Next.Format(time.RFC3339), c.UTCStep, c.WallStep, c.MissingStamps)
	if !c.RepeatedFrom.IsZero() {
		s += fmt.Sprintf("; repeated wall-clock %s-%s: %d rows first pass (%s), %d second pass (%s)",
			c.RepeatedFrom.Format("2006-01-02 15:04"), c.RepeatedTo.Format("15:04"),
			c.FirstPass, fmtOffset(c.OffsetBefore), c.SecondPass, fmtOffset(c.OffsetAfter))
	}
	return s
}

// String describes the gap in one line.
func (g Gap) String() string {
	return fmt.Sprintf("%s: %s -> %s: %v missing", g.Turbine, g.Last.Format(time.RFC3339), g.Next.Format(time.RFC3339), g.Missing)
}

// EventLogReport summarises one event log read.
type EventLogReport struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Rows   int    `json:"rows"` // data records
	Events int    `json:"events"`
	// Flag counts: events with each flag (an event may have several).
	ResetBeforeDetection int      `json:"reset_before_detection"`
	NoEnd                int      `json:"no_end"`
	BadRows              int      `json:"bad_rows"`         // rows skipped: field count or time stamp unreadable
	BadRowExamples       []string `json:"bad_row_examples"` // at most ten, as file:line: what
}

// WriteText writes the report for a person to read.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "files: %d\n", len(r.Files))
	for _, f := range r.Failed {
		fmt.Fprintf(&b, "  skipped: %s\n", f)
	}
	for _, f := range r.Files {
		fmt.Fprintf(&b, "  %s: %s", f.Name, f.Kind)
		if f.Mapping != "" {
			fmt.Fprintf(&b, " (mapping %s)", f.Mapping)
		}
		fmt.Fprintf(&b, ", %s, delimiter %q, %s, %d rows", f.Encoding, f.Delimiter, f.LineEnding, f.Rows)
		if len(f.Unmapped) > 0 {
			fmt.Fprintf(&b, ", unmapped columns: %s", strings.Join(f.Unmapped, " "))
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "rows read %d, kept %d, dropped %d (ragged %d, no turbine %d, bad stamp %d, empty %d, duplicates merged %d)\n",
		r.RowsRead, r.RowsKept, r.Dropped(), r.Ragged, r.NoTurbine, r.BadStamps, r.EmptyRows, r.Duplicates)
	fmt.Fprintf(&b, "duplicates differing %d (conflicting fields %d, later read wins), out of order %d, bad numbers %d, ambiguous local %d, nonexistent local %d, off grid %d\n",
		r.DuplicatesDiffering, r.ConflictingFields, r.OutOfOrder, r.BadNumbers, r.AmbiguousLocal, r.NonexistentLocal, r.OffGrid)
	for _, t := range r.Turbines {
		fmt.Fprintf(&b, "  %s: %d files, %d rows, %s -> %s, %d of %d stamps missing in %d gaps, %d empty rows, %d duplicates\n",
			t.Turbine, len(t.Files), t.Rows, t.First.Format(time.RFC3339), t.Last.Format(time.RFC3339),
			t.MissingStamps, t.Stamps, t.Gaps, t.EmptyRows, t.Duplicates)
	}
	fmt.Fprintf(&b, "gaps over %v: %d\n", r.GapListed, len(r.GapsListed))
	for _, g := range r.GapsListed {
		fmt.Fprintf(&b, "  %s\n", g)
	}
	fmt.Fprintf(&b, "runs of empty rows: %d\n", len(r.EmptyRuns))
	for _, e := range r.EmptyRuns {
		fmt.Fprintf(&b, "  %s: %s -> %s: %d stamps\n", e.Turbine, e.First.Format(time.RFC3339), e.Last.Format(time.RFC3339), e.Stamps)
	}
	fmt.Fprintf(&b, "clock changes: %d\n", len(r.ClockChanges))
	for _, c := range r.ClockChanges {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	for _, e := range r.EventLogs {
		fmt.Fprintf(&b, "event log %s (%s): %d rows, %d events, %d reset before detection (flagged, kept), %d without end, %d bad rows skipped\n",
			e.Name, e.Kind, e.Rows, e.Events, e.ResetBeforeDetection, e.NoEnd, e.BadRows)
	}
	for _, l := range [][]string{r.RaggedLines, r.NoTurbineLines, r.BadStampLines, r.BadNumberExamples, r.AmbiguousLines, r.NonexistentLines, r.DuplicateExamples} {
		for _, s := range l {
			fmt.Fprintf(&b, "  example: %s\n", s)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
