package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets"
)

// smallConfig is a fleet small enough for tests: 2 turbines × 3 sensors
// × 4 days of 0.25 s captures, a fault on each turbine.
func smallConfig() Config {
	c := DefaultConfig()
	c.Turbines, c.Days, c.CaptureSeconds = 2, 4, 0.25
	c.Faults = []FaultSpec{
		{Turbine: "WT01", Sensor: "gbx_hss", Kind: OuterRace, StartDay: 1, InitialSeverity: 0.1, FinalSeverity: 1},
		{Turbine: "WT02", Sensor: "generator", Kind: InnerRace, StartDay: 2, InitialSeverity: 0.2, FinalSeverity: 0.8},
	}
	return c
}

// readTree returns every file under dir by slash-separated relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGenerateDeterministicWhateverJobs(t *testing.T) {
	var trees []map[string][]byte
	for _, jobs := range []int{1, 3} {
		cfg := smallConfig()
		cfg.Jobs = jobs
		dir := t.TempDir()
		if _, err := Generate(context.Background(), cfg, dir, nil); err != nil {
			t.Fatal(err)
		}
		trees = append(trees, readTree(t, dir))
	}
	a, b := trees[0], trees[1]
	// 2 turbines × 3 sensors × 4 days captures, manifest, assets, 2 SCADA
	// files, truth.
	if want := 2*3*4 + 5; len(a) != want {
		t.Errorf("%d files, want %d", len(a), want)
	}
	if len(a) != len(b) {
		t.Fatalf("--jobs 1 wrote %d files, --jobs 3 %d", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between --jobs 1 and --jobs 3", name)
		}
		if strings.Contains(name, ".tmp") {
			t.Errorf("temporary file %s left behind", name)
		}
	}

	// Another seed makes other captures.
	cfg := smallConfig()
	cfg.Seed = 2
	dir := t.TempDir()
	if _, err := Generate(context.Background(), cfg, dir, nil); err != nil {
		t.Fatal(err)
	}
	c := readTree(t, dir)
	if bytes.Equal(a["scada/WT01.csv"], c["scada/WT01.csv"]) || bytes.Equal(a["fleet/manifest.csv"], c["fleet/manifest.csv"]) {
		t.Error("seeds 1 and 2 gave the same SCADA or manifest")
	}
}

func TestGenerateReadsBack(t *testing.T) {
	cfg := smallConfig()
	dir := t.TempDir()
	var calls, last int
	truth, err := Generate(context.Background(), cfg, dir, func(done, total int) {
		calls++
		if done != last+1 || total != 24 {
			t.Errorf("progress(%d, %d) after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 24 || truth.Captures != 24 || truth.SCADARows != 2*4*144 {
		t.Errorf("progress calls %d, captures %d, SCADA rows %d", calls, truth.Captures, truth.SCADARows)
	}

	// Assets.
	a, err := datasets.ReadAssets(filepath.Join(dir, "fleet", "assets.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	g := a.Sensor("WT02", "gbx_hss")
	if g == nil || g.Gear == nil || g.Gear.Teeth != 25 || g.Shaft.RatioToRotor != 105 || g.Bearing.Orders.BPFO != 5.2 || g.Unit != "g" {
		t.Errorf("assets WT02/gbx_hss: %+v", g)
	}

	// Truth.
	tb, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tr Truth
	if err := json.Unmarshal(tb, &tr); err != nil {
		t.Fatal(err)
	}
	if len(tr.Faults) != 2 {
		t.Fatalf("truth has %d faults", len(tr.Faults))
	}
	or := tr.Faults[0]
	if or.Kind != OuterRace || or.Order != 5.2 || len(or.Captures) != 3 || math.Abs(or.FrequencyHz-5.2*15.2*105/60) > 1e-9 {
		t.Errorf("outer-race truth: %+v", or)
	}
	for i, c := range or.Captures {
		want := 0.1 * math.Pow(10, float64(i)/2) // 0.1 → 1 over days 1..3
		if math.Abs(c.Severity-want) > 1e-9 {
			t.Errorf("day %d severity %g, want %g", c.Day, c.Severity, want)
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(c.Path))); err != nil {
			t.Error(err)
		}
	}

	// Manifest, through the project's manifest reader, and every capture
	// through datasets.Read.
	m, err := datasets.ReadManifest(filepath.Join(dir, "fleet", "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 24 {
		t.Fatalf("manifest has %d entries", len(m.Entries))
	}
	labels := map[string]int{}
	for _, e := range m.Entries {
		labels[e.Label]++
		caps, err := datasets.Read(e.Path, e.Options(datasets.Options{}))
		if err != nil {
			t.Fatal(err)
		}
		if len(caps) != 1 {
			t.Fatalf("%s: %d captures", e.Path, len(caps))
		}
		c := caps[0]
		e.Apply(&c)
		wantRate := 25600.0
		if e.Sensor == "main_bearing" {
			wantRate = 2560
		}
		if c.RateHz != wantRate || len(c.Samples) != int(0.25*wantRate) || c.Unit != "g" || c.Turbine == "" {
			t.Errorf("%s: rate %g, %d samples, unit %q, turbine %q", e.Path, c.RateHz, len(c.Samples), c.Unit, c.Turbine)
		}
		ratio := 105.0
		if e.Sensor == "main_bearing" {
			ratio = 1
		}
		// The rpm is the reference shaft's: rotor 9.5–15.2 rpm in
		// operation, or idling below that.
		if c.RPM <= 0 || c.RPM > 15.2*ratio*1.03 {
			t.Errorf("%s: rpm %g implausible", e.Path, c.RPM)
		}
		r := rms(c.Samples)
		if r <= 0 || r > 5 {
			t.Errorf("%s: RMS %g g implausible", e.Path, r)
		}
	}
	// The last outer-race capture, read back from its file: the envelope
	// spectrum around the bearing resonance peaks at the capture's BPFO.
	lastOR := or.Captures[len(or.Captures)-1]
	caps, err := datasets.Read(filepath.Join(dir, filepath.FromSlash(lastOR.Path)), datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	env, df := envelopeSpectrum(caps[0].Samples, caps[0].RateHz, 2200, 4200)
	if got := peakHz(env, df, 10, 1000); math.Abs(got-lastOR.FrequencyHz) > df {
		t.Errorf("%s: envelope peak at %g Hz, BPFO %g Hz (bin %g Hz)", lastOR.Path, got, lastOR.FrequencyHz, df)
	}
	// WT01/gbx_hss days 1–3 outer race, WT02/generator days 2–3 inner race.
	if labels["outer_race"] != 3 || labels["inner_race"] != 2 || labels["healthy"] != 19 {
		t.Errorf("labels %v", labels)
	}
}

func TestGenerateCancelled(t *testing.T) {
	cfg := smallConfig()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := Generate(ctx, cfg, dir, func(done, total int) {
		n++
		if n == 5 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	files := readTree(t, dir)
	for name := range files {
		if strings.Contains(name, ".tmp") {
			t.Errorf("temporary file %s left behind", name)
		}
	}
	for _, name := range []string{"fleet/manifest.csv", "truth.json"} {
		if _, ok := files[name]; ok {
			t.Errorf("%s written by an interrupted run", name)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"turbines", func(c *Config) { c.Turbines = 0 }, "turbines"},
		{"days", func(c *Config) { c.Days = 0 }, "days"},
		{"no turbine", func(c *Config) { c.Faults[0].Turbine = "WT09" }, "no turbine WT09"},
		{"no sensor", func(c *Config) { c.Faults[0].Sensor = "tower" }, "no sensor tower"},
		{"kind", func(c *Config) { c.Faults[0].Kind = "crack" }, "unknown kind"},
		{"gear on generator", func(c *Config) { c.Faults[0].Kind = GearTooth; c.Faults[0].Sensor = "generator" }, "sees no gear"},
		{"start day", func(c *Config) { c.Faults[0].StartDay = 4 }, "start day 4"},
		{"severity", func(c *Config) { c.Faults[0].InitialSeverity = 0 }, "severity"},
		{"twice", func(c *Config) { c.Faults[1] = c.Faults[0] }, "more than one fault"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := smallConfig()
			tc.mod(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about %q", err, tc.want)
			}
		})
	}
}

func TestParseFaultSpec(t *testing.T) {
	f, err := ParseFaultSpec("WT03/generator/inner_race@40")
	if err != nil || f.Turbine != "WT03" || f.Sensor != "generator" || f.Kind != InnerRace || f.StartDay != 40 || f.String() != "WT03/generator/inner_race@40" {
		t.Errorf("got %+v, %v", f, err)
	}
	for _, bad := range []string{"", "WT01/gbx_hss/outer_race", "WT01/outer_race@3", "WT01/gbx_hss/outer_race@x"} {
		if _, err := ParseFaultSpec(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestSCADAPowerCurve(t *testing.T) {
	cfg := smallConfig()
	cfg.Days = 20
	d := cfg.Drivetrain
	var run, idle int
	for ti := 0; ti < cfg.Turbines; ti++ {
		rows, err := SCADA(cfg, ti)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 20*144 {
			t.Fatalf("%d rows", len(rows))
		}
		for i, r := range rows {
			if i > 0 && r.Time.Sub(rows[i-1].Time) != SCADAInterval {
				t.Fatalf("row %d: step %v", i, r.Time.Sub(rows[i-1].Time))
			}
			v := r.WindSpeedMS
			switch {
			case v < d.CutInMS:
				idle++
				if r.ActivePowerKW != 0 || r.Status != StatusIdleLowWind {
					t.Errorf("%v: wind %g m/s below cut-in, power %g kW, status %s", r.Time, v, r.ActivePowerKW, r.Status)
				}
			case v <= d.CutOutMS:
				run++
				// 1.5 % power noise: 6σ = 9 % of the curve, plus rounding.
				want := d.PowerKW(v)
				if math.Abs(r.ActivePowerKW-want) > 0.09*want+0.1 || r.ActivePowerKW > d.RatedPowerKW {
					t.Errorf("%v: wind %g m/s, power %g kW, curve %g kW", r.Time, v, r.ActivePowerKW, want)
				}
				if r.RotorRPM < d.MinRotorRPM*0.97 || r.RotorRPM > d.RatedRotorRPM*1.03 {
					t.Errorf("%v: running at rotor %g rpm", r.Time, r.RotorRPM)
				}
			}
			if math.Abs(r.GeneratorRPM-r.RotorRPM*d.GearboxRatio) > 0.051 {
				t.Errorf("%v: generator %g rpm, rotor %g rpm × %g", r.Time, r.GeneratorRPM, r.RotorRPM, d.GearboxRatio)
			}
			if r.GearboxBearingC < r.AmbientC {
				t.Errorf("%v: gearbox bearing %g °C below ambient %g °C", r.Time, r.GearboxBearingC, r.AmbientC)
			}
		}
	}
	// Weibull(2, 8.5 m/s): P(v < 3) = 1 − exp(−(3/8.5)²) ≈ 12 %.
	frac := float64(idle) / float64(idle+run)
	t.Logf("%d running rows, %d idle (%.1f %%)", run, idle, 100*frac)
	if run == 0 || frac < 0.02 || frac > 0.35 {
		t.Errorf("idle fraction %.3f implausible for the Weibull climate", frac)
	}
}

func TestPowerCurve(t *testing.T) {
	d := DefaultDrivetrain()
	for _, c := range []struct{ v, want float64 }{
		{0, 0}, {2.99, 0}, {3, 0}, {12, 2000}, {20, 2000}, {25, 2000}, {25.01, 0}, {math.NaN(), 0},
		{7.5, 2000 * (7.5*7.5*7.5 - 27) / (1728 - 27)},
	} {
		if got := d.PowerKW(c.v); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("PowerKW(%g) = %g, want %g", c.v, got, c.want)
		}
	}
}

func TestSCADABearingTemperatureRisesAfterFault(t *testing.T) {
	faulty := smallConfig()
	faulty.Days = 10
	faulty.Faults = []FaultSpec{{Turbine: "WT01", Sensor: "gbx_hss", Kind: OuterRace, StartDay: 5, InitialSeverity: 0.1, FinalSeverity: 1}}
	healthy := faulty
	healthy.Faults = nil
	a, err := SCADA(faulty, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := SCADA(healthy, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Everything but the faulty bearing's temperature is identical; the
	// difference is 0 before day 5 and grows with the severity after.
	var lastDay float64
	for i := range a {
		ra, rb := a[i], b[i]
		diff := ra.GearboxBearingC - rb.GearboxBearingC
		rb.GearboxBearingC = ra.GearboxBearingC
		if ra != rb {
			t.Fatalf("row %d: more than the gearbox bearing temperature differs:\n%+v\n%+v", i, ra, rb)
		}
		day := i / 144
		if day < 5 && diff != 0 {
			t.Fatalf("row %d (day %d): temperature differs by %g before the fault", i, day, diff)
		}
		if day >= 6 && diff < 0 {
			t.Errorf("row %d: faulty bearing cooler by %g °C", i, -diff)
		}
		if day == 9 {
			lastDay += diff / 144
		}
	}
	// 12 °C × severity 1 × (0.3 + 0.7 load) on the last day: at least
	// 3.6 °C minus the lag.
	t.Logf("mean temperature rise on the last day: %.2f °C", lastDay)
	if lastDay < 3 {
		t.Errorf("mean rise on the last day %.2f °C, want ≥ 3", lastDay)
	}
	// Other turbines are untouched.
	c, _ := SCADA(faulty, 1)
	d, _ := SCADA(healthy, 1)
	for i := range c {
		if c[i] != d[i] {
			t.Fatalf("WT02 row %d differs", i)
		}
	}
}

func TestManifestRPMMatchesSCADA(t *testing.T) {
	cfg := smallConfig()
	dir := t.TempDir()
	if _, err := Generate(context.Background(), cfg, dir, nil); err != nil {
		t.Fatal(err)
	}
	m, err := datasets.ReadManifest(filepath.Join(dir, "fleet", "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := SCADA(cfg, 0)
	for _, e := range m.Entries {
		if e.Turbine != "WT01" || e.Sensor != "gbx_hss" {
			continue
		}
		slot := e.Time.Add(-SCADAInterval / 10).Truncate(SCADAInterval) // gbx_hss is 1 min after the slot
		i := int(slot.Sub(cfg.Start) / SCADAInterval)
		if want := rows[i].RotorRPM * 105; math.Abs(e.RPM-want) > 1e-6 {
			t.Errorf("%s: rpm %g, SCADA rotor × 105 = %g", e.Path, e.RPM, want)
		}
		var day string
		for _, f := range e.Meta {
			if f.Name == "day" {
				day = f.Value
			}
		}
		if d, _ := strconv.Atoi(day); d != i/144 {
			t.Errorf("%s: day %s, SCADA row %d", e.Path, day, i)
		}
	}
}
