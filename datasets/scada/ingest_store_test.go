package scada_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/scada"
)

// scadaFolder writes SCADA inputs under dir: exports in nested folders
// (one named so that a byte-order listing and a walk differ: a-b.csv,
// a/x.csv), an event log, a file that is not CSV, a hidden-free layout,
// and a scada table.
func scadaFolder(t *testing.T, dir string) {
	t.Helper()
	copyTo := func(src, rel string) {
		data, err := os.ReadFile(filepath.Join("testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyTo("split_2.csv", "scada/a-b.csv")
	copyTo("split_1.csv", "scada/a/x.csv")
	copyTo("bom_comma_crlf.csv", "scada/T1.CSV")
	copyTo("edp_alarms.csv", "events/alarms.csv")
	copyTo("split_1.csv", "scada/notes.txt")
	t0 := time.Date(2017, 10, 29, 0, 50, 0, 0, time.UTC)
	writeTable(t, filepath.Join(dir, "table.parquet"), testCols, [][]any{
		{"B", t0, int32(60), 100.0, 5.0, 1.0, 99.0, false},
		{"A", t0.Add(10 * time.Minute), int32(60), math.NaN(), 6.5, 1.0, 99.0, true},
		{"A", t0, int32(120), 200.0, 7.25, 1.0, 99.0, false},
	})
}

// same compares values holding NaN (missing SCADA values), which
// reflect.DeepEqual finds unequal to themselves: by their printed form,
// which prints every float exactly (shortest round-trip form).
func same(a, b any) bool {
	return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b)
}

// sameReport compares two Reports with the local folder's name replaced
// by the URL's.
func sameReport(t *testing.T, local, remote *scada.Report, dir, url string) {
	t.Helper()
	a, _ := json.Marshal(local)
	b, _ := json.Marshal(remote)
	if want := strings.ReplaceAll(string(a), dir, url); want != string(b) {
		t.Errorf("reports differ:\n got %s\nwant %s", b, want)
	}
}

// TestSCADAURLs reads the same SCADA inputs as paths and as file:// URLs
// (gocloud's fileblob) with every function the scan uses.
func TestSCADAURLs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	scadaFolder(t, dir)
	url := "file://" + filepath.ToSlash(dir)
	toURL := func(p string) string { return url + strings.TrimPrefix(filepath.ToSlash(p), filepath.ToSlash(dir)) }

	local, err := scada.ExpandPaths([]string{filepath.Join(dir, "scada")})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "?metadata=skip"} {
		remote, err := scada.ExpandPaths([]string{url + "/scada" + q})
		if err != nil {
			t.Fatal(err)
		}
		if len(remote) != len(local) || len(local) != 3 {
			t.Fatalf("ExpandPaths: %v, want the URLs of %v", remote, local)
		}
		for i := range local {
			if want := toURL(local[i]) + q; remote[i] != want {
				t.Errorf("file %d: %s, want %s", i, remote[i], want)
			}
		}
	}
	lfiles, err := scada.ExpandFiles(ctx, []string{filepath.Join(dir, "scada"), filepath.Join(dir, "table.parquet")})
	if err != nil {
		t.Fatal(err)
	}
	rfiles, err := scada.ExpandFiles(ctx, []string{url + "/scada/?metadata=skip", url + "/table.parquet?metadata=skip"})
	if err != nil {
		t.Fatal(err)
	}
	if len(lfiles) != 4 || len(rfiles) != 4 {
		t.Fatalf("ExpandFiles: %d and %d files, want 4", len(lfiles), len(rfiles))
	}
	for i := range lfiles {
		l, r := lfiles[i], rfiles[i]
		if r.Name != toURL(l.Path) || r.Path != r.Name+"?metadata=skip" || r.Size != l.Size || !r.ModTime.Equal(l.ModTime) || l.Name != l.Path {
			t.Errorf("file %d: %+v, local %+v", i, r, l)
		}
	}

	// An event log: the events name their source file.
	lt, lr, err := scada.Ingest([]string{filepath.Join(dir, "events"), filepath.Join(dir, "scada", "T1.CSV")}, scada.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rt, rr, err := scada.IngestContext(ctx, []string{url + "/events", url + "/scada/T1.CSV"}, scada.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lt.Events) == 0 || len(lt.Events) != len(rt.Events) {
		t.Fatalf("%d events, want %d", len(rt.Events), len(lt.Events))
	}
	for i := range lt.Events {
		if want := toURL(lt.Events[i].Source); rt.Events[i].Source != want {
			t.Errorf("event source %s, want %s", rt.Events[i].Source, want)
		}
		lt.Events[i].Source = rt.Events[i].Source
	}
	if !same(lt, rt) {
		t.Error("tables with events differ")
	}
	sameReport(t, lr, rr, dir, url)

	// Ingest and Load of the folder, of one file, of the table.
	for _, c := range []struct{ local, remote string }{
		{filepath.Join(dir, "scada"), url + "/scada"},
		{filepath.Join(dir, "scada", "a", "x.csv"), url + "/scada/a/x.csv?metadata=skip"},
		{filepath.Join(dir, "table.parquet"), url + "/table.parquet"},
	} {
		lt, lr, err := scada.Load([]string{c.local}, scada.Options{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		rt, rr, err := scada.Load([]string{c.remote}, scada.Options{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(lt.Rows) == 0 || !same(lt, rt) {
			t.Errorf("%s: tables differ (%d and %d rows)", c.remote, len(lt.Rows), len(rt.Rows))
		}
		if (lr == nil) != (rr == nil) {
			t.Fatalf("%s: report %v, want %v", c.remote, rr != nil, lr != nil)
		}
		if lr != nil {
			sameReport(t, lr, rr, dir, url)
		}
		power := scada.Column{Signal: scada.ActivePower, Stat: scada.Avg}
		ls, err := scada.LoadSignal([]string{c.local}, scada.Options{}, power)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := scada.LoadSignalContext(ctx, []string{c.remote}, scada.Options{}, power)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) == 0 || len(ls) != len(rs) {
			t.Errorf("%s: signals of %d turbines, want %d", c.remote, len(rs), len(ls))
		}
		for tb, l := range ls {
			if r := rs[tb]; r == nil || !same(*l, *r) {
				t.Errorf("%s: signal of %s differs", c.remote, tb)
			}
		}
	}
	lt, err = scada.ReadParquet(filepath.Join(dir, "table.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	rt, err = scada.ReadParquetContext(ctx, url+"/table.parquet?metadata=skip")
	if err != nil || !same(lt, rt) {
		t.Errorf("ReadParquet: %v", err)
	}
	if !scada.IsParquet(url+"/table.parquet?metadata=skip") || scada.IsParquet(url+"/x.csv?p=.parquet") || !scada.IsParquet("a/B.PARQUET") {
		t.Error("IsParquet")
	}
}

// TestSCADAURLErrors: missing and hostile objects give one line naming
// the URL.
func TestSCADAURLErrors(t *testing.T) {
	dir := t.TempDir()
	url := "file://" + filepath.ToSlash(dir)
	os.WriteFile(filepath.Join(dir, "bad.parquet"), []byte("PAR1 not really PAR1"), 0o644)
	os.WriteFile(filepath.Join(dir, "utf16.csv"), []byte("\xff\xfeW\x00T\x00"), 0o644)
	os.MkdirAll(filepath.Join(dir, "empty", "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "empty", "sub", "x.txt"), []byte("x"), 0o644)
	for _, c := range []struct {
		paths []string
		want  string
	}{
		{[]string{url + "/missing.csv"}, "scada: " + url + "/missing.csv: not found (no object, and nothing under it)"},
		{[]string{url + "/missing"}, "scada: " + url + "/missing: not found"},
		{[]string{"file://" + filepath.ToSlash(dir) + "/nodir/x.csv"}, "scada: " + url + "/nodir: no such folder"},
		{[]string{url + "/bad.parquet?metadata=skip"}, "scada: " + url + "/bad.parquet: "},
		{[]string{url + "/utf16.csv"}, "scada: " + url + "/utf16.csv: "},
		{[]string{url + "/bad.parquet", url + "/utf16.csv"}, "scada: " + url + "/bad.parquet: give one scada table"},
		{[]string{"s3://b/%zz"}, "scada: s3://b/%zz: not a valid URL"},
	} {
		_, _, err := scada.Load(c.paths, scada.Options{})
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "metadata=") {
			t.Errorf("Load(%v): %v, want %q…", c.paths, err, c.want)
		}
	}
	// A folder with objects but no CSV: no files, as for a local folder.
	files, err := scada.ExpandPaths([]string{url + "/empty"})
	if err != nil || len(files) != 0 {
		t.Errorf("folder without CSV: %v, %v", files, err)
	}
	if _, err := scada.ReadParquet(url + "/missing.parquet"); !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "scada: "+url+"/missing.parquet: not found") {
		t.Errorf("missing table: %v", err)
	}
}
