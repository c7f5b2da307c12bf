package datasets

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/reports/atomicfile"
)

// Source is one capture file to read, with the manifest row that named it
// when it came from a manifest.
type Source struct {
	// Path is the file's path, or the object's URL for a capture of a
	// fleet in object storage (OpenFleetStore).
	Path  string
	Entry *ManifestEntry
	// Manifest is the manifest Entry belongs to, nil for a file named
	// directly or found in a folder.
	Manifest *Manifest

	// st and key locate a capture in object storage; st is nil for a
	// local file.
	st  *store.Store
	key string
}

// Read reads the source's captures; see ManifestEntry.Read for what a
// manifest row adds. A capture in object storage is read in one request
// (without a deadline: FleetCapture.ReadAll takes a context).
func (s Source) Read(opts Options) ([]Capture, error) {
	if s.st != nil {
		data, err := s.readObject(context.Background())
		if err != nil {
			return nil, err
		}
		return s.ReadData(data, opts)
	}
	if s.Entry == nil {
		return Read(s.Path, opts)
	}
	return s.Entry.Read(opts)
}

// ReadData is Read on data, the content of the source's file (see the
// function ReadData): the same captures and errors as Read gives when the
// file holds data, with what a manifest row adds; errors are *FileError
// naming s.Path.
func (s Source) ReadData(data []byte, opts Options) ([]Capture, error) {
	if s.Entry == nil {
		return ReadData(s.Path, data, opts)
	}
	caps, err := ReadData(s.Path, data, s.Entry.Options(opts))
	if err != nil {
		return nil, err
	}
	for i := range caps {
		s.Entry.Apply(&caps[i])
	}
	return caps, nil
}

// readObject reads the source's object from its store; an error is a
// *FileError naming s.Path once.
func (s Source) readObject(ctx context.Context) ([]byte, error) {
	data, err := s.st.ReadAll(ctx, s.key)
	if err != nil {
		return nil, storeFileError(s.Path, err)
	}
	return data, nil
}

// storeFileError makes err, from package store and naming the object
// name (its message starts "name: "), a *FileError for name that says it
// once.
func storeFileError(name string, err error) error {
	msg, ok := strings.CutPrefix(err.Error(), name+": ")
	if !ok {
		return &FileError{Path: name, Err: err}
	}
	return &FileError{Path: name, Err: &namedError{msg: msg, err: err}}
}

// namedError is an error whose message was cut of the name a FileError
// gives; it unwraps to the original error.
type namedError struct {
	msg string
	err error
}

func (e *namedError) Error() string { return e.msg }

func (e *namedError) Unwrap() error { return e.err }

// Sources returns one source per manifest row, in manifest order.
func (m *Manifest) Sources() []Source {
	out := make([]Source, len(m.Entries))
	for i := range m.Entries {
		out[i] = Source{Path: m.Entries[i].Path, Entry: &m.Entries[i], Manifest: m}
	}
	return out
}

// Sources expands command-line inputs into capture files, in a stable
// order: a file is taken as it is (a CSV with a `path` column is read as a
// manifest and stands for the files it lists); a folder stands for every
// capture file below it, recursively, sorted by path (manifests in it are
// skipped, as they list files the walk finds anyway); manifest is an
// explicit manifest ("" for none). Hidden files and folders (names
// starting with '.') are skipped in folders.
func Sources(inputs []string, manifest string) ([]Source, error) {
	var out []Source
	if manifest != "" {
		m, err := ReadManifest(manifest)
		if err != nil {
			return nil, err
		}
		out = append(out, m.Sources()...)
	}
	for _, in := range inputs {
		st, err := os.Stat(in)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in, atomicfile.UnwrapPathError(err))
		}
		if !st.IsDir() {
			srcs, err := fileSources(in)
			if err != nil {
				return nil, err
			}
			out = append(out, srcs...)
			continue
		}
		var found []string
		err = filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("%s: %w", path, atomicfile.UnwrapPathError(err))
			}
			if path != in && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && isCaptureExt(path) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, p := range found {
			// A manifest found in a folder lists captures the walk finds
			// anyway; it is read only when named.
			if strings.EqualFold(filepath.Ext(p), ".csv") {
				if ok, err := IsManifest(p); err != nil {
					return nil, err
				} else if ok {
					continue
				}
			}
			out = append(out, Source{Path: p})
		}
	}
	return out, nil
}

// fileSources returns the sources one named file stands for.
func fileSources(path string) ([]Source, error) {
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		ok, err := IsManifest(path)
		if err != nil {
			return nil, err
		}
		if ok {
			m, err := ReadManifest(path)
			if err != nil {
				return nil, err
			}
			return m.Sources(), nil
		}
	}
	return []Source{{Path: path}}, nil
}

func isCaptureExt(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	for _, f := range Formats {
		if ext == f {
			return true
		}
	}
	return false
}

// MetaColumnsOf returns the metadata columns of the manifests srcs came
// from, in the order they first appear. A column that two manifests type
// differently takes the wider type: integer and float make float, and
// anything with string makes string.
func MetaColumnsOf(srcs []Source) []MetaColumn {
	var cols []MetaColumn
	index := map[string]int{}
	seen := map[*Manifest]bool{}
	for _, s := range srcs {
		if s.Manifest == nil || seen[s.Manifest] {
			continue
		}
		seen[s.Manifest] = true
		for _, c := range s.Manifest.MetaColumns {
			i, ok := index[c.Name]
			if !ok {
				index[c.Name] = len(cols)
				cols = append(cols, c)
				continue
			}
			cols[i].Kind = widerKind(cols[i].Kind, c.Kind)
		}
	}
	return cols
}

func widerKind(a, b MetaKind) MetaKind {
	switch {
	case a == b:
		return a
	case a == MetaString || b == MetaString:
		return MetaString
	default: // integer and float
		return MetaFloat
	}
}
