package scada

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/reports/atomicfile"
)

// SCADA inputs in object storage: every function that takes SCADA paths
// (ExpandPaths, Ingest, Load, LoadSignal, ReadParquet) also takes URLs
// (s3://bucket/scada/WT01.csv, s3://bucket/scada, file:///data/scada, with
// the query parameters of package store). A URL naming an object is a
// file; any other URL is a folder: the *.csv objects under it. Each
// location is opened once per process (store.OpenShared).

// File is one SCADA input file, as ExpandFiles finds it.
type File struct {
	// Path is the file as Ingest and Load take it: a local path, or the
	// object's URL with the query of the URL it was found under.
	Path string
	// Name is how messages and the Report name it: Path, for a URL without
	// its query (store.DisplayURL).
	Name string
	// Size and ModTime are the file's or object's (for a bucket, when the
	// upload completed).
	Size    int64
	ModTime time.Time
}

// ExpandPathsContext returns the files of paths: local files and URLs of
// objects as given; a local folder replaced by its *.csv files
// (recursively, in lexical order); a URL that names no object by the
// *.csv objects under it as a folder (recursively, in the order a walk of
// the same folder gives: by name, path element after path element), each
// as the URL of the object with the query of the URL given. Hidden
// objects (a name starting with '.') are skipped in object storage. A URL
// with neither an object nor anything under it is an error naming it.
func ExpandPathsContext(ctx context.Context, paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if !store.IsURL(p) {
			files, err := expandLocal(p)
			if err != nil {
				return nil, err
			}
			out = append(out, files...)
			continue
		}
		files, err := expandURL(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			out = append(out, f.Path)
		}
	}
	return out, nil
}

// ExpandFiles is ExpandPathsContext with each file's size and modification
// time: from the listing for the objects under a URL folder, from one Stat
// for a local file or an object named by its URL.
func ExpandFiles(ctx context.Context, paths []string) ([]File, error) {
	var out []File
	for _, p := range paths {
		if store.IsURL(p) {
			files, err := expandURL(ctx, p)
			if err != nil {
				return nil, err
			}
			out = append(out, files...)
			continue
		}
		files, err := expandLocal(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			st, err := os.Stat(f)
			if err != nil {
				return nil, fmt.Errorf("scada: %s: %w", f, atomicfile.UnwrapPathError(err))
			}
			out = append(out, File{Path: f, Name: f, Size: st.Size(), ModTime: st.ModTime()})
		}
	}
	return out, nil
}

// openURL opens the location holding the object or prefix u and returns
// its key there ("" for the whole location).
func openURL(ctx context.Context, u string) (st *store.Store, parent, key string, err error) {
	parent, key, err = store.SplitURL(u)
	if err != nil {
		return nil, "", "", fmt.Errorf("scada: %w", err)
	}
	st, err = store.OpenShared(ctx, parent)
	if err != nil {
		return nil, "", "", fmt.Errorf("scada: %w", err)
	}
	return st, parent, key, nil
}

// expandURL expands one URL (see ExpandPathsContext).
func expandURL(ctx context.Context, u string) ([]File, error) {
	st, parent, key, err := openURL(ctx, u)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if key != "" {
		o, err := st.Stat(ctx, key)
		if err == nil {
			return []File{{Path: u, Name: store.DisplayURL(u), Size: o.Size, ModTime: o.ModTime}}, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("scada: %w", err)
		}
		prefix = key + "/"
	}
	var found []store.Object
	seen := false
	for o, err := range st.List(ctx, prefix) {
		if err != nil {
			return nil, fmt.Errorf("scada: %w", err)
		}
		seen = true
		if strings.EqualFold(path.Ext(o.Key), ".csv") {
			found = append(found, o)
		}
	}
	if !seen && key != "" {
		return nil, fmt.Errorf("scada: %s: not found (no object, and nothing under it)", store.DisplayURL(u))
	}
	// A walk's order: '/' before every other byte.
	walkKey := func(k string) string { return strings.ReplaceAll(k, "/", "\x00") }
	slices.SortFunc(found, func(a, b store.Object) int { return strings.Compare(walkKey(a.Key), walkKey(b.Key)) })
	out := make([]File, len(found))
	for i, o := range found {
		full, err := store.JoinURL(parent, o.Key)
		if err != nil {
			return nil, fmt.Errorf("scada: %w", err)
		}
		out[i] = File{Path: full, Name: st.URL(o.Key), Size: o.Size, ModTime: o.ModTime}
	}
	return out, nil
}

// readInput returns the name (for messages and the Report) and content of
// one SCADA file: a local path, or the URL of an object.
func readInput(ctx context.Context, p string) (name string, data []byte, err error) {
	if !store.IsURL(p) {
		data, err := os.ReadFile(p)
		if err != nil {
			return "", nil, fmt.Errorf("scada: %w", err)
		}
		return p, data, nil
	}
	st, _, key, err := openURL(ctx, p)
	if err != nil {
		return "", nil, err
	}
	name = store.DisplayURL(p)
	if key == "" {
		return "", nil, fmt.Errorf("scada: %s: names a bucket, not a file", name)
	}
	data, err = st.ReadAll(ctx, key)
	if err != nil {
		return "", nil, fmt.Errorf("scada: %w", err)
	}
	return name, data, nil
}

// IsParquet reports whether p, a path or a URL, names a scada table
// (.parquet, case-insensitive; for a URL, of its path, not its query).
func IsParquet(p string) bool {
	if store.IsURL(p) {
		if u, err := url.Parse(p); err == nil {
			return strings.EqualFold(path.Ext(u.Path), ".parquet")
		}
	}
	return strings.EqualFold(filepath.Ext(p), ".parquet")
}
