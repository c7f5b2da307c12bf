package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/wav"
)

func writeTestWAV(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 64)
	if err := wav.WriteFile(path, 1000, wav.Float32, x); err != nil {
		t.Fatal(err)
	}
}

// testWAVBytes returns the bytes of the capture writeTestWAV writes.
func testWAVBytes(t *testing.T) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.wav")
	writeTestWAV(t, p)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestListFleetLayout(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{
		"WT02/gbx/20250302T020000Z.wav",
		"WT01/main/2025-03-02T02-00-00Z.wav",
		"WT01/gbx/capture_20250302_010000.wav",
		"WT01/gbx/20250301T020000Z.wav",
	} {
		writeTestWAV(t, filepath.Join(dir, f))
	}
	os.WriteFile(filepath.Join(dir, "assets.yaml"), []byte("version: 1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "WT01", ".hidden"), nil, 0o644)

	all, err := ListFleet(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range all {
		got = append(got, c.Turbine+" "+c.Sensor+" "+c.Time.Format(time.RFC3339)+" "+c.Rel)
		if c.Size == 0 || c.ModTime.IsZero() {
			t.Errorf("%s: no size or mtime", c.Rel)
		}
	}
	want := []string{
		"WT01 gbx 2025-03-01T02:00:00Z WT01/gbx/20250301T020000Z.wav",
		"WT01 gbx 2025-03-02T01:00:00Z WT01/gbx/capture_20250302_010000.wav",
		"WT01 main 2025-03-02T02:00:00Z WT01/main/2025-03-02T02-00-00Z.wav",
		"WT02 gbx 2025-03-02T02:00:00Z WT02/gbx/20250302T020000Z.wav",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	caps, err := all[1].Read(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if caps[0].Turbine != "WT01" || caps[0].Sensor != "gbx" || !caps[0].Time.Equal(all[1].Time) {
		t.Errorf("read back %s %s %v", caps[0].Turbine, caps[0].Sensor, caps[0].Time)
	}
}

func TestListFleetErrors(t *testing.T) {
	for name, files := range map[string][]string{
		"no stamp":      {"WT01/gbx/capture.wav"},
		"bad date":      {"WT01/gbx/20251301T020000Z.wav"},
		"too deep":      {"WT01/gbx/x/20250301T020000Z.wav"},
		"not a capture": {"WT01/gbx/notes.txt"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range files {
				writeTestWAV(t, filepath.Join(dir, f))
			}
			_, err := ListFleet(dir)
			if err == nil || !strings.Contains(err.Error(), dir) {
				t.Errorf("error %v, want one naming the file", err)
			}
		})
	}
	if _, err := ListFleet(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing folder accepted")
	}
}

func TestListFleetManifest(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a/x.wav", "a/y.wav", "b/z.wav", "b/w.wav"} {
		writeTestWAV(t, filepath.Join(dir, f))
	}
	// A byte-order mark, turbines interleaved, a quoted cell over two
	// lines, a comment line and a metadata column that widens to float on
	// a row of the other turbine: each turbine's rows are read back by
	// their offsets with the kinds of the whole file.
	m := "\xEF\xBB\xBFpath,turbine,sensor,time,site,load\n" +
		"a/y.wav,WT01,gbx,2025-03-02T00:00:00Z,north,1\n" +
		"b/z.wav,WT02,gbx,2025-03-01T00:00:00Z,\"south\nridge\",2\n" +
		"# a comment\n" +
		"a/x.wav,WT01,gbx,2025-03-01T00:00:00Z,north,3\n" +
		"b/w.wav,WT02,main,2025-03-01T00:00:00Z,south,2.5\n"
	os.WriteFile(filepath.Join(dir, FleetManifest), []byte(m), 0o644)
	f, err := OpenFleet(dir)
	if err != nil {
		t.Fatal(err)
	}
	if f.Manifest == nil || strings.Join(f.Turbines, ",") != "WT01,WT02" {
		t.Fatalf("turbines %v", f.Turbines)
	}
	if k := f.Manifest.MetaColumns[1].Kind; k != MetaFloat {
		t.Errorf("load column kind %v, want float", k)
	}
	var got []string
	for _, turbine := range f.Turbines {
		caps, err := f.Captures(turbine)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range caps {
			got = append(got, fmt.Sprintf("%s %s %s line %d %v", c.Turbine, c.Sensor, c.Rel, c.Entry.Line, c.Entry.Meta))
			if c.Source.Manifest != f.Manifest {
				t.Errorf("%s: source manifest not the fleet's", c.Rel)
			}
		}
	}
	want := []string{
		"WT01 gbx a/x.wav line 6 [{site north} {load 3}]",
		"WT01 gbx a/y.wav line 2 [{site north} {load 1}]",
		"WT02 gbx b/z.wav line 3 [{site south\nridge} {load 2}]",
		"WT02 main b/w.wav line 7 [{site south} {load 2.5}]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	all, err := ListFleet(dir)
	if err != nil || len(all) != 4 {
		t.Fatalf("ListFleet: %d captures, %v", len(all), err)
	}

	// A manifest changed under the listing is an error, not a wrong row.
	os.WriteFile(filepath.Join(dir, FleetManifest), []byte(strings.Replace(m, "WT02", "WT03", 1)), 0o644)
	if _, err := f.Captures("WT02"); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("changed manifest: %v", err)
	}

	os.WriteFile(filepath.Join(dir, FleetManifest), []byte("path,turbine\na/x.wav,WT01\n"), 0o644)
	if _, err := ListFleet(dir); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("manifest without sensor and time: %v", err)
	}
}

func TestStampFromName(t *testing.T) {
	for name, want := range map[string]string{
		"20250301T020000Z.wav":        "2025-03-01T02:00:00Z",
		"2025-03-01T02:00:00Z.mat":    "2025-03-01T02:00:00Z",
		"gbx_2025-12-31T23-59-59.csv": "2025-12-31T23:59:59Z",
		"WT1-20240229_120000-raw.wav": "2024-02-29T12:00:00Z",
	} {
		got, err := StampFromName(name)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("%s: %v %v, want %s", name, got, err, want)
		}
	}
	for _, name := range []string{"x.wav", "20250230T000000Z.wav", "20250301T250000Z.wav"} {
		if _, err := StampFromName(name); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestShardOf(t *testing.T) {
	// The documented formula, computed independently (Python: FNV-1a 64
	// with offset 0xcbf29ce484222325 and prime 0x100000001b3): another
	// tool that shards the same way agrees.
	for id, want := range map[string]int{"WT01": 1, "WT02": 6, "WT03": 2} {
		if got := ShardOf(id, 7); got != want {
			t.Errorf("ShardOf(%q, 7) = %d, want %d", id, got, want)
		}
	}
	counts := make([]int, 8)
	for i := 0; i < 8000; i++ {
		s := ShardOf(fmt.Sprintf("WT%04d", i), 7)
		if s < 1 || s > 7 {
			t.Fatalf("shard %d of 7", s)
		}
		counts[s]++
	}
	for s := 1; s <= 7; s++ {
		if counts[s] < 1000 || counts[s] > 1300 {
			t.Errorf("shard %d of 7 holds %d of 8000 turbines", s, counts[s])
		}
	}
	if ShardOf("anything", 1) != 1 {
		t.Error("one shard is not shard 1")
	}
	for _, bad := range []string{"", "3", "0/2", "3/2", "a/b", "1/0"} {
		if _, _, err := ParseShard(bad); err == nil {
			t.Errorf("shard %q accepted", bad)
		}
	}
	if k, n, err := ParseShard("2/7"); err != nil || k != 2 || n != 7 {
		t.Errorf("2/7: %d %d %v", k, n, err)
	}
}
