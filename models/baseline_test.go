package models

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// gaussianObs returns n observations of p independent indicators,
// indicator j ~ N(mu[j], sigma[j]), op drawn from ops.
func gaussianObs(r *rand.Rand, n int, mu, sigma []float64, ops []float64) []Observation {
	obs := make([]Observation, n)
	for i := range obs {
		v := make([]float64, len(mu))
		for j := range v {
			v[j] = mu[j] + sigma[j]*r.NormFloat64()
		}
		op := math.NaN()
		if len(ops) > 0 {
			op = ops[i%len(ops)]
		}
		obs[i] = Observation{Time: time.Unix(int64(i)*86400, 0), Op: op, Values: v}
	}
	return obs
}

func testIndicators(p int) []Indicator {
	inds := make([]Indicator, p)
	for j := range inds {
		inds[j] = Indicator{Name: string(rune('a' + j))}
	}
	return inds
}

func TestBaselineRobustScale(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	mu, sigma := []float64{10, -3, 0.5}, []float64{2, 0.1, 1e-3}
	ref := gaussianObs(r, 4000, mu, sigma, nil)
	// 5 % gross outliers must not move a robust baseline much.
	for i := 0; i < len(ref); i += 20 {
		ref[i].Values[0] = 1e6
	}
	b, err := FitBaseline(ref, BaselineConfig{Indicators: testIndicators(3), Classes: 1})
	if err != nil {
		t.Fatal(err)
	}
	for j := range mu {
		// Standard errors: median σ·1.2533/√n, MAD scale ≈ σ·1.67/√n;
		// the 5 % contamination of indicator 0 shifts its median by
		// ≈ 0.063σ and inflates its scale by ≈ 6 %.
		if d := math.Abs(b.Pooled.Median[j] - mu[j]); d > 0.1*sigma[j] {
			t.Errorf("indicator %d: median %g, want %g", j, b.Pooled.Median[j], mu[j])
		}
		if q := b.Pooled.Scale[j] / sigma[j]; q < 0.93 || q > 1.12 {
			t.Errorf("indicator %d: scale %g, want ≈ %g", j, b.Pooled.Scale[j], sigma[j])
		}
	}
	s := b.Score(&Observation{Op: math.NaN(), Values: []float64{mu[0] + 6*sigma[0], mu[1] - 9*sigma[1], mu[2]}})
	if s.MaxIndex != 0 || math.Abs(s.MaxZ-6) > 0.6 {
		t.Errorf("max z %g on %d, want ≈ 6 on 0 (a fall of indicator 1 does not count)", s.MaxZ, s.MaxIndex)
	}
	if s.Severity != Watch {
		t.Errorf("severity %v, want watch", s.Severity)
	}
}

func TestBaselineScaleFloors(t *testing.T) {
	ref := make([]Observation, 20)
	for i := range ref {
		ref[i] = Observation{Op: math.NaN(), Values: []float64{3, 200}}
	}
	inds := []Indicator{{Name: "db", MinScale: 1.5}, {Name: "level", RelMinScale: 0.05}}
	b, err := FitBaseline(ref, BaselineConfig{Indicators: inds, Classes: 1})
	if err != nil {
		t.Fatal(err)
	}
	// The floors, widened for the uncertainty of a median of 20.
	f := math.Sqrt(1 + math.Pi/40)
	if math.Abs(b.Pooled.Scale[0]-1.5*f) > 1e-12 || math.Abs(b.Pooled.Scale[1]-10*f) > 1e-12 {
		t.Errorf("scales %v, want [%g %g]", b.Pooled.Scale, 1.5*f, 10*f)
	}
	s := b.Score(&Observation{Op: math.NaN(), Values: []float64{3 + 1.5*f*7, 200}})
	if math.Abs(s.MaxZ-7) > 1e-9 || s.Severity != Warning {
		t.Errorf("z %g severity %v, want 7 warning", s.MaxZ, s.Severity)
	}
}

func TestBaselineClasses(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	// Vibration rises with speed: at 1000 rpm level 1, at 1500 rpm level 2.
	var ref []Observation
	for i := 0; i < 40; i++ {
		op, level := 1000.0, 1.0
		if i%2 == 1 {
			op, level = 1500, 2
		}
		ref = append(ref, Observation{Op: op + r.Float64(), Values: []float64{level * (1 + 0.02*r.NormFloat64())}})
	}
	inds := []Indicator{{Name: "rms", RelMinScale: 0.01}}
	b, err := FitBaseline(ref, BaselineConfig{Indicators: inds})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Classes) != 2 || b.Classes[0].N != 20 || b.Classes[1].N != 20 {
		t.Fatalf("classes %+v", b.Classes)
	}
	// A high-speed level at high speed is normal; at low speed it is not.
	hi := b.Score(&Observation{Op: 1500, Values: []float64{2}})
	lo := b.Score(&Observation{Op: 1000, Values: []float64{2}})
	if hi.Severity != OK || hi.BaselineClass == "all" || math.Abs(hi.MaxZ) > 2 {
		t.Errorf("high speed: %+v", hi)
	}
	if lo.Severity != Alarm || lo.Class != b.Classes[0].Label {
		t.Errorf("low speed: severity %v class %q z %g", lo.Severity, lo.Class, lo.MaxZ)
	}
	// Unknown speed: pooled.
	if u := b.Score(&Observation{Op: math.NaN(), Values: []float64{1.5}}); u.BaselineClass != "all" || u.BaselineN != 40 {
		t.Errorf("unknown speed: %+v", u)
	}

	// Too few in a class: pooled.
	b, err = FitBaseline(ref[:14], BaselineConfig{Indicators: inds})
	if err != nil {
		t.Fatal(err)
	}
	if s := b.Score(&Observation{Op: 1000, Values: []float64{1}}); s.BaselineClass != "all" || s.Class == "all" {
		t.Errorf("7 per class: scored by %q (class %q), want the pooled baseline", s.BaselineClass, s.Class)
	}
	// Too few at all: no baseline, OK.
	b, err = FitBaseline(ref[:5], BaselineConfig{Indicators: inds})
	if err != nil {
		t.Fatal(err)
	}
	if s := b.Score(&Observation{Op: 1000, Values: []float64{100}}); s.Severity != OK || s.BaselineN != 0 {
		t.Errorf("5 reference observations: %+v", s)
	}
}

// TestBaselineFalseAlarms scores fresh healthy observations against a
// baseline of 60: the per-capture rate of anything above OK must be far
// below the 1-in-20 that would make the 3-of-5 rule raise chance alarms.
func TestBaselineFalseAlarms(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const p = 8
	mu, sigma := make([]float64, p), make([]float64, p)
	for j := range mu {
		mu[j], sigma[j] = float64(j), 1+float64(j)/4
	}
	b, err := FitBaseline(gaussianObs(r, 60, mu, sigma, nil), BaselineConfig{Indicators: testIndicators(p), Classes: 1})
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(b.Pooled.D2Limit) {
		t.Fatal("no multivariate limit with 60 observations of 8 indicators")
	}
	test := gaussianObs(r, 20000, mu, sigma, nil)
	raised, d2Sum := 0, 0.0
	for i := range test {
		s := b.Score(&test[i])
		if s.Severity > OK {
			raised++
		}
		d2Sum += s.D2
	}
	if rate := float64(raised) / float64(len(test)); rate > 0.01 {
		t.Errorf("%.4f of healthy captures graded above OK", rate)
	}
	// With the true covariance E[D²] = p; estimated from 60 and shrunk it is
	// somewhat larger.
	if m := d2Sum / float64(len(test)); m < p*0.9 || m > p*1.6 {
		t.Errorf("mean D² %g, want ≈ %d", m, p)
	}
}

// TestBaselineMultivariate: a joint shift of correlated indicators, each
// too small to grade alone, is caught by the Mahalanobis distance.
func TestBaselineMultivariate(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var ref []Observation
	for i := 0; i < 200; i++ {
		c := r.NormFloat64()
		// Strongly correlated pair: x ≈ y.
		ref = append(ref, Observation{Op: math.NaN(), Values: []float64{c + 0.1*r.NormFloat64(), c + 0.1*r.NormFloat64()}})
	}
	b, err := FitBaseline(ref, BaselineConfig{Indicators: testIndicators(2), Classes: 1})
	if err != nil {
		t.Fatal(err)
	}
	// x up and y down by 2σ: each z ≈ ±2 (no univariate grade), but the
	// pair breaks the correlation.
	s := b.Score(&Observation{Op: math.NaN(), Values: []float64{2, -2}})
	if s.MaxZ > 3 || s.D2 <= s.D2Limit || s.Severity != Watch {
		t.Errorf("max z %g, D² %g (limit %g), severity %v: want watch from D²", s.MaxZ, s.D2, s.D2Limit, s.Severity)
	}
	s = b.Score(&Observation{Op: math.NaN(), Values: []float64{2, 2}})
	if s.D2 > s.D2Limit {
		t.Errorf("along the correlation: D² %g above limit %g", s.D2, s.D2Limit)
	}
}

func TestBaselineZones(t *testing.T) {
	ref := gaussianObs(rand.New(rand.NewPCG(9, 9)), 30, []float64{0}, []float64{1}, nil)
	b, err := FitBaseline(ref, BaselineConfig{Indicators: testIndicators(1), Classes: 1})
	if err != nil {
		t.Fatal(err)
	}
	for zone, want := range map[int]Severity{0: OK, 2: OK, 3: Warning, 4: Alarm} {
		if s := b.Score(&Observation{Op: math.NaN(), Values: []float64{0}, Zone: zone}); s.Severity != want {
			t.Errorf("zone %d: %v, want %v", zone, s.Severity, want)
		}
	}
}

func TestBaselineBadInput(t *testing.T) {
	if _, err := FitBaseline([]Observation{{Values: []float64{1}}}, BaselineConfig{Indicators: testIndicators(2)}); err == nil {
		t.Error("wrong number of values accepted")
	}
}

func TestBaselineMinRevolutions(t *testing.T) {
	inds := []Indicator{{Name: "order_1x", RelMinScale: 0.05, MinRevolutions: 10}, {Name: "rms", RelMinScale: 0.05}}
	var ref []Observation
	for i := 0; i < 20; i++ {
		ref = append(ref, Observation{Op: math.NaN(), Values: []float64{1, 1}, Revolutions: 1.6})
	}
	b, err := FitBaseline(ref, BaselineConfig{Indicators: inds, Classes: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(b.Pooled.Median[0]) || b.Pooled.Median[1] != 1 {
		t.Errorf("medians %v: order_1x from 1.6 revolutions must not enter", b.Pooled.Median)
	}
	if ref[0].Values[0] != 1 {
		t.Error("FitBaseline changed its input")
	}
	s := b.Score(&Observation{Op: math.NaN(), Values: []float64{5, 1}, Revolutions: 1.6})
	if !math.IsNaN(s.Z[0]) || s.Severity != OK {
		t.Errorf("score %+v", s)
	}
}

// TestLedoitWolfSklearn compares ledoitWolf with scikit-learn's
// ledoit_wolf on the data in testdata/ledoitwolf.json (made by
// testdata/ledoitwolf.py).
func TestLedoitWolfSklearn(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "ledoitwolf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			X    [][]float64 `json:"x"`
			Mean []float64   `json:"mean"`
			Cov  [][]float64 `json:"cov"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	for k, c := range ref.Cases {
		mean, cov := ledoitWolf(c.X)
		p := len(c.Mean)
		for i := 0; i < p; i++ {
			if d := math.Abs(mean[i] - c.Mean[i]); d > 1e-12*(1+math.Abs(c.Mean[i])) {
				t.Errorf("case %d: mean[%d] = %g, sklearn %g", k, i, mean[i], c.Mean[i])
			}
			for j := 0; j < p; j++ {
				if d := math.Abs(cov[i*p+j] - c.Cov[i][j]); d > 1e-12*(1+math.Abs(c.Cov[i][j])) {
					t.Errorf("case %d: cov[%d][%d] = %.15g, sklearn %.15g", k, i, j, cov[i*p+j], c.Cov[i][j])
				}
			}
		}
	}
}

// TestBaselineTrend: a level proportional to speed (1 per 1000 rpm, 2 %
// noise, 10 % gross outliers) gets a line: z ≈ 0 at any speed for a
// healthy value, a large z for a high-speed level at low speed, and the
// line's coefficients are Theil–Sen's (robust to the outliers).
func TestBaselineTrend(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	inds := []Indicator{{Name: "velocity", RelMinScale: 0.01, FollowsOp: true}}
	var ref []Observation
	for i := 0; i < 60; i++ {
		op := 1000 + 600*r.Float64()
		v := op / 1000 * (1 + 0.02*r.NormFloat64())
		if i%10 == 0 {
			v *= 3
		}
		ref = append(ref, Observation{Op: op, Values: []float64{v}})
	}
	b, err := FitBaseline(ref, BaselineConfig{Indicators: inds, Classes: 1})
	if err != nil {
		t.Fatal(err)
	}
	tr := b.Trends[0]
	if !tr.OK || math.Abs(tr.Slope-0.001) > 0.0002 || math.Abs(tr.Intercept) > 0.25 {
		t.Fatalf("trend %+v, want slope 0.001, intercept 0", tr)
	}
	for _, op := range []float64{1000, 1300, 1600} {
		s := b.Score(&Observation{Op: op, Values: []float64{op / 1000}})
		if math.Abs(s.Z[0]) > 1.5 || s.Severity != OK {
			t.Errorf("healthy at %g rpm: z %g, %v", op, s.Z[0], s.Severity)
		}
	}
	if s := b.Score(&Observation{Op: 1000, Values: []float64{1.6}}); s.Severity != Alarm {
		t.Errorf("1.6 at 1000 rpm: z %g, %v; want alarm", s.Z[0], s.Severity)
	}
	if v, scale := b.Expected(0, &Score{BaselineClass: "all"}, 1500); math.Abs(v-1.5) > 0.05 || scale <= 0 {
		t.Errorf("expected at 1500 rpm: %g ± %g", v, scale)
	}
	// Unknown speed: the class median.
	if s := b.Score(&Observation{Op: math.NaN(), Values: []float64{1.3}}); math.IsNaN(s.Z[0]) || s.Severity != OK {
		t.Errorf("unknown speed: %+v", s)
	}
}
