package datasets

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/sharedtest"
)

type manifestExpected struct {
	Entries []struct {
		Path    string   `json:"path"`
		Channel string   `json:"channel"`
		RateHz  float64  `json:"rate_hz"`
		RPM     float64  `json:"rpm"`
		Unit    string   `json:"unit"`
		Turbine string   `json:"turbine"`
		Sensor  string   `json:"sensor"`
		Time    string   `json:"time"`
		Bearing string   `json:"bearing"`
		Label   string   `json:"label"`
		Line    int      `json:"line"`
		Meta    []string `json:"meta"`
	} `json:"entries"`
	MetaColumns [][2]string `json:"meta_columns"`
}

func loadManifestExpected(t testing.TB) (map[string]manifestExpected, map[string]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "manifest", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Manifests map[string]manifestExpected `json:"manifests"`
		Errors    map[string]string           `json:"errors"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e.Manifests, e.Errors
}

func TestReadManifestFixtures(t *testing.T) {
	manifests, _ := loadManifestExpected(t)
	dir := filepath.Join("testdata", "manifest")
	for name, want := range manifests {
		t.Run(name, func(t *testing.T) {
			m, err := ReadManifest(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if len(m.MetaColumns) != len(want.MetaColumns) {
				t.Fatalf("meta columns %v, want %v", m.MetaColumns, want.MetaColumns)
			}
			for i, mc := range m.MetaColumns {
				if mc.Name != want.MetaColumns[i][0] || mc.Kind.String() != want.MetaColumns[i][1] {
					t.Errorf("meta column %d = %s %v, want %s %s", i, mc.Name, mc.Kind, want.MetaColumns[i][0], want.MetaColumns[i][1])
				}
			}
			if len(m.Entries) != len(want.Entries) {
				t.Fatalf("%d entries, want %d", len(m.Entries), len(want.Entries))
			}
			for i, e := range m.Entries {
				w := want.Entries[i]
				var wt time.Time
				if w.Time != "" {
					wt, _ = time.Parse(time.RFC3339Nano, w.Time)
				}
				if e.Path != filepath.Join(dir, w.Path) || e.Channel != w.Channel || e.RateHz != w.RateHz || e.RPM != w.RPM ||
					e.Unit != w.Unit || e.Turbine != w.Turbine || e.Sensor != w.Sensor || !e.Time.Equal(wt) ||
					e.Bearing != w.Bearing || e.Label != w.Label || e.Line != w.Line {
					t.Errorf("entry %d = %+v, want %+v", i, e, w)
				}
				if len(e.Meta) != len(w.Meta) {
					t.Fatalf("entry %d: %d meta fields, want %d", i, len(e.Meta), len(w.Meta))
				}
				for k, f := range e.Meta {
					if f.Name != m.MetaColumns[k].Name || f.Value != w.Meta[k] {
						t.Errorf("entry %d meta %d = %+v, want %s=%q", i, k, f, m.MetaColumns[k].Name, w.Meta[k])
					}
				}
			}
		})
	}
}

func TestReadManifestErrors(t *testing.T) {
	_, errs := loadManifestExpected(t)
	if len(errs) < 10 {
		t.Fatalf("only %d bad manifests", len(errs))
	}
	for name, msg := range errs {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "manifest", name)
			_, err := ReadManifest(path)
			if err == nil {
				t.Fatal("no error")
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != path {
				t.Errorf("error %v is not a *FileError naming %s", err, path)
			}
			if !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), msg) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line %q…%q", err, path+": ", msg)
			}
		})
	}
	if _, err := ReadManifest(filepath.Join("testdata", "manifest", "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing manifest: err = %v", err)
	}
}

// TestManifestReadCaptures reads the captures a manifest names, with
// absolute and relative paths, and checks who wins: flag over manifest
// over file.
func TestManifestReadCaptures(t *testing.T) {
	dir := filepath.Join("testdata", "manifest")
	abs, err := filepath.Abs(filepath.Join(dir, "caps", "wt01_gbx.wav"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	text := "path,channel,rpm,sample_rate_hz,unit,turbine,label,load\n" +
		abs + ",ch1,1500,,g,WT01,normal,3\n" +
		abs + ",,,,,,,\n"
	mpath := filepath.Join(tmp, "abs.csv")
	if err := os.WriteFile(mpath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ReadManifest(mpath)
	if err != nil {
		t.Fatal(err)
	}
	if m.Entries[0].Path != abs {
		t.Fatalf("absolute path resolved to %s, want %s", m.Entries[0].Path, abs)
	}
	caps, err := m.Entries[0].Read(Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The WAV states 25600 Hz; the manifest states the channel, rpm,
	// unit, turbine, label and a metadata field.
	if len(caps) != 1 {
		t.Fatalf("%d captures, want 1 (channel ch1)", len(caps))
	}
	c := caps[0]
	if c.Channel != "ch1" || c.RateHz != 25600 || c.RPM != 1500 || c.Unit != "g" || c.Turbine != "WT01" || c.Label != "normal" ||
		len(c.Meta) != 1 || c.Meta[0] != (Field{"load", "3"}) || c.Path != abs {
		t.Errorf("capture = %+v", c)
	}
	// The second sample of channel 1 is round(0.25·cos(2π·3/64)·32767)/32768.
	want := math.Round(0.25*math.Cos(2*math.Pi*3/64)*32767) / 32768
	if c.Samples[1] != want {
		t.Errorf("sample 1 = %v, want %v", c.Samples[1], want)
	}
	// A flag wins over the manifest.
	caps, err = m.Entries[0].Read(Options{RPM: 1800, Channel: "ch0", RateHz: 20000})
	if err != nil || len(caps) != 1 || caps[0].RPM != 1800 || caps[0].Channel != "ch0" || caps[0].RateHz != 20000 {
		t.Errorf("flags over manifest: %+v, %v", caps, err)
	}
	// An entry without values leaves the file's.
	caps, err = m.Entries[1].Read(Options{})
	if err != nil || len(caps) != 2 || caps[0].RPM != 0 || caps[0].Unit != "" || len(caps[0].Meta) != 1 || caps[0].Meta[0].Value != "" {
		t.Errorf("empty entry: %+v, %v", caps, err)
	}

	// Relative paths: the CSV capture has no time column, the manifest
	// gives its rate.
	g, err := ReadManifest(filepath.Join(dir, "good.csv"))
	if err != nil {
		t.Fatal(err)
	}
	caps, err = g.Entries[1].Read(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 1 || caps[0].RateHz != 2048 || caps[0].Unit != "mm/s" || caps[0].Sensor != "main_bearing" || len(caps[0].Samples) != 64 {
		t.Errorf("relative CSV entry: %+v", caps)
	}
	if _, err := g.Entries[2].Read(Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing capture: err = %v", err)
	}
}

func TestManifestApplyDoesNotAlias(t *testing.T) {
	e := ManifestEntry{Meta: []Field{{"a", "1"}}}
	base := make([]Field, 1, 4)
	base[0] = Field{"x", "y"}
	c1 := Capture{Meta: base}
	c2 := Capture{Meta: base}
	e.Apply(&c1)
	e.Meta = []Field{{"b", "2"}}
	e.Apply(&c2)
	if c1.Meta[1] != (Field{"a", "1"}) || c2.Meta[1] != (Field{"b", "2"}) {
		t.Errorf("Apply shares metadata storage: %v %v", c1.Meta, c2.Meta)
	}
}

// TestCWRUCatalogManifest reads the CWRU catalog (shared data) as a
// manifest; the expected values are from its README.
func TestCWRUCatalogManifest(t *testing.T) {
	path := sharedtest.Path(t, "cwru/catalog.csv")
	if ok, err := IsManifest(path); err != nil || !ok {
		t.Errorf("IsManifest(catalog.csv) = %v, %v", ok, err)
	}
	m, err := ReadManifest(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 61 {
		t.Errorf("%d entries, want 61", len(m.Entries))
	}
	wantKinds := map[string]MetaKind{
		"cwru_file": MetaInteger, "load_hp": MetaInteger, "fault": MetaString, "fault_diameter_in": MetaFloat,
		"or_position": MetaInteger, "location": MetaString, "samples": MetaInteger,
	}
	var names []string
	for _, mc := range m.MetaColumns {
		names = append(names, mc.Name)
		if k, ok := wantKinds[mc.Name]; !ok || k != mc.Kind {
			t.Errorf("meta column %s is %v, want %v (known: %v)", mc.Name, mc.Kind, k, ok)
		}
	}
	if got := strings.Join(names, ","); got != "cwru_file,load_hp,fault,fault_diameter_in,or_position,location,samples" {
		t.Errorf("meta columns %s", got)
	}
	cases := map[string]struct {
		rate, rpm float64
		fault     string
	}{
		"97.mat":   {48000, 1796, "normal"},
		"105.mat":  {12000, 1797, "inner_race"},
		"130.mat":  {12000, 1796, "outer_race"},
		"3001.mat": {12000, 1797, "inner_race"},
	}
	found := 0
	for _, e := range m.Entries {
		want, ok := cases[filepath.Base(e.Path)]
		if !ok {
			continue
		}
		found++
		if e.RateHz != want.rate || e.RPM != want.rpm || e.Bearing != "6205" || e.Meta[2].Value != want.fault {
			t.Errorf("%s: rate %v rpm %v bearing %q fault %q, want %v %v 6205 %s", e.Path, e.RateHz, e.RPM, e.Bearing, e.Meta[2].Value, want.rate, want.rpm, want.fault)
		}
		if filepath.Dir(e.Path) != filepath.Dir(path) {
			t.Errorf("%s not resolved beside the catalog", e.Path)
		}
	}
	if found != len(cases) {
		t.Errorf("found %d of %d checked records", found, len(cases))
	}
}

// FuzzReadManifest feeds arbitrary text to ParseManifest: no panic, errors
// on one line, and consistent entries.
func FuzzReadManifest(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "manifest", "*.csv"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(bytes.NewReader(data), "base")
		if err != nil {
			if strings.Contains(err.Error(), "\n") && !bytes.Contains(data, []byte("\n")) {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		if len(m.Entries) == 0 {
			t.Fatal("no entries and no error")
		}
		for _, e := range m.Entries {
			if e.Path == "" || len(e.Meta) != len(m.MetaColumns) || e.RateHz < 0 || e.RPM < 0 || e.Line < 1 {
				t.Fatalf("bad entry %+v", e)
			}
		}
	})
}
