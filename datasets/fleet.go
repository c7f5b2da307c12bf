package datasets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/windpm/windpm/reports/atomicfile"
)

// FleetManifest is the name of the manifest that, present at the top of a
// fleet folder, lists its captures instead of the folder layout.
const FleetManifest = "manifest.csv"

// FleetCapture is one capture file of a fleet folder.
type FleetCapture struct {
	// Source reads the capture with what the layout or the manifest
	// states about it (turbine, sensor, time, metadata).
	Source
	// Rel is the file's path relative to the fleet folder, with '/': the
	// capture's name in the scan's tables and state.
	Rel string
	// Turbine, Sensor and Time say where and when it was taken.
	Turbine, Sensor string
	Time            time.Time
	// Size and ModTime are the file's, when listed.
	Size    int64
	ModTime time.Time
}

// Fleet is the list of captures of a fleet folder.
type Fleet struct {
	// Dir is the fleet folder.
	Dir string
	// Manifest is the fleet's manifest, nil for the folder layout.
	Manifest *Manifest
	// Captures are sorted by turbine, date (UTC), sensor, time and path.
	Captures []FleetCapture
}

// ListFleet lists the captures of the fleet folder dir. When dir holds a
// manifest.csv, its rows are the captures (paths relative to dir; turbine,
// sensor and time are required). Otherwise the folder layout is
//
//	<dir>/<turbine>/<sensor>/<stamp>.<ext>
//
// with ext a capture format (.wav, .mat, .csv) and the start time (UTC) in
// the file name: 20250301T020000Z, 2025-03-01T02:00:00Z,
// 2025-03-01T02-00-00Z or 20250301_020000, optionally with more text
// around it. Hidden files and folders (names starting with '.') are
// skipped; any other file in the layout that is not a capture, or a
// capture without a time stamp in its name, is an error naming it.
func ListFleet(dir string) (*Fleet, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, atomicfile.UnwrapPathError(err))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a folder (--fleet is the fleet folder)", dir)
	}
	f := &Fleet{Dir: dir}
	mpath := filepath.Join(dir, FleetManifest)
	switch _, err = os.Stat(mpath); {
	case err == nil:
		err = f.fromManifest(mpath)
	case errors.Is(err, fs.ErrNotExist):
		err = f.fromLayout()
	default:
		err = fmt.Errorf("%s: %w", mpath, atomicfile.UnwrapPathError(err))
	}
	if err != nil {
		return nil, err
	}
	for i := range f.Captures {
		c := &f.Captures[i]
		st, err := os.Stat(c.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Path, atomicfile.UnwrapPathError(err))
		}
		c.Size, c.ModTime = st.Size(), st.ModTime()
	}
	sort.SliceStable(f.Captures, func(i, j int) bool {
		a, b := &f.Captures[i], &f.Captures[j]
		if a.Turbine != b.Turbine {
			return a.Turbine < b.Turbine
		}
		if da, db := a.Time.UTC().Format(time.DateOnly), b.Time.UTC().Format(time.DateOnly); da != db {
			return da < db
		}
		if a.Sensor != b.Sensor {
			return a.Sensor < b.Sensor
		}
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.Rel < b.Rel
	})
	for i := 1; i < len(f.Captures); i++ {
		if f.Captures[i].Rel == f.Captures[i-1].Rel {
			return nil, fmt.Errorf("%s: %s is listed twice", dir, f.Captures[i].Rel)
		}
	}
	return f, nil
}

// fromManifest lists the captures of the fleet's manifest.
func (f *Fleet) fromManifest(path string) error {
	m, err := ReadManifest(path)
	if err != nil {
		return err
	}
	f.Manifest = m
	for _, src := range m.Sources() {
		e := src.Entry
		if e.Turbine == "" || e.Sensor == "" || e.Time.IsZero() {
			return fileErrorf(path, "line %d: a fleet manifest needs turbine, sensor and time on every row", e.Line)
		}
		rel, err := filepath.Rel(f.Dir, e.Path)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fileErrorf(path, "line %d: capture %s is outside the fleet folder", e.Line, e.Path)
		}
		f.Captures = append(f.Captures, FleetCapture{Source: src, Rel: filepath.ToSlash(rel),
			Turbine: e.Turbine, Sensor: e.Sensor, Time: e.Time.UTC()})
	}
	return nil
}

// fromLayout lists the captures of the folder layout.
func (f *Fleet) fromLayout() error {
	return filepath.WalkDir(f.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
		}
		if path == f.Dir {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(f.Dir, path)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if d.IsDir() {
			if len(parts) > 2 {
				return fmt.Errorf("%s: folder below <turbine>/<sensor>/ (the fleet layout is <turbine>/<sensor>/<stamp>.<ext>)", path)
			}
			return nil
		}
		if len(parts) == 1 {
			// assets.yaml, README and the like beside the turbines.
			return nil
		}
		if len(parts) != 3 || !isCaptureExt(path) {
			return fmt.Errorf("%s: not a capture in the fleet layout <turbine>/<sensor>/<stamp>.<ext> (ext one of %s)", path, strings.Join(Formats, ", "))
		}
		t, err := StampFromName(d.Name())
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		e := &ManifestEntry{Path: path, Turbine: parts[0], Sensor: parts[1], Time: t}
		f.Captures = append(f.Captures, FleetCapture{Source: Source{Path: path, Entry: e},
			Rel: filepath.ToSlash(rel), Turbine: parts[0], Sensor: parts[1], Time: t})
		return nil
	})
}

// stampPattern matches a date and time in a file name: 20250301T020000Z,
// 2025-03-01T02:00:00Z, 2025-03-01T02-00-00, 20250301_020000.
var stampPattern = regexp.MustCompile(`(\d{4})-?(\d{2})-?(\d{2})[T_]?(\d{2})[-:]?(\d{2})[-:]?(\d{2})`)

// StampFromName returns the time stamp in a capture's file name, read as
// UTC.
func StampFromName(name string) (time.Time, error) {
	m := stampPattern.FindStringSubmatch(name)
	if m == nil {
		return time.Time{}, errors.New("no time stamp in the file name (want e.g. 20250301T020000Z)")
	}
	var v [6]int
	for i := range v {
		v[i], _ = strconv.Atoi(m[i+1])
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, time.UTC)
	if t.Year() != v[0] || int(t.Month()) != v[1] || t.Day() != v[2] || t.Hour() != v[3] || t.Minute() != v[4] || t.Second() != v[5] {
		return time.Time{}, fmt.Errorf("time stamp %q in the file name is not a valid date and time", m[0])
	}
	return t, nil
}
