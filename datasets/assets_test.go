package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadAssetsValid(t *testing.T) {
	a, err := ReadAssets(filepath.Join("testdata", "assets", "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Version != 1 || a.Site != "Example Ridge" || len(a.Turbines) != 2 {
		t.Fatalf("got version %d site %q %d turbines", a.Version, a.Site, len(a.Turbines))
	}
	wt1 := a.Turbines[0]
	if wt1.ID != "WT01" || wt1.Line != 5 || len(wt1.Sensors) != 2 {
		t.Fatalf("WT01: %+v", wt1)
	}
	g := a.Sensor("WT01", "gbx_hss")
	if g == nil {
		t.Fatal("WT01/gbx_hss not found")
	}
	want := Sensor{
		ID: "gbx_hss", Component: "gearbox", ISOGroup: "gearbox", Unit: "g",
		SensitivityMVPerUnit: 100,
		Shaft:                Shaft{Name: "hss", RatioToRotor: 105},
		Bearing:              &BearingRef{Orders: &BearingOrders{BPFO: 5.2, BPFI: 7.8, BSF: 2.4, FTF: 0.4}},
		Gear:                 &Gear{Teeth: 25, Ratio: 4.2},
		Line:                 16,
	}
	if !reflect.DeepEqual(*g, want) {
		t.Errorf("gbx_hss:\n got %+v\nwant %+v", *g, want)
	}
	de := a.Sensor("WT02", "de")
	if de == nil || de.Bearing == nil || de.Bearing.Name != "6205" || de.Bearing.Orders != nil || de.Unit != "m/s2" {
		t.Errorf("WT02/de: %+v", de)
	}
	if a.Sensor("WT02", "gbx_hss") != nil || a.Sensor("WT09", "de") != nil {
		t.Error("Sensor found a sensor that is not in the file")
	}
}

func TestReadAssetsErrors(t *testing.T) {
	for _, tc := range []struct {
		file string
		want string // substring of the error
	}{
		{"empty_turbines.yaml", "no turbines"},
		{"bad_unit.yaml", `line 5: turbine WT01: sensor gbx_hss: unit "G" unknown`},
		{"unknown_key.yaml", `line 7: turbine WT01: sensor: unknown key "bearings"`},
		{"bad_syntax.yaml", "yaml: line 4: did not find expected node content"},
		{"missing.yaml", "no such file"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "assets", tc.file)
			_, err := ReadAssets(path)
			if err == nil {
				t.Fatal("no error")
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != path {
				t.Errorf("error %v is not a *FileError naming %s", err, path)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestParseAssetsErrors(t *testing.T) {
	head := "version: 1\nturbines:\n  - id: WT01\n    sensors:\n      - id: s1\n        component: gearbox\n"
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"empty", "", "empty assets file"},
		{"version", "version: 2\nturbines: [{id: A, sensors: []}]\n", "version: got 2, want 1"},
		{"version not a number", "version: one\n", `line 1: version: "one" is not a valid integer`},
		{"not a mapping", "- a\n- b\n", "line 1: assets: expected a mapping"},
		{"turbines not a list", "version: 1\nturbines: WT01\n", "line 2: turbines: expected a list"},
		{"turbine id", "version: 1\nturbines:\n  - id: 'WT 01'\n", `line 3: turbine id "WT 01"`},
		{"duplicate turbine", "version: 1\nturbines:\n  - id: A\n  - id: A\n", "line 4: turbine A given twice (first at line 3)"},
		{"duplicate sensor", head + "      - id: s1\n        component: gearbox\n", "line 7: turbine WT01: sensor s1 given twice"},
		{"component", "version: 1\nturbines:\n  - id: A\n    sensors:\n      - id: s\n        component: Gear Box\n", `line 5: turbine A: sensor s: component "Gear Box"`},
		{"missing component", "version: 1\nturbines:\n  - id: A\n    sensors:\n      - id: s\n", `component ""`},
		{"negative sensitivity", head + "        sensitivity_mv_per_unit: -1\n", "sensitivity_mv_per_unit -1"},
		{"nan ratio", head + "        shaft: {name: hss, ratio_to_rotor: .nan}\n", "ratio_to_rotor NaN"},
		{"empty bearing", head + "        bearing: {}\n", "bearing needs a catalog name or defect orders"},
		{"zero orders", head + "        bearing: {orders: {bpfo: 0}}\n", "bearing orders are all zero"},
		{"negative order", head + "        bearing: {orders: {bpfo: -3, bpfi: 5}}\n", "bearing order bpfo -3"},
		{"order not a number", head + "        bearing: {orders: {bpfo: x}}\n", `line 7: turbine WT01: sensor s1: bearing orders bpfo: "x" is not a valid number`},
		{"gear teeth", head + "        gear: {teeth: 0}\n", "gear teeth 0 must be at least 1"},
		{"band name", head + "        bands: [{name: Tower Mode, lo_hz: 1, hi_hz: 2}]\n", `band name "Tower Mode"`},
		{"band edges", head + "        bands: [{name: mesh, lo_hz: 500, hi_hz: 400}]\n", "band mesh: 500–400 Hz"},
		{"band twice", head + "        bands: [{name: mesh, lo_hz: 1, hi_hz: 2}, {name: mesh, lo_hz: 3, hi_hz: 4}]\n", "band mesh given twice"},
		{"band key", head + "        bands: [{name: mesh, low: 1}]\n", `unknown key "low"`},
		{"duplicate key", head + "        unit: g\n        unit: g\n", "line 8"},
		{"two documents", "version: 1\n---\nversion: 1\n", "more than one YAML document"},
		{"elevation not a number", "version: 1\nelevation_m: high\n" + head[len("version: 1\n"):], `line 2: elevation_m: "high" is not a valid number`},
		{"elevation out of range", "version: 1\nelevation_m: 12000\n" + head[len("version: 1\n"):], "line 2: elevation_m: 12000 is not a site elevation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAssets([]byte(tc.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestWriteAssetsRoundTrip(t *testing.T) {
	a, err := ReadAssets(filepath.Join("testdata", "assets", "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "assets.yaml")
	if err := WriteAssets(path, a); err != nil {
		t.Fatal(err)
	}
	b, err := ReadAssets(path)
	if err != nil {
		t.Fatal(err)
	}
	// Lines differ between the two files; compare without them.
	clearLines := func(a *Assets) {
		for i := range a.Turbines {
			a.Turbines[i].Line = 0
			for j := range a.Turbines[i].Sensors {
				a.Turbines[i].Sensors[j].Line = 0
			}
		}
	}
	clearLines(a)
	clearLines(b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", b, a)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestWriteAssetsInvalid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "assets.yaml")
	err := WriteAssets(path, &Assets{Version: 1})
	if err == nil || !strings.Contains(err.Error(), "no turbines") {
		t.Fatalf("got %v, want a validation error", err)
	}
	if _, serr := os.Stat(path); !os.IsNotExist(serr) {
		t.Errorf("invalid assets were written: %v", serr)
	}
}

func FuzzReadAssets(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "assets", "*.yaml"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("version: 1\nturbines:\n  - &t {id: A}\n  - *t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseAssets(data)
		if err != nil {
			return
		}
		// What parses must validate and survive a write/read round trip.
		if err := a.Validate(); err != nil {
			t.Fatalf("parsed assets do not validate: %v", err)
		}
		out, err := MarshalAssets(a)
		if err != nil {
			t.Fatalf("MarshalAssets: %v", err)
		}
		if _, err := ParseAssets(out); err != nil {
			t.Fatalf("re-parsing marshalled assets: %v\n%s", err, out)
		}
	})
}

func TestParseAssetsBands(t *testing.T) {
	a, err := ParseAssets([]byte("version: 1\nturbines:\n  - id: WT01\n    sensors:\n      - id: s1\n        component: gearbox\n        bands:\n          - {name: mesh, lo_hz: 300, hi_hz: 800}\n          - {name: tower_mode, lo_hz: 0, hi_hz: 2.5}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := a.Sensor("WT01", "s1").Bands
	want := []Band{{"mesh", 300, 800}, {"tower_mode", 0, 2.5}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("bands %+v, want %+v", got, want)
	}
}

// TestAssetsElevation: the optional site elevation is read, kept absent
// (nil) when not given, and survives a write and read.
func TestAssetsElevation(t *testing.T) {
	body := "turbines:\n  - id: WT01\n    sensors:\n      - id: s1\n        component: gearbox\n"
	a, err := ParseAssets([]byte("version: 1\nelevation_m: 411.5\n" + body))
	if err != nil {
		t.Fatal(err)
	}
	if a.ElevationM == nil || *a.ElevationM != 411.5 {
		t.Fatalf("elevation %v, want 411.5", a.ElevationM)
	}
	path := filepath.Join(t.TempDir(), "assets.yaml")
	if err := WriteAssets(path, a); err != nil {
		t.Fatal(err)
	}
	b, err := ReadAssets(path)
	if err != nil {
		t.Fatal(err)
	}
	if b.ElevationM == nil || *b.ElevationM != 411.5 {
		t.Fatalf("elevation after the round trip %v, want 411.5", b.ElevationM)
	}
	c, err := ParseAssets([]byte("version: 1\n" + body))
	if err != nil {
		t.Fatal(err)
	}
	if c.ElevationM != nil {
		t.Fatalf("elevation %v without elevation_m, want nil", *c.ElevationM)
	}
	bad := -600.0
	c.ElevationM = &bad
	if err := WriteAssets(path, c); err == nil || !strings.Contains(err.Error(), "elevation_m") {
		t.Fatalf("writing elevation -600: %v, want an elevation_m error", err)
	}
}
