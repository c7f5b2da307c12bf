package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/apache/arrow/go/v15/parquet"
	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/scanreport"
)

// outLoc is where a scan or a report writes: a local folder or a bucket
// prefix (datasets/store). Keys are '/'-paths relative to it. Every write
// is atomic (see store.Writer), so a reader never sees half a table.
type outLoc struct {
	ctx context.Context
	st  *store.Store
}

// openOut opens the output location loc (a path or a URL).
func openOut(ctx context.Context, loc string) (*outLoc, error) {
	st, err := store.Open(ctx, loc)
	if err != nil {
		return nil, err
	}
	return &outLoc{ctx: ctx, st: st}, nil
}

// name is what messages call the object key: its path or URL.
func (l *outLoc) name(key string) string { return l.st.URL(key) }

// String names the location.
func (l *outLoc) String() string { return l.st.String() }

// dirName is what messages call the folder dir ("." for the location).
func (l *outLoc) dirName(dir string) string {
	if dir == "." || dir == "" {
		return l.String()
	}
	return l.name(dir)
}

// join joins key elements with '/', dropping "." (a whole-fleet scan's
// derived folder).
func join(elem ...string) string { return path.Join(elem...) }

// exists reports whether the object key exists.
func (l *outLoc) exists(key string) (bool, error) {
	_, err := l.st.Stat(l.ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// writeFile writes the object key atomically.
func (l *outLoc) writeFile(key string, write func(io.Writer) error) error {
	return l.st.WriteFile(l.ctx, key, write)
}

// writeReport writes the four report files of rep into the folder dir.
func (l *outLoc) writeReport(dir string, rep *scanreport.Report) error {
	for _, f := range []struct {
		name   string
		encode func(io.Writer, *scanreport.Report) error
	}{
		{scanreport.DataFile, scanreport.EncodeData},
		{"report.html", scanreport.EncodeHTML},
		{"report.md", scanreport.EncodeMarkdown},
		{"summary.json", scanreport.EncodeSummaryJSON},
	} {
		if err := l.writeFile(join(dir, f.name), func(w io.Writer) error { return f.encode(w, rep) }); err != nil {
			return err
		}
	}
	return nil
}

// readReport reads the report data file in the folder dir.
func (l *outLoc) readReport(dir string) (*scanreport.Report, error) {
	key := join(dir, scanreport.DataFile)
	r, err := l.st.Open(l.ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return scanreport.DecodeData(r, l.name(key))
}

// summary reads the summary.json of the folder dir.
func (l *outLoc) summary(dir string) (*scanreport.Summary, error) {
	key := join(dir, "summary.json")
	r, err := l.st.Open(l.ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	s, err := scanreport.DecodeSummary(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.name(key), err)
	}
	return s, nil
}

// newFeatureWriter starts the features file key.
func (l *outLoc) newFeatureWriter(key string, s reports.FeatureSchema, meta map[string]string, o reports.FeatureWriterOptions) (*reports.FeatureWriter, error) {
	w, err := l.st.Create(l.ctx, key)
	if err != nil {
		return nil, err
	}
	return reports.NewFeatureWriterTo(l.name(key), w, s, meta, o)
}

// newRecordWriter starts the record table key.
func (l *outLoc) newRecordWriter(key, table string, version int, cols []reports.TableColumn, meta map[string]string) (*reports.RecordWriter, error) {
	w, err := l.st.Create(l.ctx, key)
	if err != nil {
		return nil, err
	}
	return reports.NewRecordWriterTo(l.name(key), w, table, version, cols, meta)
}

// openRecordTable opens the record table key for reading row by row;
// close the closer when done.
func (l *outLoc) openRecordTable(key string) (*reports.RecordReader, io.Closer, error) {
	r, err := l.st.OpenReaderAt(l.ctx, key)
	if err != nil {
		return nil, nil, err
	}
	t, err := reports.OpenRecordTableFrom(l.name(key), r, r.Size())
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	return t, r, nil
}

// sectionCloser is a ReaderAt of a store object as a parquet source that
// closes the object with the file.
type sectionCloser struct {
	*io.SectionReader
	io.Closer
}

// openFeatureTable opens the features table of the .parquet files under
// the folder dir (a hive-partitioned folder), in key order; nil, nil when
// there are none.
func (l *outLoc) openFeatureTable(dir string) (*reports.FeatureReader, error) {
	var keys []string
	for o, err := range l.st.List(l.ctx, dir+"/") {
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(o.Key, ".parquet") {
			keys = append(keys, o.Key)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	names := make([]string, len(keys))
	byName := make(map[string]string, len(keys))
	for i, k := range keys {
		names[i] = l.name(k)
		byName[names[i]] = k
	}
	return reports.OpenFeatureFiles(names, func(name string) (parquet.ReaderAtSeeker, error) {
		r, err := l.st.OpenReaderAt(l.ctx, byName[name])
		if err != nil {
			return nil, err
		}
		return sectionCloser{io.NewSectionReader(r, 0, r.Size()), r}, nil
	})
}

// partitionValues returns the unescaped values of the key=value folders
// in the folder dir, sorted by folder name.
func (l *outLoc) partitionValues(dir, key string) ([]string, error) {
	var vals []string
	for c, err := range l.st.Children(l.ctx, dir+"/") {
		if err != nil {
			return nil, err
		}
		v, ok := strings.CutPrefix(c.Name, key+"=")
		if !ok || !c.Dir {
			continue
		}
		u, err := reports.HiveUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.name(dir+"/"+c.Name), err)
		}
		vals = append(vals, u)
	}
	return vals, nil
}
