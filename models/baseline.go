package models

import (
	"fmt"
	"math"
	"sort"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Indicator is one key indicator of a sensor's condition: a column of the
// features table whose rise means wear. Only rises count: a falling
// kurtosis or line level is not a fault.
type Indicator struct {
	// Name is the features column ("bpfo_db").
	Name string
	// Unit is the column's unit ("dB", "signal" for the capture's unit).
	Unit string
	// MinScale and RelMinScale bound the robust scale from below, at
	// MinScale and at RelMinScale × |median|: a reference period whose
	// values hardly move (a quiet line at the noise floor, a constant
	// speed) must not turn a negligible change into a large z.
	MinScale, RelMinScale float64
	// MinRevolutions, if > 0, is the fewest shaft revolutions a capture
	// must hold for the indicator to be read from it (an order line needs
	// the capture to resolve it from 0 Hz and from its neighbours).
	MinRevolutions float64
	// FollowsOp marks a level that rises and falls with the operating
	// point (overall vibration grows with speed and load): its baseline
	// is a straight line in the operating variable, fitted over the whole
	// reference period, rather than one value per class.
	FollowsOp bool
}

// DefaultIndicators returns the key indicators a scan scores: overall
// levels (RMS, ISO velocity), impulsiveness (kurtosis, crest factor, the
// envelope band's spectral kurtosis), the bearing defect lines of the
// envelope spectrum, gear-mesh sidebands and shaft unbalance. A sensor
// scores those its features table fills.
//
// The scale floors: 5 % of the median for levels (the day-to-day spread of
// a healthy machine at one operating class is a few per cent); 0.15 for
// kurtosis (the standard error of the kurtosis of n Gaussian samples is
// √(24/n), 0.015 at n = 100,000, so 0.15 leaves room for mild
// non-stationarity); 1.5 dB for line levels above the noise floor (the
// level of a noise-only envelope-spectrum bin in dB has a standard
// deviation of 5.6 dB for a Rayleigh amplitude; the median-of-harmonics
// features spread less, and 1.5 dB is what healthy synthetic and CWRU
// captures show); 0.5 for the band's spectral kurtosis; 10 % for the
// sideband energy ratio. The levels (RMS, velocity, order_1x) follow the
// operating point: two classes leave half the speed range in each, and a
// level that grows with speed spreads over it (a healthy gearbox's
// velocity RMS moves ±25 % between the ends of one class), so their
// baseline is a line in the operating variable. The shaft line order_1x is read only from
// captures of at least 10 revolutions: the Hann window's main lobe spans
// ±2 bins of 1/T, so below 3 revolutions the 1× line merges with 0 Hz,
// and a line estimated from few revolutions scatters (a main bearing's
// 8 s capture at 12 rpm holds 1.6 revolutions: its order_1x varies by
// ±17 % MAD between healthy days and reaches twice its median).
func DefaultIndicators() []Indicator {
	return []Indicator{
		{Name: "rms", Unit: "signal", RelMinScale: 0.05, FollowsOp: true},
		{Name: "velocity_rms_10_1000_hz_mm_s", Unit: "mm/s", RelMinScale: 0.05, FollowsOp: true},
		{Name: "kurtosis_pearson", MinScale: 0.15},
		{Name: "crest_factor", MinScale: 0.2},
		{Name: "envelope_band_kurtosis", MinScale: 0.5},
		{Name: "bpfo_db", Unit: "dB", MinScale: 1.5},
		{Name: "bpfi_db", Unit: "dB", MinScale: 1.5},
		{Name: "bsf_db", Unit: "dB", MinScale: 1.5},
		{Name: "ftf_db", Unit: "dB", MinScale: 1.5},
		{Name: "gear_ser", MinScale: 0.01, RelMinScale: 0.1},
		{Name: "order_1x", Unit: "signal", RelMinScale: 0.05, MinRevolutions: 10, FollowsOp: true},
	}
}

// Thresholds grade an observation.
type Thresholds struct {
	// WatchZ, WarningZ and AlarmZ are the robust z-scores (of the largest
	// risen indicator) at which an observation is graded Watch, Warning
	// and Alarm. With a Gaussian indicator, z ≥ 4 happens by chance once
	// in 31,000 captures; the persistence rule of the alarm tracker
	// (k of n) makes a chance alarm far rarer still.
	WatchZ, WarningZ, AlarmZ float64
	// MultivariateAlpha is the false-alarm probability per capture of the
	// multivariate limit (Watch when the Mahalanobis distance exceeds it).
	MultivariateAlpha float64
}

// DefaultThresholds returns z 4 / 7 / 12 and a multivariate α of 10⁻⁴.
func DefaultThresholds() Thresholds {
	return Thresholds{WatchZ: 4, WarningZ: 7, AlarmZ: 12, MultivariateAlpha: 1e-4}
}

// BaselineConfig sets how a Baseline is learned.
type BaselineConfig struct {
	// Indicators are scored in this order (DefaultIndicators if nil).
	Indicators []Indicator
	// Classes is the number of operating classes: quantile bins of the
	// operating variable over the reference period (default 2: below and
	// above its median). 1 disables classes.
	Classes int
	// MinPerClass is the fewest reference observations a class needs for
	// its own baseline; a class with fewer uses the pooled one (default 8).
	MinPerClass int
	// MinReference is the fewest reference observations for any baseline;
	// with fewer every observation scores OK (default 8).
	MinReference int
	// OpName and OpUnit name the operating variable ("rpm", "power", "kW").
	OpName, OpUnit string
	// Thresholds grade observations (DefaultThresholds if zero).
	Thresholds Thresholds
}

func (c *BaselineConfig) defaults() {
	if c.Indicators == nil {
		c.Indicators = DefaultIndicators()
	}
	if c.Classes <= 0 {
		c.Classes = 2
	}
	if c.MinPerClass <= 0 {
		c.MinPerClass = 8
	}
	if c.MinReference <= 0 {
		c.MinReference = 8
	}
	if c.OpName == "" {
		c.OpName = "rpm"
	}
	if c.Thresholds == (Thresholds{}) {
		c.Thresholds = DefaultThresholds()
	}
}

// Observation is one capture of one sensor, as the baseline sees it.
type Observation struct {
	Time time.Time
	// Op is the operating variable (shaft speed in rpm, or power); NaN
	// when unknown.
	Op float64
	// Values are the indicators in BaselineConfig.Indicators order; NaN
	// where the capture has none.
	Values []float64
	// Zone is the ISO 20816-21 evaluation zone (2 = A/B, 3 = C, 4 = D;
	// 0 unknown).
	Zone int
	// Revolutions is the number of shaft revolutions in the capture (NaN
	// or 0 when unknown: indicators with MinRevolutions are then not read).
	Revolutions float64
}

// Usable returns the observation's value of indicator j, NaN when it is
// missing or the capture is too short for it.
func (o *Observation) Usable(inds []Indicator, j int) float64 {
	if m := inds[j].MinRevolutions; m > 0 && !(o.Revolutions >= m) {
		return math.NaN()
	}
	return o.Values[j]
}

// Baseline is what healthy looks like for one sensor: per operating class
// and pooled over all classes.
type Baseline struct {
	cfg BaselineConfig
	// Edges are the class boundaries of the operating variable (Classes−1
	// of them, rising; fewer when the reference values repeat).
	Edges []float64
	// Classes are the per-class baselines, Pooled the one over every
	// reference observation.
	Classes []ClassBaseline
	Pooled  ClassBaseline
	// Trends are, per indicator, the line in the operating variable of an
	// indicator that FollowsOp (OK false for the others, and when the
	// reference period lacks the operating point).
	Trends []Trend
}

// Trend is the baseline of a level that follows the operating point:
// value ≈ Intercept + Slope·op (Theil–Sen: the slope is the median of the
// slopes between every two reference observations, the intercept the
// median of value − Slope·op; Sen 1968, robust to 29 % of outliers), and
// Scale the robust scale of the residuals (1.4826 × MAD, floored with the
// indicator's floors at the level of the median operating point, widened
// as predictionScale says).
type Trend struct {
	OK                      bool
	Intercept, Slope, Scale float64
	N                       int
}

// Expected returns the trend's value at op.
func (t *Trend) Expected(op float64) float64 { return t.Intercept + t.Slope*op }

// ClassBaseline is the baseline of one operating class.
type ClassBaseline struct {
	// Label names the class ("rpm < 1243", "rpm ≥ 1243", "all").
	Label string
	// N is the number of reference observations behind it.
	N int
	// Median and Scale are, per indicator, the median and the robust scale
	// (1.4826 × median absolute deviation, floored as the Indicator says);
	// NaN where fewer than half of the reference observations hold the
	// indicator.
	Median, Scale []float64
	// Active are the indicators of the multivariate score.
	Active []int
	// Mean is the mean of the standardised active indicators over the clean
	// reference observations (those with every |z| ≤ 5).
	Mean []float64
	// D2Limit is the Mahalanobis limit (NaN when there are too few clean
	// observations for one).
	D2Limit float64
	chol    *mat.Cholesky
}

// Score is an observation graded against a baseline.
type Score struct {
	// Class is the observation's operating class, BaselineClass the class
	// whose baseline scored it ("all" when pooled), BaselineN that
	// baseline's reference observations (0: no baseline yet).
	Class, BaselineClass string
	BaselineN            int
	// Z are the robust z-scores (value − median) / scale per indicator;
	// NaN where the value or the baseline is missing.
	Z []float64
	// MaxZ is the largest z and MaxIndex its indicator (−1 when none).
	MaxZ     float64
	MaxIndex int
	// D2 is the squared Mahalanobis distance of the standardised active
	// indicators from the baseline, with the Ledoit–Wolf shrunk
	// covariance; D2Limit its limit and DoF the number of indicators in
	// it. D2 is NaN when not computed.
	D2, D2Limit float64
	DoF         int
	// Zone is the observation's ISO zone (0 unknown).
	Zone int
	// Severity is the instantaneous grade: the worst of the z grade,
	// the zone grade (C: Warning, D: Alarm) and the multivariate grade
	// (Watch above D2Limit).
	Severity Severity
}

// robustFactor makes the median absolute deviation a consistent estimate of
// a Gaussian standard deviation: 1/Φ⁻¹(3/4).
const robustFactor = 1.4826

// cleanZ is the largest |z| a reference observation may have on any active
// indicator to enter the covariance estimate.
const cleanZ = 5

// FitBaseline learns a baseline from the reference observations ref.
func FitBaseline(ref []Observation, cfg BaselineConfig) (*Baseline, error) {
	cfg.defaults()
	p := len(cfg.Indicators)
	for i := range ref {
		if len(ref[i].Values) != p {
			return nil, fmt.Errorf("baseline: observation %d has %d values, want %d", i, len(ref[i].Values), p)
		}
	}
	ref = masked(ref, cfg.Indicators)
	b := &Baseline{cfg: cfg}
	var ops []float64
	for i := range ref {
		if !math.IsNaN(ref[i].Op) {
			ops = append(ops, ref[i].Op)
		}
	}
	if cfg.Classes > 1 && len(ops) >= cfg.MinPerClass {
		sort.Float64s(ops)
		for k := 1; k < cfg.Classes; k++ {
			e := quantileSorted(ops, float64(k)/float64(cfg.Classes))
			if len(b.Edges) == 0 || e > b.Edges[len(b.Edges)-1] {
				b.Edges = append(b.Edges, e)
			}
		}
	}
	b.Trends = fitTrends(ref, &cfg)
	b.Pooled = fitClass("all", ref, &cfg, nil, b.Trends)
	members := make([][]Observation, len(b.Edges)+1)
	for i := range ref {
		if math.IsNaN(ref[i].Op) {
			continue
		}
		c := b.class(ref[i].Op)
		members[c] = append(members[c], ref[i])
	}
	// A class differs from another in level, seldom in spread, and a
	// spread estimated from a few reference observations is poor (the
	// scale from the MAD of 10 values has a standard error of 37 %): the
	// classes share one scale, the MAD of every classed observation's
	// deviation from its own class's median (a pooled within-class
	// dispersion, as in the one-way analysis of variance).
	pooled := make([][]float64, len(cfg.Indicators))
	for _, m := range members {
		for j := range cfg.Indicators {
			vals := indicatorValues(m, j)
			if len(vals) > 0 {
				pooled[j] = append(pooled[j], absDeviations(vals, quantileSorted(vals, 0.5))...)
			}
		}
	}
	for c := range members {
		b.Classes = append(b.Classes, fitClass(b.classLabel(c), members[c], &cfg, pooled, b.Trends))
	}
	return b, nil
}

// masked returns obs with every value that is not Usable set to NaN
// (copies where needed; obs is not changed).
func masked(obs []Observation, inds []Indicator) []Observation {
	out := obs
	for i := range obs {
		for j := range inds {
			if v := obs[i].Usable(inds, j); math.IsNaN(v) && !math.IsNaN(obs[i].Values[j]) {
				if &out[0] == &obs[0] {
					out = append([]Observation(nil), obs...)
				}
				vals := append([]float64(nil), out[i].Values...)
				vals[j] = math.NaN()
				out[i].Values = vals
			}
		}
	}
	return out
}

// class returns the index of the class op falls in.
func (b *Baseline) class(op float64) int {
	return sort.Search(len(b.Edges), func(i int) bool { return op < b.Edges[i] })
}

func (b *Baseline) classLabel(c int) string {
	name := b.cfg.OpName
	switch {
	case len(b.Edges) == 0:
		return "all"
	case c == 0:
		return fmt.Sprintf("%s < %.4g", name, b.Edges[0])
	case c == len(b.Edges):
		return fmt.Sprintf("%s ≥ %.4g", name, b.Edges[c-1])
	}
	return fmt.Sprintf("%s %.4g–%.4g", name, b.Edges[c-1], b.Edges[c])
}

// Expected returns the baseline's value of indicator j for an observation
// scored s at operating point op, and its robust scale: the trend's at op
// when the indicator follows one, else the scoring class's median.
func (b *Baseline) Expected(j int, s *Score, op float64) (value, scale float64) {
	if t := &b.Trends[j]; t.OK && !math.IsNaN(op) {
		return t.Expected(op), t.Scale
	}
	cb := &b.Pooled
	for k := range b.Classes {
		if b.Classes[k].Label == s.BaselineClass {
			cb = &b.Classes[k]
		}
	}
	return cb.Median[j], cb.Scale[j]
}

// Indicators returns the indicators the baseline scores.
func (b *Baseline) Indicators() []Indicator { return b.cfg.Indicators }

// fitClass learns one class's baseline from its reference observations:
// the medians, and the robust scale from the absolute deviations from
// them (or, when pooled is given, from the deviations of every classed
// reference observation from its own class's median: see FitBaseline).
func fitClass(label string, obs []Observation, cfg *BaselineConfig, pooled [][]float64, trends []Trend) ClassBaseline {
	p := len(cfg.Indicators)
	cb := ClassBaseline{Label: label, N: len(obs), Median: make([]float64, p), Scale: make([]float64, p), D2Limit: math.NaN()}
	for j := range cfg.Indicators {
		vals := indicatorValues(obs, j)
		if len(vals) == 0 || 2*len(vals) < len(obs) {
			cb.Median[j], cb.Scale[j] = math.NaN(), math.NaN()
			continue
		}
		cb.Median[j] = quantileSorted(vals, 0.5)
		var dev []float64
		if pooled != nil {
			dev = pooled[j]
		} else {
			dev = absDeviations(vals, cb.Median[j])
		}
		cb.Scale[j] = predictionScale(&cfg.Indicators[j], cb.Median[j], dev, len(vals))
	}
	for j := range cb.Median {
		if !math.IsNaN(cb.Median[j]) {
			cb.Active = append(cb.Active, j)
		}
	}
	cb.fitCovariance(obs, cfg, trends)
	return cb
}

// fitTrends fits the Trend of every indicator that FollowsOp, from the
// reference observations whose operating point is known.
func fitTrends(ref []Observation, cfg *BaselineConfig) []Trend {
	trends := make([]Trend, len(cfg.Indicators))
	for j := range cfg.Indicators {
		ind := &cfg.Indicators[j]
		if !ind.FollowsOp {
			continue
		}
		var ops, vals []float64
		for i := range ref {
			if v := ref[i].Values[j]; !math.IsNaN(ref[i].Op) && !math.IsNaN(v) && !math.IsInf(v, 0) {
				ops, vals = append(ops, ref[i].Op), append(vals, v)
			}
		}
		n := len(vals)
		if n < cfg.MinReference {
			continue
		}
		var slopes []float64
		for a := 0; a < n; a++ {
			for c := a + 1; c < n; c++ {
				if d := ops[c] - ops[a]; d != 0 {
					slopes = append(slopes, (vals[c]-vals[a])/d)
				}
			}
		}
		if len(slopes) == 0 {
			continue // one operating point: the classes do
		}
		sort.Float64s(slopes)
		t := Trend{OK: true, Slope: quantileSorted(slopes, 0.5), N: n}
		res := make([]float64, n)
		for i := range vals {
			res[i] = vals[i] - t.Slope*ops[i]
		}
		sort.Float64s(res)
		t.Intercept = quantileSorted(res, 0.5)
		dev := make([]float64, n)
		for i := range vals {
			dev[i] = math.Abs(vals[i] - t.Expected(ops[i]))
		}
		sort.Float64s(ops)
		t.Scale = predictionScale(ind, t.Expected(quantileSorted(ops, 0.5)), dev, n)
		trends[j] = t
	}
	return trends
}

// zOf returns the robust z of indicator j of o against class baseline cb,
// or against the indicator's trend when it has one and o's operating point
// is known; NaN when o or the baseline lacks it.
func zOf(o *Observation, inds []Indicator, j int, cb *ClassBaseline, trends []Trend) float64 {
	v := o.Usable(inds, j)
	if math.IsNaN(v) {
		return math.NaN()
	}
	if t := &trends[j]; t.OK && !math.IsNaN(o.Op) {
		return (v - t.Expected(o.Op)) / t.Scale
	}
	if math.IsNaN(cb.Median[j]) {
		return math.NaN()
	}
	return (v - cb.Median[j]) / cb.Scale[j]
}

// indicatorValues returns the finite values of indicator j in obs, sorted.
func indicatorValues(obs []Observation, j int) []float64 {
	vals := make([]float64, 0, len(obs))
	for i := range obs {
		if v := obs[i].Values[j]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			vals = append(vals, v)
		}
	}
	sort.Float64s(vals)
	return vals
}

// absDeviations returns |v − med| for every v.
func absDeviations(vals []float64, med float64) []float64 {
	dev := make([]float64, len(vals))
	for i, v := range vals {
		dev[i] = math.Abs(v - med)
	}
	return dev
}

// predictionScale returns the robust scale of a new observation's
// deviation from a median of n reference values: 1.4826 × the median of
// the absolute deviations dev, floored as the indicator says, and widened
// by √(1 + π/(2n)) because the median itself is uncertain (its variance
// is πσ²/(2n) for Gaussian data), as a prediction interval is wider than
// a confidence interval.
func predictionScale(ind *Indicator, med float64, dev []float64, n int) float64 {
	d := append([]float64(nil), dev...)
	sort.Float64s(d)
	scale := 0.0
	if len(d) > 0 {
		scale = robustFactor * quantileSorted(d, 0.5)
	}
	scale = math.Max(scale, math.Max(ind.MinScale, ind.RelMinScale*math.Abs(med)))
	if scale <= 0 {
		// A constant indicator with no floor: any change is news, but
		// not an infinite z; take the smallest representable step.
		scale = math.Max(math.Abs(med)*1e-9, math.SmallestNonzeroFloat64)
	}
	return scale * math.Sqrt(1+math.Pi/(2*float64(n)))
}

// fitCovariance estimates the shrunk covariance of the standardised active
// indicators over the clean reference observations and its limit.
func (cb *ClassBaseline) fitCovariance(obs []Observation, cfg *BaselineConfig, trends []Trend) {
	p := len(cb.Active)
	if p == 0 {
		return
	}
	var rows [][]float64
	for i := range obs {
		z := make([]float64, p)
		ok := true
		for k, j := range cb.Active {
			z[k] = zOf(&obs[i], cfg.Indicators, j, cb, trends)
			if math.IsNaN(z[k]) || math.Abs(z[k]) > cleanZ {
				ok = false
				break
			}
		}
		if ok {
			rows = append(rows, z)
		}
	}
	n := len(rows)
	// The prediction limit needs n > p + 1 (below).
	if n <= p+1 {
		return
	}
	mean, cov := ledoitWolf(rows)
	var chol mat.Cholesky
	if !chol.Factorize(mat.NewSymDense(p, cov)) {
		return
	}
	cb.Mean, cb.chol = mean, &chol
	cb.D2Limit = predictionLimit(p, n, cfg.Thresholds.MultivariateAlpha)
}

// predictionLimit returns the limit of the squared Mahalanobis distance
// of a new observation from the mean of n reference observations of p
// Gaussian variables, exceeded with probability alpha (the Phase II
// limit of Hotelling's T² chart, Montgomery, Introduction to Statistical
// Quality Control, 7th ed., eq. 11.19):
//
//	T²_lim = p (n + 1)(n − 1) / (n (n − p)) · F(1 − α; p, n − p)
//
// With a shrunk covariance the distances are smaller than with the sample
// covariance, so the limit is conservative.
func predictionLimit(p, n int, alpha float64) float64 {
	f := distuv.F{D1: float64(p), D2: float64(n - p)}
	pf, nf := float64(p), float64(n)
	return pf * (nf + 1) * (nf - 1) / (nf * (nf - pf)) * f.Quantile(1-alpha)
}

// ledoitWolf returns the mean and the Ledoit–Wolf shrunk covariance
// (row-major p×p) of the rows x (Ledoit & Wolf 2004, "A well-conditioned
// estimator for large-dimensional covariance matrices", J. Multivariate
// Anal. 88, §3.3; the estimator of scikit-learn's ledoit_wolf):
//
//	S  = (1/n) Σ (x_k − m)(x_k − m)ᵀ,   μ = tr S / p
//	δ² = ‖S − μI‖²,   β̄² = (1/n²) Σ ‖(x_k − m)(x_k − m)ᵀ − S‖²,   β² = min(β̄², δ²)
//	Σ* = (β²/δ²) μ I + (1 − β²/δ²) S
//
// with ‖A‖² = Σ a_ij² (the 1/p of the paper's norm cancels in β²/δ²).
func ledoitWolf(x [][]float64) (mean, cov []float64) {
	n, p := len(x), len(x[0])
	mean = make([]float64, p)
	for _, r := range x {
		for j, v := range r {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	s := make([]float64, p*p)
	d := make([]float64, p)
	for _, r := range x {
		for j := range d {
			d[j] = r[j] - mean[j]
		}
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				s[i*p+j] += d[i] * d[j]
			}
		}
	}
	for i := range s {
		s[i] /= float64(n)
	}
	mu := 0.0
	for i := 0; i < p; i++ {
		mu += s[i*p+i]
	}
	mu /= float64(p)
	delta2 := 0.0
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			v := s[i*p+j]
			if i == j {
				v -= mu
			}
			delta2 += v * v
		}
	}
	beta2 := 0.0
	for _, r := range x {
		for j := range d {
			d[j] = r[j] - mean[j]
		}
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				v := d[i]*d[j] - s[i*p+j]
				beta2 += v * v
			}
		}
	}
	beta2 /= float64(n) * float64(n)
	shrink := 1.0
	if delta2 > 0 {
		shrink = math.Min(beta2, delta2) / delta2
	}
	cov = make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			cov[i*p+j] = (1 - shrink) * s[i*p+j]
		}
		cov[i*p+i] += shrink * mu
	}
	if mu == 0 {
		// Every clean observation identical: a unit covariance keeps the
		// distance finite.
		for i := 0; i < p; i++ {
			cov[i*p+i] = 1
		}
	}
	return mean, cov
}

// Score grades o against the baseline: o's class baseline when it has at
// least MinPerClass reference observations, else the pooled one.
func (b *Baseline) Score(o *Observation) Score {
	cfg := &b.cfg
	p := len(cfg.Indicators)
	s := Score{Class: "all", Z: make([]float64, p), MaxZ: math.NaN(), MaxIndex: -1, D2: math.NaN(), D2Limit: math.NaN(), Zone: o.Zone}
	cb := &b.Pooled
	if !math.IsNaN(o.Op) && len(b.Edges) > 0 {
		c := b.class(o.Op)
		s.Class = b.Classes[c].Label
		if b.Classes[c].N >= cfg.MinPerClass {
			cb = &b.Classes[c]
		}
	}
	s.BaselineClass, s.BaselineN = cb.Label, cb.N
	for j := range s.Z {
		s.Z[j] = math.NaN()
	}
	if cb.N < cfg.MinReference {
		s.BaselineN = 0
		return s
	}
	for j := range s.Z {
		s.Z[j] = zOf(o, cfg.Indicators, j, cb, b.Trends)
		if math.IsNaN(s.Z[j]) {
			continue
		}
		if s.MaxIndex < 0 || s.Z[j] > s.MaxZ {
			s.MaxZ, s.MaxIndex = s.Z[j], j
		}
	}
	if cb.chol != nil {
		k := len(cb.Active)
		d := mat.NewVecDense(k, nil)
		ok := true
		for i, j := range cb.Active {
			if math.IsNaN(s.Z[j]) {
				ok = false
				break
			}
			d.SetVec(i, s.Z[j]-cb.Mean[i])
		}
		if ok {
			var y mat.VecDense
			if err := cb.chol.SolveVecTo(&y, d); err == nil {
				s.D2, s.D2Limit, s.DoF = mat.Dot(d, &y), cb.D2Limit, k
			}
		}
	}
	s.Severity = grade(&s, &cfg.Thresholds)
	return s
}

// grade returns the instantaneous severity of a score.
func grade(s *Score, t *Thresholds) Severity {
	sev := OK
	switch z := s.MaxZ; {
	case z >= t.AlarmZ:
		sev = Alarm
	case z >= t.WarningZ:
		sev = Warning
	case z >= t.WatchZ:
		sev = Watch
	}
	// ISO 20816-21 zones: C is "unsatisfactory for long-term operation",
	// D "severe enough to cause damage".
	switch {
	case s.Zone >= 4:
		sev = Alarm
	case s.Zone == 3 && sev < Warning:
		sev = Warning
	}
	if s.D2 > s.D2Limit && sev < Watch {
		sev = Watch
	}
	return sev
}

// quantileSorted returns the q-quantile of sorted x by linear
// interpolation between order statistics (numpy's default, "type 7").
func quantileSorted(x []float64, q float64) float64 {
	if len(x) == 1 {
		return x[0]
	}
	h := q * float64(len(x)-1)
	i := int(math.Floor(h))
	if i >= len(x)-1 {
		return x[len(x)-1]
	}
	return x[i] + (h-float64(i))*(x[i+1]-x[i])
}
