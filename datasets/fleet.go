package datasets

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/windpm/windpm/datasets/store"
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

// Fleet is a fleet folder, or a fleet under a prefix in object storage,
// listed turbine by turbine: OpenFleet (OpenFleetStore) finds the
// turbines, Captures lists one turbine's captures. Memory holds the
// turbine names (and, for a manifest, 16 bytes per row: where each row
// is), not the captures.
type Fleet struct {
	// Dir is the fleet folder, or for a fleet in object storage its
	// location's URL without the query (store.Store.String).
	Dir string
	// Manifest is the fleet's manifest (its path or URL and metadata
	// columns; Entries is not filled), nil for the folder layout.
	Manifest *Manifest
	// Turbines are the fleet's turbines, sorted.
	Turbines []string

	// rows locates each turbine's manifest rows.
	rows map[string][]manifestRow
	mr   *manifestReader

	// st is the fleet's location in object storage, nil for a local
	// folder; ctx is the context OpenFleetStore was given, for Captures.
	st  *store.Store
	ctx context.Context
	// The manifest object as indexed: its size and modification time.
	mSize int64
	mMod  time.Time
}

// manifestRow is where a manifest row is: its file offset, length in
// bytes (from the end of the previous row, so with the comment lines
// before it) and line.
type manifestRow struct {
	off  int64
	n    int32
	line int32
}

// FleetAssets is the name of the assets file at the top of a fleet.
const FleetAssets = "assets.yaml"

// OpenFleet opens the fleet folder dir. When dir holds a manifest.csv,
// its rows are the captures (paths relative to dir; turbine, sensor and
// time are required); it is read once through to check every row and to
// type its metadata columns, keeping only where each turbine's rows are.
// Otherwise the folder layout is
//
//	<dir>/<turbine>/<sensor>/<stamp>.<ext>
//
// with ext a capture format (.wav, .mat, .csv) and the start time (UTC) in
// the file name: 20250301T020000Z, 2025-03-01T02:00:00Z,
// 2025-03-01T02-00-00Z or 20250301_020000, optionally with more text
// around it. Hidden files and folders (names starting with '.') are
// skipped, and so are files beside the turbine folders (assets.yaml);
// any other file in the layout that is not a capture, or a capture
// without a time stamp in its name, is an error naming it (from
// Captures, for the turbine that holds it).
func OpenFleet(dir string) (*Fleet, error) {
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
		err = f.indexManifestFile(mpath)
	case errors.Is(err, fs.ErrNotExist):
		err = f.listTurbines()
	default:
		err = fmt.Errorf("%s: %w", mpath, atomicfile.UnwrapPathError(err))
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// OpenFleetStore opens the fleet at st, a local folder or a prefix in
// object storage, as OpenFleet opens a folder: a manifest.csv at the top
// lists the captures (its paths are then keys relative to the location;
// see ManifestEntry.setKey), else the layout <turbine>/<sensor>/<stamp>.<ext>
// does. A local st is OpenFleet(st.String()). In object storage the
// turbines are the top-level folders (one delimiter listing), the manifest
// is read through once as a stream, and ctx serves Captures and the reads
// of the captures' sources; a location with no object at all is an error,
// as a missing folder is.
func OpenFleetStore(ctx context.Context, st *store.Store) (*Fleet, error) {
	if st.IsLocal() {
		f, err := OpenFleet(st.String())
		if err != nil {
			return nil, err
		}
		f.ctx = ctx
		return f, nil
	}
	f := &Fleet{Dir: st.String(), st: st, ctx: ctx}
	r, err := st.Open(ctx, FleetManifest)
	switch {
	case err == nil:
		defer r.Close()
		err = f.indexManifestObject(r)
	case errors.Is(err, fs.ErrNotExist):
		err = f.listTurbinesStore(ctx)
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// context returns the context of the fleet's listings and reads.
func (f *Fleet) context() context.Context {
	if f.ctx == nil {
		return context.Background()
	}
	return f.ctx
}

// ListFleet lists every capture of the fleet folder dir (see OpenFleet),
// sorted as Captures sorts them, turbine after turbine. It holds the
// whole fleet in memory; a scan goes turbine by turbine instead.
func ListFleet(dir string) ([]FleetCapture, error) {
	f, err := OpenFleet(dir)
	if err != nil {
		return nil, err
	}
	var all []FleetCapture
	for _, t := range f.Turbines {
		caps, err := f.Captures(t)
		if err != nil {
			return nil, err
		}
		all = append(all, caps...)
	}
	return all, nil
}

// Captures lists the captures of one turbine of the fleet, with their
// sizes and modification times, sorted by date (UTC), sensor, time and
// path. It is CapturesContext with the context given to OpenFleetStore
// (context.Background() for OpenFleet).
func (f *Fleet) Captures(turbine string) ([]FleetCapture, error) {
	return f.CapturesContext(f.context(), turbine)
}

// CapturesContext is Captures with a context for a fleet in object
// storage: there a layout turbine is one streaming listing of its prefix,
// and a manifest turbine ranged reads of its rows and one listing of the
// longest prefix its captures' keys share, for their sizes and
// modification times (see manifestCapturesStore). Local folders ignore
// ctx. Turbines may be listed concurrently.
func (f *Fleet) CapturesContext(ctx context.Context, turbine string) ([]FleetCapture, error) {
	if err := ctx.Err(); err != nil && f.st != nil {
		return nil, fmt.Errorf("%s: listing %s: %w", f.Dir, turbine, err)
	}
	var caps []FleetCapture
	var err error
	switch {
	case f.st != nil && f.Manifest != nil:
		caps, err = f.manifestCapturesStore(ctx, turbine)
	case f.st != nil:
		caps, err = f.layoutCapturesStore(ctx, turbine)
	case f.Manifest != nil:
		caps, err = f.manifestCaptures(turbine)
	default:
		caps, err = f.layoutCaptures(turbine)
	}
	if err != nil {
		return nil, err
	}
	if f.st == nil {
		for i := range caps {
			c := &caps[i]
			st, err := os.Stat(c.Path)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.Path, atomicfile.UnwrapPathError(err))
			}
			c.Size, c.ModTime = st.Size(), st.ModTime()
		}
	}
	sort.SliceStable(caps, func(i, j int) bool {
		a, b := &caps[i], &caps[j]
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
	for i := 1; i < len(caps); i++ {
		if caps[i].Rel == caps[i-1].Rel {
			return nil, fmt.Errorf("%s: %s is listed twice", f.Dir, caps[i].Rel)
		}
	}
	return caps, nil
}

// indexManifestFile indexes the manifest file at path (see
// indexManifest).
func (f *Fleet) indexManifestFile(path string) error {
	r, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
	}
	defer r.Close()
	return f.indexManifest(r, path)
}

// indexManifest reads the fleet's manifest (named path) through from r,
// checking every row, and keeps where each turbine's rows are.
func (f *Fleet) indexManifest(r io.Reader, path string) error {
	mr, err := newManifestReader(r, f.Dir)
	if err != nil {
		return &FileError{Path: path, Err: err}
	}
	mr.keys = f.st != nil
	f.rows = map[string][]manifestRow{}
	for {
		off := mr.offset()
		e, err := mr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &FileError{Path: path, Err: err}
		}
		if _, err := f.fleetEntry(&e, path); err != nil {
			return err
		}
		n := mr.offset() - off
		if n > math.MaxInt32 || e.Line > math.MaxInt32 {
			return fileErrorf(path, "line %d: a row of more than 2 GiB or beyond line 2^31 (not a manifest)", e.Line)
		}
		if _, ok := f.rows[e.Turbine]; !ok {
			f.Turbines = append(f.Turbines, e.Turbine)
		}
		f.rows[e.Turbine] = append(f.rows[e.Turbine], manifestRow{off: off, n: int32(n), line: int32(e.Line)})
	}
	if err := mr.finish(); err != nil {
		return &FileError{Path: path, Err: err}
	}
	sort.Strings(f.Turbines)
	mr.m.Path = path
	f.Manifest, f.mr = mr.m, mr
	return nil
}

// fleetEntry checks a manifest row of a fleet and makes it a capture.
func (f *Fleet) fleetEntry(e *ManifestEntry, path string) (FleetCapture, error) {
	if e.Turbine == "" || e.Sensor == "" || e.Time.IsZero() {
		return FleetCapture{}, fileErrorf(path, "line %d: a fleet manifest needs turbine, sensor and time on every row", e.Line)
	}
	if f.st != nil {
		// e.Path is a key (setKey): the capture is an object.
		key := e.Path
		e.Path = f.st.URL(key)
		return FleetCapture{Source: Source{Path: e.Path, Entry: e, Manifest: f.Manifest, st: f.st, key: key}, Rel: key,
			Turbine: e.Turbine, Sensor: e.Sensor, Time: e.Time.UTC()}, nil
	}
	rel, err := filepath.Rel(f.Dir, e.Path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return FleetCapture{}, fileErrorf(path, "line %d: capture %s is outside the fleet folder", e.Line, e.Path)
	}
	return FleetCapture{Source: Source{Path: e.Path, Entry: e, Manifest: f.Manifest}, Rel: filepath.ToSlash(rel),
		Turbine: e.Turbine, Sensor: e.Sensor, Time: e.Time.UTC()}, nil
}

// manifestCaptures reads the manifest rows of one turbine again, seeking
// to each run of consecutive rows.
func (f *Fleet) manifestCaptures(turbine string) ([]FleetCapture, error) {
	path := f.Manifest.Path
	r, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
	}
	defer r.Close()
	return f.manifestRows(turbine, func(_ int, off int64, next bool) (io.Reader, error) {
		if next {
			return nil, nil
		}
		if _, err := r.Seek(off, io.SeekStart); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return r, nil
	})
}

// manifestRows reads the manifest rows of one turbine again. For each of
// the turbine's rows, at(i, off, next) returns a reader of the manifest
// from offset off, where its i-th row starts, or nil to read the row from
// the current reader, which next says is possible (the row follows the
// one read before).
func (f *Fleet) manifestRows(turbine string, at func(i int, off int64, next bool) (io.Reader, error)) ([]FleetCapture, error) {
	path := f.Manifest.Path
	// A copy of the reader, with its own kinds to widen (no-ops: the rows
	// were read before), so that turbines may be listed concurrently.
	mr := *f.mr
	mr.m = &Manifest{MetaColumns: slices.Clone(f.mr.m.MetaColumns)}
	mr.nonEmpty = slices.Clone(f.mr.nonEmpty)
	var caps []FleetCapture
	pos := int64(-1)
	for i, row := range f.rows[turbine] {
		r, err := at(i, row.off, row.off == pos)
		if err != nil {
			return nil, err
		}
		if r != nil {
			mr.base = row.off
			mr.resume(r)
		}
		e, err := mr.next()
		if err != nil {
			// The file changed since OpenFleet read it.
			return nil, fileErrorf(path, "changed while the fleet was read (line %d: %v)", row.line, err)
		}
		pos = mr.offset()
		e.Line = int(row.line)
		if e.Turbine != turbine {
			return nil, fileErrorf(path, "changed while the fleet was read (line %d)", row.line)
		}
		entry := e
		c, err := f.fleetEntry(&entry, path)
		if err != nil {
			return nil, err
		}
		caps = append(caps, c)
	}
	return caps, nil
}

// listTurbines lists the turbine folders of the layout.
func (f *Fleet) listTurbines() error {
	entries, err := os.ReadDir(f.Dir)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Dir, atomicfile.UnwrapPathError(err))
	}
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			f.Turbines = append(f.Turbines, e.Name())
		}
	}
	return nil
}

// layoutCaptures lists the captures of one turbine folder of the layout.
func (f *Fleet) layoutCaptures(turbine string) ([]FleetCapture, error) {
	var caps []FleetCapture
	err := filepath.WalkDir(filepath.Join(f.Dir, turbine), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
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
		if len(parts) != 3 || !isCaptureExt(path) {
			return fmt.Errorf("%s: not a capture in the fleet layout <turbine>/<sensor>/<stamp>.<ext> (ext one of %s)", path, strings.Join(Formats, ", "))
		}
		t, err := StampFromName(d.Name())
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		e := &ManifestEntry{Path: path, Turbine: parts[0], Sensor: parts[1], Time: t}
		caps = append(caps, FleetCapture{Source: Source{Path: path, Entry: e},
			Rel: filepath.ToSlash(rel), Turbine: parts[0], Sensor: parts[1], Time: t})
		return nil
	})
	return caps, err
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

// ShardOf returns the shard (1…n) a turbine belongs to when a fleet is
// scanned in n shards: 1 + FNV-1a-64(turbine id, its UTF-8 bytes) mod n.
// The assignment depends on the turbine id and n only, so every worker
// computes it alone, and it never changes for a given n.
func ShardOf(turbine string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(turbine))
	return 1 + int(h.Sum64()%uint64(n))
}

// ParseShard parses a shard "K/N" (1 ≤ K ≤ N).
func ParseShard(s string) (k, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		k, err = strconv.Atoi(a)
		if err == nil {
			n, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("shard %q: want K/N with 1 ≤ K ≤ N, e.g. 2/7", s)
	}
	return k, n, nil
}
