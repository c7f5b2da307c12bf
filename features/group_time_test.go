package features

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/datasets/sharedtest"
)

// This file holds the reference harness of the time, spectral, ISO, order
// and gear groups: testdata/reference/features.py computes every column of
// those groups with numpy/scipy on three synthetic signals (kept there as
// float64 files) and three CWRU drive-end recordings, and each column must
// agree to refRelTol relative or refAbsTol absolute.

const (
	refRelTol = 1e-9
	refAbsTol = 1e-12
)

// refCase is one entry of testdata/reference/cases.json.
type refCase struct {
	Name      string  `json:"name"`
	File      string  `json:"file"`
	CWRU      string  `json:"cwru"`
	RateHz    float64 `json:"rate_hz"`
	Unit      string  `json:"unit"`
	RPM       float64 `json:"rpm"`
	GearTeeth int     `json:"gear_teeth"`
	ISOGroup  string  `json:"iso_group"`
}

// myGroups returns the groups the reference covers, in extractor order.
func myGroups() []group {
	return []group{newTimeGroup(), newSpectralGroup(nil), newISOGroup(), newOrderGroup(), newGearGroup()}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// loadRefSignal returns the samples of c: a float64 little-endian file in
// testdata, or the DE channel of a CWRU file (skipping when absent).
func loadRefSignal(t *testing.T, c refCase) []float64 {
	t.Helper()
	if c.File != "" {
		b, err := os.ReadFile(filepath.Join("testdata", "reference", c.File))
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, len(b)/8)
		for i := range x {
			x[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
		return x
	}
	path := sharedtest.Path(t, "cwru/"+c.CWRU)
	caps, err := datasets.Read(path, datasets.Options{Channel: "DE", RateHz: c.RateHz})
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 1 {
		t.Fatalf("%s: %d DE channels, want 1", path, len(caps))
	}
	return caps[0].Samples
}

func agrees(got, want float64) bool {
	d := math.Abs(got - want)
	return d <= refRelTol*math.Abs(want) || d <= refAbsTol
}

func TestGroupsAgainstNumpy(t *testing.T) {
	var cases []refCase
	readJSON(t, filepath.Join("testdata", "reference", "cases.json"), &cases)
	var ref map[string]map[string]*float64
	readJSON(t, filepath.Join("testdata", "reference", "reference.json"), &ref)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			want, ok := ref[c.Name]
			if !ok {
				t.Fatalf("no reference values for %s: rerun features.py", c.Name)
			}
			in := &Input{X: loadRefSignal(t, c), RateHz: c.RateHz, Unit: c.Unit,
				Kin: Kinematics{RPM: c.RPM, GearTeeth: c.GearTeeth, ISOGroup: c.ISOGroup}}
			seen := 0
			for _, g := range myGroups() {
				dst := make([]float64, len(g.columns()))
				for i := range dst {
					dst[i] = math.NaN()
				}
				if err := g.compute(dst, in); err != nil {
					t.Fatal(err)
				}
				for i, col := range g.columns() {
					w, ok := want[col.Name]
					if !ok {
						t.Errorf("%s: column missing from the reference", col.Name)
						continue
					}
					seen++
					switch {
					case w == nil && !math.IsNaN(dst[i]):
						t.Errorf("%s = %.15g, want null", col.Name, dst[i])
					case w != nil && !agrees(dst[i], *w):
						t.Errorf("%s = %.15g, want %.15g (rel. error %.2g)", col.Name, dst[i], *w, math.Abs(dst[i]-*w)/math.Abs(*w))
					}
				}
			}
			if seen != len(want) {
				t.Errorf("reference has %d columns, the groups %d", len(want), seen)
			}
		})
	}
}

// Every column of the groups is snake_case, unique, and documented.
func TestGroupColumnsWellFormed(t *testing.T) {
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, g := range myGroups() {
		for _, c := range g.columns() {
			if !snake.MatchString(c.Name) || seen[c.Name] || c.Doc == "" {
				t.Errorf("column %q: not snake_case, duplicate or undocumented", c.Name)
			}
			seen[c.Name] = true
		}
	}
}

// docs/features.md lists every column of these groups with its unit.
func TestGroupColumnsDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "docs", "features.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, g := range myGroups() {
		for _, c := range g.columns() {
			unit := c.Unit
			switch unit {
			case SignalUnitSquared:
				unit = "signal²"
			case "":
				unit = "—"
			}
			if !strings.Contains(doc, fmt.Sprintf("| `%s` | %s |", c.Name, unit)) {
				t.Errorf("docs/features.md has no row for %s (%s)", c.Name, unit)
			}
		}
	}
}

// The time group's ratios have closed forms for a sine of amplitude A:
// shape π/(2√2), impulse π/2, clearance A/((1/N)Σ√|A sin|)² with
// (1/2π)∫√|sin| = Γ(3/4)/(√π·Γ(5/4)) ≈ 0.763 (Gradshteyn & Ryzhik 3.621).
func TestTimeGroupSine(t *testing.T) {
	const n, a = 48000, 3.0
	x := make([]float64, n)
	for i := range x {
		x[i] = 1 + a*math.Sin(2*math.Pi*50*float64(i)/n)
	}
	g := newTimeGroup()
	dst := make([]float64, len(g.columns()))
	if err := g.compute(dst, &Input{X: x, RateHz: n}); err != nil {
		t.Fatal(err)
	}
	meanSqrt := math.Sqrt(a) * math.Gamma(0.75) / (math.Sqrt(math.Pi) * math.Gamma(1.25))
	want := map[string]float64{
		"mean": 1, "std": a / math.Sqrt2, "rms": a / math.Sqrt2, "peak": a, "peak_to_peak": 2 * a,
		"crest_factor": math.Sqrt2, "kurtosis_pearson": 1.5, "skewness": 0,
		"shape_factor": math.Pi / (2 * math.Sqrt2), "impulse_factor": math.Pi / 2,
		"clearance_factor": a / (meanSqrt * meanSqrt),
	}
	// The sampled means of |sin| and √|sin| differ from the integrals by
	// the discretisation error at 960 samples per period: 4e-6 relative
	// for |sin|, 2e-4 for √|sin| (its cusp at the zeros converges slowly).
	tol := map[string]float64{"shape_factor": 1e-5, "impulse_factor": 1e-5, "clearance_factor": 5e-4}
	for i, c := range g.columns() {
		w, rel := want[c.Name], 1e-9
		if r, ok := tol[c.Name]; ok {
			rel = r
		}
		if math.Abs(dst[i]-w) > rel*math.Max(1, math.Abs(w)) {
			t.Errorf("%s = %.9g, want %.9g", c.Name, dst[i], w)
		}
	}
}

// A constant signal has no defined ratios: they are null, not 0 or Inf.
func TestTimeGroupConstant(t *testing.T) {
	x := make([]float64, 1000)
	for i := range x {
		x[i] = 2
	}
	g := newTimeGroup()
	dst := make([]float64, len(g.columns()))
	if err := g.compute(dst, &Input{X: x, RateHz: 1000}); err != nil {
		t.Fatal(err)
	}
	for i, c := range g.columns() {
		ratio := i >= 5
		if ratio != math.IsNaN(dst[i]) {
			t.Errorf("%s = %g on a constant signal", c.Name, dst[i])
		}
	}
}

// benchInput is a 10 s capture at 25.6 kHz (256 000 samples) with every
// group applicable.
func benchInput() *Input {
	x := tone(256000, 25600, 0.01, [2]float64{30, 0.1}, [2]float64{750, 0.5}, [2]float64{780, 0.05}, [2]float64{3000, 0.2})
	return &Input{X: x, RateHz: 25600, Unit: "g", Kin: Kinematics{RPM: 1800, GearTeeth: 25, ISOGroup: "gearbox"}}
}

// Once a group has seen a capture length, it computes without allocating
// (its plans and scratch are kept per length).
func TestGroupsDoNotAllocate(t *testing.T) {
	in := &Input{X: tone(24000, 12000, 0.1, [2]float64{30, 1}, [2]float64{750, 0.5}), RateHz: 12000, Unit: "g",
		Kin: Kinematics{RPM: 1800, GearTeeth: 25, ISOGroup: "gearbox"}}
	for _, g := range myGroups() {
		dst := make([]float64, len(g.columns()))
		if err := g.compute(dst, in); err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(3, func() { _ = g.compute(dst, in) }); a != 0 {
			t.Errorf("%T: %g allocations per capture after the first", g, a)
		}
	}
}

func BenchmarkGroups(b *testing.B) {
	in := benchInput()
	for _, g := range myGroups() {
		b.Run(fmt.Sprintf("%T", g)[len("*features."):], func(b *testing.B) {
			b.ReportAllocs()
			dst := make([]float64, len(g.columns()))
			for b.Loop() {
				if err := g.compute(dst, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Odd rates and lengths (Bluestein FFT sizes, a segment of one sample,
// bands and lines all above Nyquist) never panic or error.
func FuzzGroups(f *testing.F) {
	f.Add(12000.0, 4096, 1797.0, 25, "gearbox", "g")
	f.Add(0.3, 256, 600.0, 13, "tower", "m/s2")
	f.Add(12345.0, 1001, 0.0, 0, "", "mm/s")
	f.Fuzz(func(t *testing.T, rate float64, n int, rpm float64, teeth int, iso, unit string) {
		if !(rate > 0) || math.IsInf(rate, 0) || rate > 1e7 || n < minSamples || n > 1<<15 || math.IsNaN(rpm) || math.IsInf(rpm, 0) {
			return
		}
		x := make([]float64, n)
		for i := range x {
			x[i] = math.Sin(float64(i)*0.37) + 0.01*float64(i%7)
		}
		in := &Input{X: x, RateHz: rate, Unit: unit, Kin: Kinematics{RPM: rpm, GearTeeth: teeth, ISOGroup: iso}}
		for _, g := range myGroups() {
			dst := make([]float64, len(g.columns()))
			if err := g.compute(dst, in); err != nil {
				t.Errorf("%T: %v", g, err)
			}
		}
	})
}
