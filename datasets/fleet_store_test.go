package datasets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"gocloud.dev/blob/memblob"

	"github.com/windpm/windpm/datasets/store"
)

// copyFixture copies a test fixture to dir/rel.
func copyFixture(t *testing.T, src, dir, rel string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", src))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, rel, data)
}

func writeFile(t *testing.T, dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// storeFleet writes a layout fleet of every capture format to dir: three
// turbines (one named so that its prefix sorts before another's folder),
// hidden files, an assets file.
func storeFleet(t *testing.T, dir string) {
	t.Helper()
	copyFixture(t, "wav/pcm16_stereo.wav", dir, "WT01/gbx/20250301T020000Z.wav")
	copyFixture(t, "csv/timestamp.csv", dir, "WT01/gbx/20250302T020000Z.csv")
	copyFixture(t, "csv/header_comma.csv", dir, "WT01/main/2025-03-01T01-00-00Z.csv")
	copyFixture(t, "mat/cwrulike.mat", dir, "WT01/main/2025-03-01T02-00-00Z.mat")
	copyFixture(t, "wav/three_ch_float32.wav", dir, "WT01-old/gbx/capture_20240301_010000.wav")
	writeTestWAV(t, filepath.Join(dir, "WT02", "gbx", "20250301T020000Z.wav"))
	copyFixture(t, "assets/valid.yaml", dir, FleetAssets)
	writeFile(t, dir, "WT01/.hidden", []byte("x"))
	writeFile(t, dir, ".windpm/state", []byte("x"))
}

// storeManifest is a manifest over storeFleet's files: a byte-order
// mark, turbines interleaved, a comment, a quoted cell over two lines,
// metadata that widens, manifest overrides of channel, rate and unit.
const storeManifest = "\xEF\xBB\xBFpath,turbine,sensor,time,channel,sample_rate_hz,unit,site,load\n" +
	"WT01/main/2025-03-01T02-00-00Z.mat,WT01,main,2025-03-01T02:00:00Z,DE,,g,north,1\n" +
	"WT02/gbx/20250301T020000Z.wav,WT02,gbx,2025-03-01T02:00:00Z,,,,\"south\nridge\",2\n" +
	"# a comment\n" +
	"WT01/gbx/20250301T020000Z.wav,WT01,gbx,2025-03-01T02:00:00Z,ch1,,m/s2,north,3\n" +
	"WT01-old/gbx/capture_20240301_010000.wav,WT01-old,gbx,2024-03-01T01:00:00Z,,,,old,\n" +
	"./WT01/main/2025-03-01T01-00-00Z.csv,WT01,main,2025-03-01T01:00:00Z,acc_y,2048,,north,2.5\n"

// entryWithoutPath returns a copy of e without its path, which differs
// between a folder and a bucket.
func entryWithoutPath(e *ManifestEntry) ManifestEntry {
	c := *e
	c.Path = ""
	return c
}

// captureOptions are the options the fleet tests read captures with.
var captureOptions = []Options{{}, {Channel: "ch0"}, {RateHz: 4096}}

// compareFleets checks that a fleet in object storage lists and reads as
// the same fleet in a folder: turbines, captures (all but Path), and the
// captures of every file through ReadAll+ReadData and Source.Read.
func compareFleets(t *testing.T, local, remote *Fleet) int {
	return compareFleetsTimes(t, local, remote, true)
}

// compareFleetsTimes is compareFleets; sameTimes false lets the
// modification times differ (objects uploaded to a bucket).
func compareFleetsTimes(t *testing.T, local, remote *Fleet, sameTimes bool) int {
	t.Helper()
	ctx := context.Background()
	if !reflect.DeepEqual(local.Turbines, remote.Turbines) {
		t.Fatalf("turbines %v, want %v", remote.Turbines, local.Turbines)
	}
	if (local.Manifest == nil) != (remote.Manifest == nil) {
		t.Fatalf("manifest %v, want %v", remote.Manifest != nil, local.Manifest != nil)
	}
	if local.Manifest != nil && !reflect.DeepEqual(local.Manifest.MetaColumns, remote.Manifest.MetaColumns) {
		t.Errorf("metadata columns %v, want %v", remote.Manifest.MetaColumns, local.Manifest.MetaColumns)
	}
	n := 0
	for _, turbine := range local.Turbines {
		lc, err := local.Captures(turbine)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := remote.Captures(turbine)
		if err != nil {
			t.Fatal(err)
		}
		if len(lc) != len(rc) {
			t.Fatalf("%s: %d captures, want %d", turbine, len(rc), len(lc))
		}
		for i := range lc {
			l, r := &lc[i], &rc[i]
			if r.Rel != l.Rel || r.Turbine != l.Turbine || r.Sensor != l.Sensor || !r.Time.Equal(l.Time) ||
				r.Size != l.Size || (sameTimes && !r.ModTime.Equal(l.ModTime)) || r.ModTime.IsZero() {
				t.Errorf("capture %d of %s:\n got %s %s %s %v %d %v\nwant %s %s %s %v %d %v", i, turbine,
					r.Rel, r.Turbine, r.Sensor, r.Time, r.Size, r.ModTime, l.Rel, l.Turbine, l.Sensor, l.Time, l.Size, l.ModTime)
			}
			if want := remote.Dir + "/" + r.Rel; r.Path != want || r.Entry.Path != want {
				t.Errorf("path %s (entry %s), want %s", r.Path, r.Entry.Path, want)
			}
			if !reflect.DeepEqual(entryWithoutPath(l.Entry), entryWithoutPath(r.Entry)) || (l.Manifest == nil) != (r.Manifest == nil) {
				t.Errorf("%s: entry %+v, want %+v", r.Rel, *r.Entry, *l.Entry)
			}
			ldata, err := l.ReadAll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			rdata, err := r.ReadAll(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if string(ldata) != string(rdata) {
				t.Fatalf("%s: ReadAll differs", r.Rel)
			}
			for _, o := range captureOptions {
				want, werr := l.Source.Read(o)
				viaData, derr := l.Source.ReadData(ldata, o)
				got, gerr := r.Source.ReadData(rdata, o)
				got2, gerr2 := r.Source.Read(o)
				if fmt.Sprint(werr) != fmt.Sprint(derr) || !reflect.DeepEqual(want, viaData) {
					t.Fatalf("%s %+v: local ReadData %v, Read %v", l.Path, o, derr, werr)
				}
				if (werr == nil) != (gerr == nil) || (gerr == nil) != (gerr2 == nil) {
					t.Fatalf("%s %+v: errors %v / %v, want %v", r.Path, o, gerr, gerr2, werr)
				}
				if werr != nil {
					if want, got := strings.Replace(werr.Error(), l.Path, r.Path, 1), gerr.Error(); got != want || gerr2.Error() != want {
						t.Errorf("error %q (Read %q), want %q", got, gerr2, want)
					}
					continue
				}
				n++
				for k := range want {
					if got[k].Path != r.Path || got2[k].Path != r.Path {
						t.Errorf("capture path %s, want %s", got[k].Path, r.Path)
					}
					want[k].Path, got[k].Path, got2[k].Path = "", "", ""
				}
				if !reflect.DeepEqual(want, got) || !reflect.DeepEqual(want, got2) {
					t.Fatalf("%s %+v: captures differ", r.Path, o)
				}
			}
		}
	}
	la, err := local.ReadAssets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ra, err := remote.ReadAssets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(la, ra) {
		t.Errorf("assets differ: %+v, want %+v", ra, la)
	}
	return n
}

// openFileURL opens dir as a file:// location (gocloud's fileblob).
func openFileURL(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), "file://"+filepath.ToSlash(dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestFleetStoreLayout opens the same layout fleet as a folder and as a
// file:// URL, and through a local Store.
func TestFleetStoreLayout(t *testing.T) {
	dir := t.TempDir()
	storeFleet(t, dir)
	ctx := context.Background()
	local, err := OpenFleet(dir)
	if err != nil {
		t.Fatal(err)
	}
	remote, err := OpenFleetStore(ctx, openFileURL(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if want := "WT01,WT01-old,WT02"; strings.Join(remote.Turbines, ",") != want {
		t.Errorf("turbines %v, want %s", remote.Turbines, want)
	}
	if n := compareFleets(t, local, remote); n < 10 {
		t.Errorf("only %d reads compared", n)
	}
	if a, err := remote.ReadAssets(ctx); err != nil || a == nil || len(a.Turbines) != 2 {
		t.Errorf("assets %+v, %v", a, err)
	}

	// A local Store is OpenFleet, Paths included.
	st, err := store.Open(ctx, dir+"/")
	if err != nil {
		t.Fatal(err)
	}
	viaStore, err := OpenFleetStore(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := ListFleet(dir)
	var b []FleetCapture
	for _, tb := range viaStore.Turbines {
		caps, err := viaStore.Captures(tb)
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, caps...)
	}
	if viaStore.Dir != dir || !reflect.DeepEqual(a, b) {
		t.Errorf("OpenFleetStore over a local Store differs from OpenFleet")
	}

	// Without an assets file: nil, nil on both.
	os.Remove(filepath.Join(dir, FleetAssets))
	for _, f := range []*Fleet{local, remote} {
		if a, err := f.ReadAssets(ctx); a != nil || err != nil {
			t.Errorf("%s: no assets file: %v, %v", f.Dir, a, err)
		}
	}
}

// TestFleetStoreManifest opens the same manifest fleet as a folder and as
// a file:// URL.
func TestFleetStoreManifest(t *testing.T) {
	dir := t.TempDir()
	storeFleet(t, dir)
	writeFile(t, dir, FleetManifest, []byte(storeManifest))
	local, err := OpenFleet(dir)
	if err != nil {
		t.Fatal(err)
	}
	remote, err := OpenFleetStore(context.Background(), openFileURL(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if remote.Manifest == nil || remote.Manifest.Path != remote.Dir+"/"+FleetManifest {
		t.Fatalf("manifest %+v", remote.Manifest)
	}
	if n := compareFleets(t, local, remote); n < 8 {
		t.Errorf("only %d reads compared", n)
	}
}

// memFleet returns a Store over an in-memory bucket holding files.
func memFleet(t *testing.T, files map[string]string) *store.Store {
	t.Helper()
	// Written to the bucket directly: keys the Store would refuse to
	// write (an empty element) can be in a bucket written by others.
	b := memblob.OpenBucket(nil)
	for k, v := range files {
		if err := b.WriteAll(context.Background(), k, []byte(v), nil); err != nil {
			t.Fatal(err)
		}
	}
	st := store.FromBucket("mem://fleet", b)
	t.Cleanup(func() { st.Close() })
	return st
}

// TestFleetStoreManifestRanges reads a manifest whose turbines' rows are
// far apart and span more than one range, from a bucket and from a
// folder.
func TestFleetStoreManifestRanges(t *testing.T) {
	dir := t.TempDir()
	writeTestWAV(t, filepath.Join(dir, "c.wav"))
	wav, _ := os.ReadFile(filepath.Join(dir, "c.wav"))
	var b strings.Builder
	b.WriteString("path,turbine,sensor,time,pad\n")
	big := strings.Repeat("x", 100<<10) // more than manifestGap
	for i := range 160 {
		for _, tb := range []string{"WT01", "WT02", "WT03"} {
			writeFile(t, dir, fmt.Sprintf("%s/%03d.wav", tb, i), wav)
		}
		fmt.Fprintf(&b, "WT01/%03d.wav,WT01,s%03d,2025-03-01T02:00:00Z,%d\n", i, i, i)
		fmt.Fprintf(&b, "WT02/%03d.wav,WT02,s%03d,2025-03-01T02:00:00Z,%s\n", i, i, big[:(i%3)*(30<<10)])
		if i%10 == 0 {
			fmt.Fprintf(&b, "WT03/%03d.wav,WT03,s%03d,2025-03-01T02:00:00Z,%s\n", i, i, big)
		}
	}
	// Contiguous rows of one turbine beyond manifestSpan.
	for i := range 50 {
		writeFile(t, dir, fmt.Sprintf("WT04/%03d.wav", i), wav)
		fmt.Fprintf(&b, "WT04/%03d.wav,WT04,s%03d,2025-03-01T02:00:00Z,%s\n", i, i, big)
	}
	if b.Len() < manifestSpan {
		t.Fatalf("manifest of %d bytes, want more than %d", b.Len(), manifestSpan)
	}
	writeFile(t, dir, FleetManifest, []byte(b.String()))
	local, err := OpenFleet(dir)
	if err != nil {
		t.Fatal(err)
	}
	remote, err := OpenFleetStore(context.Background(), openFileURL(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	// The turbines listed concurrently, as a scan may.
	listed := make([][]FleetCapture, len(remote.Turbines))
	errs := make([]error, len(remote.Turbines))
	var wg sync.WaitGroup
	for i, turbine := range remote.Turbines {
		wg.Go(func() { listed[i], errs[i] = remote.Captures(turbine) })
	}
	wg.Wait()
	for i, turbine := range local.Turbines {
		lc, err := local.Captures(turbine)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := listed[i], errs[i]
		if err != nil {
			t.Fatal(err)
		}
		if len(lc) != len(rc) || len(rc) == 0 {
			t.Fatalf("%s: %d captures, want %d", turbine, len(rc), len(lc))
		}
		for i := range lc {
			if !reflect.DeepEqual(entryWithoutPath(lc[i].Entry), entryWithoutPath(rc[i].Entry)) || lc[i].Size != rc[i].Size {
				t.Fatalf("%s row %d: %+v, want %+v", turbine, i, rc[i].Entry, lc[i].Entry)
			}
		}
	}
}

// TestFleetStoreErrors: bad manifests and layouts in object storage give
// one line naming the object and the problem.
func TestFleetStoreErrors(t *testing.T) {
	ctx := context.Background()
	wav := string(testWAVBytes(t))
	const head = "path,turbine,sensor,time\n"
	for name, c := range map[string]struct {
		files map[string]string
		want  string
	}{
		"absolute": {map[string]string{FleetManifest: head + "/data/x.wav,WT01,gbx,2025-03-01T02:00:00Z\n"},
			`mem://fleet/manifest.csv: line 2: path "/data/x.wav" is absolute`},
		"dotdot": {map[string]string{FleetManifest: head + "a/../../x.wav,WT01,gbx,2025-03-01T02:00:00Z\n"},
			`mem://fleet/manifest.csv: line 2: path "a/../../x.wav" is outside the fleet location mem://fleet`},
		"other url": {map[string]string{FleetManifest: head + "s3://other/fleet/x.wav,WT01,gbx,2025-03-01T02:00:00Z\n"},
			`mem://fleet/manifest.csv: line 2: path "s3://other/fleet/x.wav" is outside the fleet location mem://fleet`},
		"backslash": {map[string]string{FleetManifest: head + "a\\x.wav,WT01,gbx,2025-03-01T02:00:00Z\n"},
			`line 2: path "a\\x.wav" has a backslash`},
		"no sensor": {map[string]string{FleetManifest: "path,turbine\nx.wav,WT01\n"},
			"mem://fleet/manifest.csv: line 2: a fleet manifest needs turbine, sensor and time on every row"},
		"missing capture": {map[string]string{FleetManifest: head + "WT01/x.wav,WT01,gbx,2025-03-01T02:00:00Z\n"},
			"mem://fleet/WT01/x.wav: not found"},
		"too deep":      {map[string]string{"WT01/gbx/x/20250301T020000Z.wav": wav}, "mem://fleet/WT01/gbx/x: folder below <turbine>/<sensor>/"},
		"not a capture": {map[string]string{"WT01/gbx/notes.txt": "x"}, "mem://fleet/WT01/gbx/notes.txt: not a capture in the fleet layout"},
		"beside sensor": {map[string]string{"WT01/x.wav": wav}, "mem://fleet/WT01/x.wav: not a capture in the fleet layout"},
		"no stamp":      {map[string]string{"WT01/gbx/capture.wav": wav}, "mem://fleet/WT01/gbx/capture.wav: no time stamp in the file name"},
		"empty element": {map[string]string{"WT01//20250301T020000Z.wav": wav}, "mem://fleet/WT01//20250301T020000Z.wav: an empty, '.' or '..' element"},
		"empty":         {map[string]string{}, "mem://fleet: no objects under this location"},
		"bad assets":    {map[string]string{FleetAssets: "version: 1\nturbines: [\n"}, "mem://fleet/assets.yaml: yaml:"},
	} {
		t.Run(name, func(t *testing.T) {
			f, err := OpenFleetStore(ctx, memFleet(t, c.files))
			if err == nil {
				for _, tb := range f.Turbines {
					if _, err = f.Captures(tb); err != nil {
						break
					}
				}
			}
			if err == nil {
				_, err = f.ReadAssets(ctx)
			}
			if err == nil || !strings.HasPrefix(err.Error(), c.want) && !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			if strings.ContainsAny(err.Error(), "\n") {
				t.Errorf("error on more than one line: %q", err)
			}
		})
	}
}

// TestFleetStoreManifestKeys: a URL inside the fleet's location stands
// for its key; a deleted capture is a FileError naming its URL once; a
// manifest replaced after it was indexed is reported.
func TestFleetStoreManifestKeys(t *testing.T) {
	ctx := context.Background()
	wav := testWAVBytes(t)
	manifest := "path,turbine,sensor,time\n" +
		"mem://fleet/WT01/a.wav,WT01,gbx,2025-03-01T02:00:00Z\n" +
		"WT01/./b.wav,WT01,gbx,2025-03-02T02:00:00Z\n" +
		"WT02/.hidden/c.wav,WT02,gbx,2025-03-02T02:00:00Z\n"
	st := memFleet(t, map[string]string{FleetManifest: manifest, "WT01/a.wav": string(wav), "WT01/b.wav": string(wav), "WT02/.hidden/c.wav": string(wav)})
	f, err := OpenFleetStore(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	caps, err := f.Captures("WT01")
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 2 || caps[0].Rel != "WT01/a.wav" || caps[1].Rel != "WT01/b.wav" || caps[0].Path != "mem://fleet/WT01/a.wav" || caps[0].Size != int64(len(wav)) {
		t.Fatalf("captures %+v", caps)
	}
	// A hidden key is not listed: its size comes from a Stat.
	hidden, err := f.Captures("WT02")
	if err != nil || len(hidden) != 1 || hidden[0].Size != int64(len(wav)) || hidden[0].ModTime.IsZero() {
		t.Fatalf("hidden capture %+v, %v", hidden, err)
	}
	if err := st.Delete(ctx, "WT01/a.wav"); err != nil {
		t.Fatal(err)
	}
	_, err = caps[0].ReadAll(ctx)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != "mem://fleet/WT01/a.wav" || err.Error() != "mem://fleet/WT01/a.wav: not found" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("deleted capture: %v", err)
	}
	if _, err := caps[0].Read(Options{}); err == nil || err.Error() != "mem://fleet/WT01/a.wav: not found" {
		t.Errorf("deleted capture, Read: %v", err)
	}
	// Replaced by a manifest of the same length.
	if err := st.WriteFile(ctx, FleetManifest, func(w io.Writer) error {
		_, err := io.WriteString(w, strings.Replace(manifest, "WT02", "WT03", 1))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Captures("WT01"); err == nil || !strings.Contains(err.Error(), "mem://fleet/manifest.csv: changed while the fleet was read") {
		t.Errorf("replaced manifest: %v", err)
	}
}

// FuzzFleetManifestStore reads arbitrary manifests as the manifest of a
// fleet in object storage: no panic, and every capture listed is a clean
// key inside the fleet's location, read back by its ranged rows.
func FuzzFleetManifestStore(f *testing.F) {
	f.Add([]byte(storeManifest))
	f.Add([]byte("path,turbine,sensor,time\nmem://fleet/a/x.wav,WT01,gbx,2025-03-01T02:00:00Z\n./a/../a/x.wav,WT02,gbx,2025-03-01T02:00:00Z\n"))
	f.Add([]byte("path,turbine,sensor,time\n../x.wav,WT01,gbx,2025-03-01T02:00:00Z\n/x.wav,WT01,gbx,2025-03-01T02:00:00Z\n"))
	f.Add([]byte("\xEF\xBB\xBFpath;turbine;sensor;time\n\"a\n/x.wav\";WT01;g;2025-03-01T02:00:00Z\n# c\n\"a/x.wav\";WT01;g;2025-03-01T02:00:00Z\n"))
	matches, _ := filepath.Glob(filepath.Join("testdata", "manifest", "*.csv"))
	for _, m := range matches {
		data, _ := os.ReadFile(m)
		f.Add(data)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, manifest []byte) {
		b := memblob.OpenBucket(nil)
		defer b.Close()
		if err := b.WriteAll(ctx, FleetManifest, manifest, nil); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"a/x.wav", "x.wav", "a/b/c.wav"} {
			if err := b.WriteAll(ctx, k, []byte("RIFF"), nil); err != nil {
				t.Fatal(err)
			}
		}
		st := store.FromBucket("mem://fleet", b)
		fl, err := OpenFleetStore(ctx, st)
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !strings.Contains(string(manifest), "\n\"") {
				t.Errorf("error on more than one line: %q", err)
			}
			return
		}
		for _, tb := range fl.Turbines {
			caps, err := fl.Captures(tb)
			if err != nil {
				// A capture the bucket does not hold, a path listed twice.
				if !strings.HasPrefix(err.Error(), fl.Dir) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("turbine %q: %v", tb, err)
				}
				continue
			}
			for _, c := range caps {
				if c.Rel == "" || strings.HasPrefix(c.Rel, "/") || c.Rel == ".." || strings.HasPrefix(c.Rel, "../") ||
					strings.Contains(c.Rel, "/../") || strings.Contains(c.Rel, "//") || c.Path != fl.Dir+"/"+c.Rel || c.Turbine != tb {
					t.Fatalf("capture %+v", c)
				}
			}
		}
	})
}

// TestFleetStoreTurbinePrefix: listing one turbine in object storage
// looks only under its prefix, so another turbine's bad object does not
// stop it (as a local turbine folder is walked alone), and a manifest
// turbine's sizes come from its captures' common prefix.
func TestFleetStoreTurbinePrefix(t *testing.T) {
	ctx := context.Background()
	wav := testWAVBytes(t)
	st := memFleet(t, map[string]string{
		"WT01/gbx/20250301T020000Z.wav": string(wav),
		"WT01-b/gbx/notes.txt":          "x",
		"WT02/gbx/notes.txt":            "x",
	})
	f, err := OpenFleetStore(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.Turbines, ",") != "WT01,WT01-b,WT02" {
		t.Fatalf("turbines %v", f.Turbines)
	}
	caps, err := f.CapturesContext(ctx, "WT01")
	if err != nil || len(caps) != 1 || caps[0].Size != int64(len(wav)) {
		t.Fatalf("WT01: %+v, %v", caps, err)
	}
	if _, err := f.Captures("WT02"); err == nil || !strings.HasPrefix(err.Error(), "mem://fleet/WT02/gbx/notes.txt: not a capture") {
		t.Errorf("WT02: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := f.CapturesContext(cancelled, "WT01"); err == nil {
		t.Error("a cancelled listing succeeded")
	}
}
