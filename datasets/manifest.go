package datasets

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Manifest is a capture manifest: a CSV table naming capture files and
// what is known about each (see DESIGN.md, "Capture manifest").
//
// The header row is required and must have a "path" column. The known
// columns (matched case-insensitively) are path, channel, sample_rate_hz,
// rpm, unit, turbine, sensor, time, bearing and label; every other column
// is metadata, carried through in Capture.Meta in column order. The
// delimiter (',', ';' or tab) is detected, '#' lines are comments.
type Manifest struct {
	// Path is the manifest file as given to ReadManifest.
	Path string
	// Entries holds one entry per data row, in file order.
	Entries []ManifestEntry
	// MetaColumns lists the metadata columns in column order, each with
	// the kind inferred from all its values.
	MetaColumns []MetaColumn
}

// MetaColumn is one metadata column of a manifest.
type MetaColumn struct {
	Name string
	Kind MetaKind
}

// MetaKind is the type of a metadata column, inferred from its values:
// MetaInteger if every non-empty value is a base-10 integer that fits in
// int64, else MetaFloat if every non-empty value parses as a float64,
// else MetaString. Empty cells are allowed in every kind (null); a column
// with only empty cells is MetaString.
type MetaKind int

// The metadata kinds.
const (
	MetaString MetaKind = iota
	MetaInteger
	MetaFloat
)

// String returns "string", "integer" or "float".
func (k MetaKind) String() string {
	switch k {
	case MetaInteger:
		return "integer"
	case MetaFloat:
		return "float"
	case MetaString:
		return "string"
	}
	return fmt.Sprintf("MetaKind(%d)", int(k))
}

// ManifestEntry is one row of a capture manifest. Zero values mean "not
// stated in the manifest".
type ManifestEntry struct {
	// Path is the capture file: absolute, or relative paths joined to the
	// manifest's folder.
	Path string
	// Channel picks channels in the file as Options.Channel does.
	Channel string
	// RateHz is the sample rate (> 0), 0 when not stated.
	RateHz float64
	// RPM is the shaft speed (≥ 0), 0 when not stated.
	RPM float64
	// Unit is "g", "m/s2", "mm/s" or "".
	Unit string
	// Turbine and Sensor say where the capture was taken.
	Turbine, Sensor string
	// Time is when the capture was taken (RFC 3339 in the file).
	Time time.Time
	// Bearing is the bearing the sensor sees (a catalog name).
	Bearing string
	// Label is the ground-truth class.
	Label string
	// Meta holds the metadata columns in column order; empty cells are
	// kept as empty values.
	Meta []Field
	// Line is the row's line number in the manifest, for messages.
	Line int
}

// manifestUnits are the units a manifest may state.
var manifestUnits = []string{"g", "m/s2", "mm/s"}

// manifestKnown are the columns with a meaning of their own.
var manifestKnown = []string{"path", "channel", "sample_rate_hz", "rpm", "unit", "turbine", "sensor", "time", "bearing", "label"}

// ReadManifest reads the capture manifest at path. Every error is a
// *FileError naming the manifest and, for a bad row, its line:
// "catalog.csv: line 7: rpm "abc" is not a number".
func ReadManifest(path string) (*Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := ParseManifest(f, filepath.Dir(path))
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	m.Path = path
	return m, nil
}

// ParseManifest reads a capture manifest from r, resolving relative paths
// against dir. Errors name the line but not the file (ReadManifest adds
// it).
func ParseManifest(r io.Reader, dir string) (*Manifest, error) {
	mr, err := newManifestReader(r, dir)
	if err != nil {
		return nil, err
	}
	for {
		e, err := mr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		mr.m.Entries = append(mr.m.Entries, e)
	}
	if err := mr.finish(); err != nil {
		return nil, err
	}
	return mr.m, nil
}

// manifestReader reads a capture manifest row by row: ParseManifest reads
// it whole, a fleet (OpenFleet) indexes it and reads a turbine's rows
// again by their offsets.
type manifestReader struct {
	cr  *csv.Reader
	dir string
	// keys makes the path column a key relative to the location dir (a
	// fleet in object storage; see setKey) instead of a local path.
	keys bool
	// base is the number of bytes before the CSV reader's input (a
	// byte-order mark), so that offset() is a file offset.
	base  int64
	width int
	// known maps each column to its known name ("" for metadata);
	// metaCols are the metadata columns' indices.
	known    []string
	metaCols []int
	nonEmpty []bool
	// rows counts the rows read.
	rows int
	// m holds the metadata columns with their kinds as widened so far
	// (Entries is left to the caller).
	m *Manifest
}

// newManifestReader reads the manifest's header row.
func newManifestReader(r io.Reader, dir string) (*manifestReader, error) {
	br := bufio.NewReader(r)
	mr := &manifestReader{dir: dir, m: &Manifest{}}
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		mr.base = 3
	}
	cr, err := newCSVReader(br)
	if err != nil {
		return nil, err
	}
	mr.cr = cr
	head, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("empty manifest: want a header row with a path column")
	}
	if err != nil {
		return nil, csvManifestError(err)
	}
	head = slices.Clone(head)
	headLine, _ := cr.FieldPos(0)
	mr.width = len(head)

	// Map each column to a known field (its name) or to a metadata slot.
	mr.known = make([]string, mr.width)
	seen := map[string]int{}
	pathCol := -1
	for i, h := range head {
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, fmt.Errorf("line %d: column %d has no name", headLine, i+1)
		}
		if hasControl(h) {
			return nil, fmt.Errorf("line %d: column %d name %q has a control character", headLine, i+1, h)
		}
		low := strings.ToLower(h)
		if j, dup := seen[low]; dup {
			return nil, fmt.Errorf("line %d: column %q appears twice (columns %d and %d)", headLine, h, j+1, i+1)
		}
		seen[low] = i
		if slices.Contains(manifestKnown, low) {
			mr.known[i] = low
			if low == "path" {
				pathCol = i
			}
			continue
		}
		mr.metaCols = append(mr.metaCols, i)
		// Metadata kinds start as integer and widen as values require.
		mr.m.MetaColumns = append(mr.m.MetaColumns, MetaColumn{Name: h, Kind: MetaInteger})
	}
	if pathCol < 0 {
		return nil, fmt.Errorf("line %d: no path column (columns: %s)", headLine, strings.Join(trimAll(head), ", "))
	}
	mr.nonEmpty = make([]bool, len(mr.metaCols))
	return mr, nil
}

// offset is the file offset where the next row starts.
func (mr *manifestReader) offset() int64 { return mr.base + mr.cr.InputOffset() }

// resume makes the reader read rows from r, which must start at a row
// boundary (an offset returned by offset), with the header already known.
func (mr *manifestReader) resume(r io.Reader) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.Comma, cr.Comment, cr.FieldsPerRecord = mr.cr.Comma, mr.cr.Comment, mr.cr.FieldsPerRecord
	cr.TrimLeadingSpace, cr.ReuseRecord, cr.LazyQuotes = mr.cr.TrimLeadingSpace, mr.cr.ReuseRecord, mr.cr.LazyQuotes
	mr.cr = cr
}

// next reads the next row (io.EOF after the last) and widens the
// metadata kinds by its values.
func (mr *manifestReader) next() (ManifestEntry, error) {
	rec, err := mr.cr.Read()
	if err == io.EOF {
		return ManifestEntry{}, io.EOF
	}
	if err != nil {
		return ManifestEntry{}, csvManifestError(err)
	}
	line, _ := mr.cr.FieldPos(0)
	if len(rec) != mr.width {
		return ManifestEntry{}, fmt.Errorf("line %d: %d fields, the header has %d", line, len(rec), mr.width)
	}
	e := ManifestEntry{Line: line}
	for i, cell := range rec {
		cell = strings.TrimSpace(cell)
		var err error
		if mr.keys && mr.known[i] == "path" {
			err = e.setKey(cell, mr.dir)
		} else {
			err = e.set(mr.known[i], cell, mr.dir)
		}
		if err != nil {
			return ManifestEntry{}, fmt.Errorf("line %d: %w", line, err)
		}
	}
	if len(mr.metaCols) > 0 {
		e.Meta = make([]Field, len(mr.metaCols))
		for k, c := range mr.metaCols {
			v := strings.TrimSpace(rec[c])
			e.Meta[k] = Field{Name: mr.m.MetaColumns[k].Name, Value: v}
			if v == "" {
				continue
			}
			mr.nonEmpty[k] = true
			kind := &mr.m.MetaColumns[k].Kind
			if *kind == MetaInteger {
				if _, err := strconv.ParseInt(v, 10, 64); err != nil {
					*kind = MetaFloat
				}
			}
			if *kind == MetaFloat {
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					*kind = MetaString
				}
			}
		}
	}
	mr.rows++
	return e, nil
}

// finish settles the metadata kinds after the last row (a column without
// a value is a string) and refuses a manifest without rows.
func (mr *manifestReader) finish() error {
	for k, ok := range mr.nonEmpty {
		if !ok {
			mr.m.MetaColumns[k].Kind = MetaString
		}
	}
	if mr.rows == 0 {
		return errors.New("manifest has no entries")
	}
	return nil
}

// set stores one cell of a known column in e.
func (e *ManifestEntry) set(col, cell, dir string) error {
	switch col {
	case "path":
		if cell == "" {
			return errors.New("path is empty")
		}
		if filepath.IsAbs(cell) {
			e.Path = filepath.Clean(cell)
		} else {
			e.Path = filepath.Join(dir, cell)
		}
	case "channel":
		e.Channel = cell
	case "sample_rate_hz":
		v, err := manifestNumber(col, cell)
		if err != nil {
			return err
		}
		if cell != "" && !(v > 0) {
			return fmt.Errorf("sample_rate_hz %q must be positive", cell)
		}
		e.RateHz = v
	case "rpm":
		v, err := manifestNumber(col, cell)
		if err != nil {
			return err
		}
		if v < 0 {
			return fmt.Errorf("rpm %q must not be negative", cell)
		}
		e.RPM = v
	case "unit":
		if cell != "" && !slices.Contains(manifestUnits, cell) {
			return fmt.Errorf("unit %q is not one of %s", cell, strings.Join(manifestUnits, ", "))
		}
		e.Unit = cell
	case "turbine":
		e.Turbine = cell
	case "sensor":
		e.Sensor = cell
	case "time":
		if cell == "" {
			return nil
		}
		t, err := time.Parse(time.RFC3339Nano, cell)
		if err != nil {
			return fmt.Errorf("time %q is not RFC 3339 (like 2025-03-01T02:00:00Z)", cell)
		}
		e.Time = t
	case "bearing":
		e.Bearing = cell
	case "label":
		e.Label = cell
	}
	return nil
}

// setKey stores the path cell of a manifest in object storage at the
// location loc (a URL without query): a key relative to loc, cleaned
// ("a/./b.wav" is "a/b.wav"). A URL inside loc ("loc/a/b.wav") stands
// for its key, as an absolute path inside a local fleet folder stands for
// its file; an absolute local path, a backslash, a control character,
// invalid UTF-8 (object keys are UTF-8), another URL or a key leaving loc
// ("../x.wav") is refused.
func (e *ManifestEntry) setKey(cell, loc string) error {
	if cell == "" {
		return errors.New("path is empty")
	}
	key := cell
	if strings.Contains(cell, "://") {
		rest, ok := strings.CutPrefix(cell, loc+"/")
		if !ok {
			return fmt.Errorf("path %q is outside the fleet location %s (paths in a manifest in object storage are keys relative to it)", cell, loc)
		}
		key = rest
	}
	switch {
	case strings.HasPrefix(key, "/") || filepath.IsAbs(key) || filepath.VolumeName(key) != "":
		return fmt.Errorf("path %q is absolute (paths in a manifest in object storage are keys relative to the fleet location %s)", cell, loc)
	case strings.ContainsAny(key, "\\\x00"):
		return fmt.Errorf("path %q has a backslash or NUL (keys are '/'-separated)", cell)
	case hasControl(key):
		return fmt.Errorf("path %q has a control character", cell)
	case !utf8.ValidString(key):
		return fmt.Errorf("path %q is not valid UTF-8 (object keys are UTF-8)", cell)
	}
	key = path.Clean(key)
	if key == "." || key == ".." || strings.HasPrefix(key, "../") {
		return fmt.Errorf("path %q is outside the fleet location %s", cell, loc)
	}
	e.Path = key
	return nil
}

// manifestNumber parses a finite number; an empty cell is 0.
func manifestNumber(col, cell string) (float64, error) {
	if cell == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(cell, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s %q is not a number", col, cell)
	}
	return v, nil
}

// csvManifestError makes an encoding/csv error one line with the line.
func csvManifestError(err error) error {
	return errors.New(strings.TrimPrefix(csvReadError(err).Error(), "CSV: "))
}

func trimAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strings.TrimSpace(v)
	}
	return out
}

// Options returns the options to read e's file with: a value in flags (the
// user's command line) wins over the manifest, and the manifest's channel,
// rate and rpm fill in what flags leave zero, so that they in turn win
// over the file.
func (e ManifestEntry) Options(flags Options) Options {
	o := flags
	if o.Channel == "" {
		o.Channel = e.Channel
	}
	if o.RateHz == 0 {
		o.RateHz = e.RateHz
	}
	if o.RPM == 0 {
		o.RPM = e.RPM
	}
	return o
}

// Apply copies what the manifest states about e onto a capture read from
// its file: turbine, sensor, time, bearing, label and unit where the
// manifest gives them (overriding the file), and the metadata fields,
// appended after any the capture has.
func (e ManifestEntry) Apply(c *Capture) {
	if e.Turbine != "" {
		c.Turbine = e.Turbine
	}
	if e.Sensor != "" {
		c.Sensor = e.Sensor
	}
	if !e.Time.IsZero() {
		c.Time = e.Time
	}
	if e.Bearing != "" {
		c.Bearing = e.Bearing
	}
	if e.Label != "" {
		c.Label = e.Label
	}
	if e.Unit != "" {
		c.Unit = e.Unit
	}
	if len(e.Meta) > 0 {
		meta := make([]Field, 0, len(c.Meta)+len(e.Meta))
		c.Meta = append(append(meta, c.Meta...), e.Meta...)
	}
}

// Read reads e's capture file with e.Options(flags) and applies the
// manifest's fields to every capture (see Apply).
func (e ManifestEntry) Read(flags Options) ([]Capture, error) {
	caps, err := Read(e.Path, e.Options(flags))
	if err != nil {
		return nil, err
	}
	for i := range caps {
		e.Apply(&caps[i])
	}
	return caps, nil
}
