package datasets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/reports/atomicfile"
)

// A fleet in object storage (OpenFleetStore): the same layout or manifest
// as a folder, read through package store.

// ReadAll returns the content of the capture's file or object, read once
// (one GET in object storage). Errors are *FileError naming c.Path. With
// Source.ReadData it lets a caller hash and decode a capture from one read.
func (c *FleetCapture) ReadAll(ctx context.Context) ([]byte, error) {
	if c.st != nil {
		return c.readObject(ctx)
	}
	data, err := os.ReadFile(c.Path)
	if err != nil {
		return nil, &FileError{Path: c.Path, Err: atomicfile.UnwrapPathError(err)}
	}
	return data, nil
}

// ReadAssets reads the fleet's assets file (FleetAssets at the top of the
// fleet): nil and no error when there is none. Errors are *FileError
// naming the file or object, as ReadAssets gives.
func (f *Fleet) ReadAssets(ctx context.Context) (*Assets, error) {
	if f.st == nil {
		path := filepath.Join(f.Dir, FleetAssets)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return ReadAssets(path)
	}
	a, err := readAssetsObject(ctx, f.st, FleetAssets)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return a, err
}

// listTurbinesStore lists the turbine folders of the layout in object
// storage: the top-level folders of the location. A location without any
// object is refused, as OpenFleet refuses a missing folder.
func (f *Fleet) listTurbinesStore(ctx context.Context) error {
	for c, err := range f.st.Children(ctx, "") {
		if err != nil {
			return err
		}
		if c.Dir {
			f.Turbines = append(f.Turbines, c.Name)
		}
	}
	sort.Strings(f.Turbines)
	if len(f.Turbines) > 0 {
		return nil
	}
	next, stop := iter.Pull2(f.st.List(ctx, ""))
	defer stop()
	if _, err, ok := next(); ok {
		// Something is there (an assets file): a fleet without turbines.
		return err
	}
	return fmt.Errorf("%s: no objects under this location (--fleet is the fleet folder or prefix)", f.Dir)
}

// layoutCapturesStore lists one turbine of the layout in object storage:
// one streaming listing of the prefix "<turbine>/", with sizes and
// modification times from the listing. The rules are layoutCaptures's.
func (f *Fleet) layoutCapturesStore(ctx context.Context, turbine string) ([]FleetCapture, error) {
	var caps []FleetCapture
	for o, err := range f.st.List(ctx, turbine+"/") {
		if err != nil {
			return nil, err
		}
		url := f.st.URL(o.Key)
		parts := strings.Split(o.Key, "/")
		for _, p := range parts {
			if p == "" || p == "." || p == ".." {
				return nil, fmt.Errorf("%s: an empty, '.' or '..' element in the key (not in the fleet layout <turbine>/<sensor>/<stamp>.<ext>)", url)
			}
		}
		if len(parts) > 3 {
			return nil, fmt.Errorf("%s: folder below <turbine>/<sensor>/ (the fleet layout is <turbine>/<sensor>/<stamp>.<ext>)", f.st.URL(strings.Join(parts[:3], "/")))
		}
		if len(parts) != 3 || !isCaptureExt(o.Key) {
			return nil, fmt.Errorf("%s: not a capture in the fleet layout <turbine>/<sensor>/<stamp>.<ext> (ext one of %s)", url, strings.Join(Formats, ", "))
		}
		t, err := StampFromName(parts[2])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", url, err)
		}
		e := &ManifestEntry{Path: url, Turbine: parts[0], Sensor: parts[1], Time: t}
		caps = append(caps, FleetCapture{Source: Source{Path: url, Entry: e, st: f.st, key: o.Key},
			Rel: o.Key, Turbine: parts[0], Sensor: parts[1], Time: t, Size: o.Size, ModTime: o.ModTime})
	}
	return caps, nil
}

// indexManifestObject indexes the fleet's manifest object, read as one
// stream from r (see indexManifest), and keeps its size and modification
// time to tell, when a turbine's rows are read again, that it was
// replaced.
func (f *Fleet) indexManifestObject(r *store.Reader) error {
	f.mSize, f.mMod = r.Size(), r.ModTime()
	return f.indexManifest(r, f.st.URL(FleetManifest))
}

// Ranged reads of a manifest in object storage: a turbine's rows are
// fetched in ranges that span rows of other turbines when those are at
// most manifestGap bytes, up to manifestSpan bytes a range (or one row).
const (
	manifestGap  = 64 << 10
	manifestSpan = 4 << 20
)

// manifestCapturesStore reads one turbine's manifest rows from object
// storage by ranged reads, then lists the longest key prefix the
// turbine's captures share (for a manifest that follows the layout,
// "<turbine>/") for their sizes and modification times; a capture that
// listing does not show (a hidden name) costs one Stat, and a missing one
// is an error naming it.
func (f *Fleet) manifestCapturesStore(ctx context.Context, turbine string) ([]FleetCapture, error) {
	rows := f.rows[turbine]
	var (
		buf   []byte
		start int64
		end   int // rows[:end] are in buf
	)
	caps, err := f.manifestRows(turbine, func(i int, off int64, next bool) (io.Reader, error) {
		if i < end && next {
			return nil, nil
		}
		if i >= end {
			// Fetch the range of rows i…j-1.
			start = rows[i].off
			stop := rows[i].off + int64(rows[i].n)
			j := i + 1
			for ; j < len(rows); j++ {
				r := rows[j]
				if r.off-stop > manifestGap || r.off+int64(r.n)-start > manifestSpan {
					break
				}
				stop = r.off + int64(r.n)
			}
			var err error
			if buf, err = f.manifestRange(ctx, start, stop-start); err != nil {
				return nil, err
			}
			end = j
		}
		return bytes.NewReader(buf[off-start:]), nil
	})
	if err != nil || len(caps) == 0 {
		return caps, err
	}

	at := make(map[string][]int, len(caps))
	prefix := caps[0].Rel
	for i := range caps {
		k := caps[i].Rel
		at[k] = append(at[k], i)
		n := 0
		for n < len(prefix) && n < len(k) && prefix[n] == k[n] {
			n++
		}
		prefix = prefix[:n]
	}
	found := 0
	for o, err := range f.st.List(ctx, prefix) {
		if err != nil {
			return nil, err
		}
		for _, i := range at[o.Key] {
			caps[i].Size, caps[i].ModTime = o.Size, o.ModTime
			found++
		}
		delete(at, o.Key)
		if len(at) == 0 {
			break
		}
	}
	if found < len(caps) {
		for key, idx := range at {
			o, err := f.st.Stat(ctx, key)
			if err != nil {
				return nil, err
			}
			for _, i := range idx {
				caps[i].Size, caps[i].ModTime = o.Size, o.ModTime
			}
		}
	}
	return caps, nil
}

// manifestRange reads n bytes of the manifest object from off, checking
// that the object is still the one indexed.
func (f *Fleet) manifestRange(ctx context.Context, off, n int64) ([]byte, error) {
	path := f.Manifest.Path
	rc, err := f.st.OpenRange(ctx, FleetManifest, off, n)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if r, ok := rc.(interface {
		Size() int64
		ModTime() time.Time
	}); ok && (r.Size() != f.mSize || !r.ModTime().Equal(f.mMod)) {
		return nil, fileErrorf(path, "changed while the fleet was read (now %d bytes, modified %s; was %d bytes, modified %s)",
			r.Size(), r.ModTime().UTC().Format(time.RFC3339), f.mSize, f.mMod.UTC().Format(time.RFC3339))
	}
	buf, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	if int64(len(buf)) != n {
		return nil, fileErrorf(path, "changed while the fleet was read (%d bytes at offset %d, want %d)", len(buf), off, n)
	}
	return buf, nil
}
