// Package nbm fits normal-behaviour models of component temperatures from
// 10-minute SCADA and turns their residuals into events.
//
// A Model predicts one temperature (gearbox bearing 1, …) of one turbine
// by linear least squares on operating variables and their history:
// power, wind, ambient and hub temperature, rotor speed, power smoothed at
// several time constants (the heat the drive train makes and stores),
// ambient smoothed likewise, and the neighbouring temperatures of the same
// machine (gearbox oil and inlet for a gearbox bearing, stator for a
// generator bearing, nacelle air) with their smoothed values — but never
// the target itself, whose own history would absorb a fault as it grows.
// It is fitted on a reference period; its threshold is the 99.8th
// percentile of the residual, smoothed over 0.5 h, on the reference
// period's steady operation (Options).
// Events come from a criticality counter per turbine over all its models.
//
// nbm must not read or write files.
package nbm

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/models/powercurve"
	"gonum.org/v1/gonum/mat"
)

// Options tunes Fit, Score and Events. The zero value gives the defaults.
type Options struct {
	// PowerTausH, AmbientTausH and NeighbourTausH are the time constants
	// in hours of the exponential smoothing of power, ambient temperature
	// and neighbouring temperatures. Defaults 0.5, 1, 2, 4, 8 h (each
	// with its square, for losses that grow with load squared); 2, 8,
	// 24 h; 0.5, 1, 2, 4 h.
	PowerTausH     []float64 `json:"power_taus_h"`
	AmbientTausH   []float64 `json:"ambient_taus_h"`
	NeighbourTausH []float64 `json:"neighbour_taus_h"`
	// SmoothH is the time constant in hours of the exponential smoothing
	// of the residuals over normal operation before they are compared with
	// the threshold (both in calibration and in the counter); negative
	// means none. Default 0.5 h.
	SmoothH float64 `json:"smooth_h"`
	// Quantile of the smoothed steady reference residuals that is the
	// threshold. Default 0.998.
	Quantile float64 `json:"quantile"`
	// SteadyFraction: a row is steady when its power is within this
	// fraction of the reference's highest power of its 1-hour smoothed
	// power. Default 0.05.
	SteadyFraction float64 `json:"steady_fraction"`
	// OpenRows is the counter value that opens an event: 72 rows (12 hours
	// net of anomalous rows in normal operation).
	OpenRows int `json:"open_rows"`
	// MinEventRows is the shortest event kept: 18 rows (3 hours).
	MinEventRows int `json:"min_event_rows"`
}

func (o Options) withDefaults() Options {
	if len(o.PowerTausH) == 0 {
		o.PowerTausH = []float64{0.5, 1, 2, 4, 8}
	}
	if len(o.AmbientTausH) == 0 {
		o.AmbientTausH = []float64{2, 8, 24}
	}
	if len(o.NeighbourTausH) == 0 {
		o.NeighbourTausH = []float64{0.5, 1, 2, 4}
	}
	if o.Quantile <= 0 || o.Quantile >= 1 {
		o.Quantile = 0.998
	}
	if o.SmoothH == 0 {
		o.SmoothH = 0.5
	}
	if o.SteadyFraction <= 0 {
		o.SteadyFraction = 0.05
	}
	if o.OpenRows <= 0 {
		o.OpenRows = 72
	}
	if o.MinEventRows <= 0 {
		o.MinEventRows = 18
	}
	return o
}

// Targets are the temperatures modelled by default: gearbox bearings and
// generator bearings (issue 9's Gb1t, Gb2t, Db1t, Db2t).
var Targets = []scada.Signal{
	scada.GearboxBearing1Temperature, scada.GearboxBearing2Temperature,
	scada.GeneratorBearing1Temperature, scada.GeneratorBearing2Temperature,
}

// neighbours are the temperatures of the same machine used as inputs.
func neighbours(target scada.Signal) []scada.Signal {
	switch target {
	case scada.GearboxBearing1Temperature, scada.GearboxBearing2Temperature, scada.GearboxOilTemperature, scada.GearboxInletTemperature:
		return []scada.Signal{scada.GearboxOilTemperature, scada.GearboxInletTemperature, scada.NacelleTemperature}
	case scada.GeneratorBearing1Temperature, scada.GeneratorBearing2Temperature, scada.GeneratorStatorTemperature:
		return []scada.Signal{scada.GeneratorStatorTemperature, scada.NacelleTemperature}
	}
	return []scada.Signal{scada.NacelleTemperature}
}

// Model is the fitted normal behaviour of one temperature of one turbine.
type Model struct {
	Turbine string       `json:"turbine"`
	Target  scada.Signal `json:"-"`
	// TargetName is Target's canonical name, as stored in a model file.
	TargetName string `json:"target"`
	// Inputs names the regressors in Coef order (after the intercept).
	Inputs []string `json:"inputs"`
	// Coef holds the intercept then one coefficient per input, in the
	// inputs' own units.
	Coef []float64 `json:"coef"`
	// Threshold is the smoothed residual (measured − predicted, °C,
	// Options.SmoothH) above which a row is anomalous.
	Threshold float64 `json:"threshold_degc"`
	// SteadyKW: a row is steady when its power is within SteadyKW of its
	// 1-hour smoothed power (Options.SteadyFraction of the reference's
	// highest power).
	SteadyKW float64 `json:"steady_kw"`
	// RefRows and RefRMSE describe the fit on the reference period.
	RefRows int       `json:"reference_rows"`
	RefRMSE float64   `json:"reference_rmse_degc"`
	From    time.Time `json:"reference_from"` // reference period, [From, To)
	To      time.Time `json:"reference_to"`
}

// design builds the regressors of every row of one turbine: NaN where an
// input is missing. It returns the names and a row-major matrix.
func design(t *scada.Table, rows []scada.Row, target scada.Signal, o Options) ([]string, [][]float64, []float64) {
	col := func(s scada.Signal) []float64 {
		i := t.Col(scada.Column{Signal: s, Stat: scada.Avg})
		out := make([]float64, len(rows))
		for k, r := range rows {
			out[k] = math.NaN()
			if i >= 0 {
				out[k] = r.Values[i]
			}
		}
		return out
	}
	times := make([]time.Time, len(rows))
	for k, r := range rows {
		times[k] = r.Time
	}
	var names []string
	var cols [][]float64
	add := func(name string, v []float64) {
		names = append(names, name)
		cols = append(cols, v)
	}
	// An input whose column the table lacks is left out (Residuals checks
	// that a table gives the model's inputs).
	has := func(s scada.Signal) bool { return t.Col(scada.Column{Signal: s, Stat: scada.Avg}) >= 0 }
	power := col(scada.ActivePower)
	ambient := col(scada.AmbientTemperature)
	add("active_power_avg", power)
	if has(scada.WindSpeed) {
		add("wind_speed_avg", col(scada.WindSpeed))
	}
	if has(scada.AmbientTemperature) {
		add("ambient_temperature_avg", ambient)
	}
	if has(scada.HubTemperature) {
		add("hub_temperature_avg", col(scada.HubTemperature))
	}
	if has(scada.RotorSpeed) {
		rs := col(scada.RotorSpeed)
		for k, v := range rs {
			if math.IsNaN(v) {
				rs[k] = 0 // the re-export leaves rotor speed empty at standstill
			}
		}
		add("rotor_speed_avg", rs)
	}
	for _, tau := range o.PowerTausH {
		e := EWMA(power, times, tau)
		add(fmt.Sprintf("active_power_ewma_%gh", tau), e)
		sq := make([]float64, len(e))
		for k, v := range e {
			sq[k] = v * v / 1000
		}
		add(fmt.Sprintf("active_power_ewma_%gh_squared", tau), sq)
	}
	for _, tau := range o.AmbientTausH {
		if has(scada.AmbientTemperature) {
			add(fmt.Sprintf("ambient_temperature_ewma_%gh", tau), EWMA(ambient, times, tau))
		}
	}
	for _, s := range neighbours(target) {
		if s == target || !has(s) {
			continue
		}
		v := col(s)
		add(s.String()+"_avg", v)
		for _, tau := range o.NeighbourTausH {
			add(fmt.Sprintf("%s_ewma_%gh", s, tau), EWMA(v, times, tau))
		}
	}
	x := make([][]float64, len(rows))
	for k := range rows {
		x[k] = make([]float64, len(cols))
		for j, c := range cols {
			x[k][j] = c[k]
		}
	}
	return names, x, EWMA(power, times, 1)
}

// EWMA returns the exponentially weighted moving average of x over time
// with time constant tauH hours: s_k = s_{k−1} + (1 − e^{−Δt/τ})·(x_k −
// s_{k−1}), Δt the time since the previous value (so gaps weigh as long as
// they last); a missing x keeps the previous s; the first value starts it.
func EWMA(x []float64, times []time.Time, tauH float64) []float64 {
	out := make([]float64, len(x))
	s := math.NaN()
	var prev time.Time
	lastDt, alpha := time.Duration(-1), 0.0
	for k, v := range x {
		if math.IsNaN(v) {
			out[k] = s
			continue
		}
		if math.IsNaN(s) {
			s = v
		} else {
			// Steps repeat (10 minutes): compute the weight once per step.
			if dt := times[k].Sub(prev); dt != lastDt {
				lastDt, alpha = dt, 1-math.Exp(-dt.Hours()/tauH)
			}
			s += alpha * (v - s)
		}
		prev = times[k]
		out[k] = s
	}
	return out
}

// normal reports, per row, whether the turbine is in normal operation:
// producing (power > 0) and without a quality flag.
func normal(rows []scada.Row, flags []powercurve.RowResult, pcol int) []bool {
	out := make([]bool, len(rows))
	for k, r := range rows {
		out[k] = r.Values[pcol] > 0 && (flags == nil || flags[k].Flags == 0)
	}
	return out
}

// Fit fits the model of target for turbine on the rows in [from, to) in
// normal operation (flags: the powercurve result of the same table's rows
// for this turbine, or nil to use every producing row) with every input
// present. It needs at least 10 rows per coefficient.
func Fit(t *scada.Table, turbine string, target scada.Signal, flags []powercurve.RowResult, from, to time.Time, o Options) (*Model, error) {
	return fit(t, turbine, target, flags, from, to, o.withDefaults(), nil)
}

// designCache holds the regressors of one turbine per neighbour group, so
// that targets sharing inputs (the two gearbox bearings) build them once.
type designCache map[string]*designRows

type designRows struct {
	names []string
	x     [][]float64
	p1h   []float64
}

func (c designCache) get(t *scada.Table, rows []scada.Row, target scada.Signal, o Options) *designRows {
	key := ""
	for _, s := range neighbours(target) {
		if s != target {
			key += s.String() + ","
		}
	}
	if d, ok := c[key]; ok && c != nil {
		return d
	}
	names, x, p1h := design(t, rows, target, o)
	d := &designRows{names, x, p1h}
	if c != nil {
		c[key] = d
	}
	return d
}

func fit(t *scada.Table, turbine string, target scada.Signal, flags []powercurve.RowResult, from, to time.Time, o Options, cache designCache) (*Model, error) {
	rows := t.Turbine(turbine)
	yi := t.Col(scada.Column{Signal: target, Stat: scada.Avg})
	pi := t.Col(scada.Column{Signal: scada.ActivePower, Stat: scada.Avg})
	if rows == nil || yi < 0 || pi < 0 {
		return nil, fmt.Errorf("nbm: %s %s: no such turbine, or no %s or active_power_avg column", turbine, target, target)
	}
	if flags != nil && len(flags) != len(rows) {
		panic("nbm: Fit: flags do not match the turbine's rows")
	}
	d := cache.get(t, rows, target, o)
	names, x, p1h := d.names, d.x, d.p1h
	ok := normal(rows, flags, pi)
	var use []int
	peak := 0.0
	for k, r := range rows {
		if r.Time.Before(from) || !r.Time.Before(to) || !ok[k] || math.IsNaN(r.Values[yi]) || hasNaN(x[k]) {
			continue
		}
		use = append(use, k)
		peak = math.Max(peak, r.Values[pi])
	}
	p := len(names) + 1
	if len(use) < 10*p {
		return nil, fmt.Errorf("nbm: %s %s: %d usable rows in the reference period, need %d", turbine, target, len(use), 10*p)
	}
	// Standardise the inputs for a well-conditioned QR solve, then map the
	// coefficients back to the inputs' units.
	mean, sd := make([]float64, len(names)), make([]float64, len(names))
	for j := range names {
		var s, q float64
		for _, k := range use {
			s += x[k][j]
		}
		mean[j] = s / float64(len(use))
		for _, k := range use {
			d := x[k][j] - mean[j]
			q += d * d
		}
		sd[j] = math.Sqrt(q / float64(len(use)))
		if sd[j] == 0 {
			sd[j] = 1
		}
	}
	// A tiny ridge (λ = 1e-6 per row, as extra rows √(λn)·I under the
	// standardised inputs) keeps the solve defined when an input is
	// constant or two are collinear; it moves the fit by nothing
	// measurable otherwise.
	ridge := math.Sqrt(1e-6 * float64(len(use)))
	a := mat.NewDense(len(use)+len(names), p, nil)
	b := mat.NewVecDense(len(use)+len(names), nil)
	for i, k := range use {
		a.Set(i, 0, 1)
		for j := range names {
			a.Set(i, j+1, (x[k][j]-mean[j])/sd[j])
		}
		b.SetVec(i, rows[k].Values[yi])
	}
	for j := range names {
		a.Set(len(use)+j, j+1, ridge)
	}
	var beta mat.VecDense
	if err := beta.SolveVec(a, b); err != nil {
		return nil, fmt.Errorf("nbm: %s %s: least squares: %w", turbine, target, err)
	}
	m := &Model{Turbine: turbine, Target: target, TargetName: target.String(), Inputs: names, Coef: make([]float64, p), From: from, To: to, RefRows: len(use)}
	m.Coef[0] = beta.AtVec(0)
	for j := range names {
		m.Coef[j+1] = beta.AtVec(j+1) / sd[j]
		m.Coef[0] -= m.Coef[j+1] * mean[j]
	}
	// Residuals of every normal row of the turbine, smoothed as Events
	// smooths them; the threshold is a quantile of the smoothed residual
	// on the reference period's steady rows.
	raw := make([]float64, len(rows))
	for k, r := range rows {
		raw[k] = math.NaN()
		if ok[k] && !math.IsNaN(r.Values[yi]) && !hasNaN(x[k]) {
			raw[k] = r.Values[yi] - m.predict(x[k])
		}
	}
	sm := smoothResiduals(raw, rows, o.SmoothH)
	var sse float64
	var steady []float64
	for _, k := range use {
		sse += raw[k] * raw[k]
		if math.Abs(rows[k].Values[pi]-p1h[k]) <= o.SteadyFraction*peak && !math.IsNaN(sm[k]) {
			steady = append(steady, sm[k])
		}
	}
	m.RefRMSE = math.Sqrt(sse / float64(len(use)))
	m.SteadyKW = o.SteadyFraction * peak
	if len(steady) < 100 {
		return nil, fmt.Errorf("nbm: %s %s: %d steady rows in the reference period, need 100 for the threshold", turbine, target, len(steady))
	}
	m.Threshold = powercurve.Quantile(steady, o.Quantile)
	return m, nil
}

func hasNaN(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) {
			return true
		}
	}
	return false
}

func (m *Model) predict(x []float64) float64 {
	y := m.Coef[0]
	for j, v := range x {
		y += m.Coef[j+1] * v
	}
	return y
}

// Residuals returns, for every row of the model's turbine in t, measured −
// predicted temperature, NaN where the target or an input is missing. o
// must be the options the model was fitted with; a table that does not
// give the model's inputs (a neighbouring temperature missing) is an
// error.
func (m *Model) Residuals(t *scada.Table, o Options) ([]float64, error) {
	return m.residuals(t, o.withDefaults(), nil)
}

func (m *Model) residuals(t *scada.Table, o Options, cache designCache) ([]float64, error) {
	rows := t.Turbine(m.Turbine)
	yi := t.Col(scada.Column{Signal: m.Target, Stat: scada.Avg})
	d := cache.get(t, rows, m.Target, o)
	names, x := d.names, d.x
	if len(names) != len(m.Inputs) || len(m.Coef) != len(names)+1 {
		return nil, fmt.Errorf("nbm: %s %s: the table gives %d inputs, the model has %d", m.Turbine, m.TargetName, len(names), len(m.Inputs))
	}
	for j, n := range names {
		if n != m.Inputs[j] {
			return nil, fmt.Errorf("nbm: %s %s: input %d is %s in the table, %s in the model", m.Turbine, m.TargetName, j+1, n, m.Inputs[j])
		}
	}
	out := make([]float64, len(rows))
	for k, r := range rows {
		out[k] = math.NaN()
		if yi >= 0 && !hasNaN(x[k]) {
			out[k] = r.Values[yi] - m.predict(x[k])
		}
	}
	return out, nil
}

// Event is a period of abnormal temperature on one turbine.
type Event struct {
	Turbine string    `json:"turbine"`
	Start   time.Time `json:"start"`  // first row of the counter's rise
	End     time.Time `json:"end"`    // row where it fell back to 0 (or the last row)
	Opened  time.Time `json:"opened"` // when the counter reached Options.OpenRows
	Peak    int       `json:"peak"`   // highest counter value
	// Signals are the modelled temperatures, most to least anomalous in
	// the event (by the fraction of its counted rows above threshold),
	// with that fraction.
	Signals   []scada.Signal `json:"-"`
	Names     []string       `json:"signals"`
	Fractions []float64      `json:"fractions"`
}

// Events runs the criticality counter of issue 9 over one turbine's rows.
// Each model's residuals (residuals[i] of models[i], over the turbine's
// rows) are first smoothed over normal operation (producing, no quality
// flag) with time constant Options.SmoothH, as in calibration. Then, on
// steady normal rows (power within the first model's SteadyKW of its
// 1-hour smoothed power: the rows the thresholds were calibrated on), the
// counter goes +1 when any model's smoothed residual exceeds its
// threshold, −1 (not below 0) otherwise; other rows leave it. An event
// opens when the counter reaches OpenRows (12 h net), began where the
// counter last left 0, ends where it returns to 0, and is kept when it
// spans at least MinEventRows rows.
//
// On La Haute Borne 2017, counting transient rows too gave two events on
// two turbines' untouched test period; without smoothing (threshold at the
// 99.5th percentile of raw residuals) a ramp to +3 °C over 7 days took
// 108–176 h to open an event, with smoothing 95–113 h.
func Events(t *scada.Table, turbine string, models []*Model, residuals [][]float64, flags []powercurve.RowResult, o Options) []Event {
	o = o.withDefaults()
	rows := t.Turbine(turbine)
	pi := t.Col(scada.Column{Signal: scada.ActivePower, Stat: scada.Avg})
	if rows == nil || pi < 0 {
		return nil
	}
	ok := normal(rows, flags, pi)
	if len(models) > 0 {
		power := make([]float64, len(rows))
		times := make([]time.Time, len(rows))
		for k, r := range rows {
			power[k], times[k] = r.Values[pi], r.Time
		}
		p1h := EWMA(power, times, 1)
		for k := range rows {
			ok[k] = ok[k] && math.Abs(power[k]-p1h[k]) <= models[0].SteadyKW
		}
	}
	residuals = smoothedResiduals(rows, residuals, flags, pi, o)
	var out []Event
	c, start, opened, peak := 0, -1, -1, 0
	closeAt := func(end int) {
		if opened >= 0 && end-start+1 >= o.MinEventRows {
			out = append(out, describe(rows, models, residuals, ok, turbine, start, end, opened, peak))
		}
		c, start, opened, peak = 0, -1, -1, 0
	}
	for k := range rows {
		if !ok[k] {
			continue
		}
		anomalous, seen := false, false
		for i, m := range models {
			r := residuals[i][k]
			if math.IsNaN(r) {
				continue
			}
			seen = true
			if r > m.Threshold {
				anomalous = true
			}
		}
		if !seen {
			continue
		}
		if anomalous {
			if c == 0 {
				start = k
			}
			c++
			peak = max(peak, c)
			if c == o.OpenRows && opened < 0 {
				opened = k
			}
		} else if c > 0 {
			c--
			if c == 0 {
				closeAt(k)
			}
		}
	}
	if c > 0 {
		closeAt(len(rows) - 1)
	}
	return out
}

// smoothedResiduals smooths each model's residuals over the normal rows
// (producing, no flag), as Fit did for its threshold: NaN on the other
// rows.
func smoothedResiduals(rows []scada.Row, residuals [][]float64, flags []powercurve.RowResult, pi int, o Options) [][]float64 {
	norm := normal(rows, flags, pi)
	smoothed := make([][]float64, len(residuals))
	for i, r := range residuals {
		x := make([]float64, len(r))
		for k, v := range r {
			x[k] = math.NaN()
			if norm[k] {
				x[k] = v
			}
		}
		smoothed[i] = smoothResiduals(x, rows, o.SmoothH)
	}
	return smoothed
}

func describe(rows []scada.Row, models []*Model, residuals [][]float64, ok []bool, turbine string, start, end, opened, peak int) Event {
	e := Event{Turbine: turbine, Start: rows[start].Time, End: rows[end].Time, Opened: rows[opened].Time, Peak: peak}
	type sf struct {
		s scada.Signal
		f float64
	}
	var list []sf
	for i, m := range models {
		n, above := 0, 0
		for k := start; k <= end; k++ {
			if ok[k] && !math.IsNaN(residuals[i][k]) {
				n++
				if residuals[i][k] > m.Threshold {
					above++
				}
			}
		}
		if n > 0 {
			list = append(list, sf{m.Target, float64(above) / float64(n)})
		}
	}
	sort.SliceStable(list, func(a, b int) bool { return list[a].f > list[b].f })
	for _, x := range list {
		e.Signals = append(e.Signals, x.s)
		e.Names = append(e.Names, x.s.String())
		e.Fractions = append(e.Fractions, x.f)
	}
	return e
}

// smoothResiduals smooths r (NaN where a row does not count) over time
// with time constant tauH hours (EWMA; NaN rows hold and stay NaN); a
// negative tauH returns r unchanged.
func smoothResiduals(r []float64, rows []scada.Row, tauH float64) []float64 {
	if tauH < 0 {
		return r
	}
	times := make([]time.Time, len(rows))
	for k, row := range rows {
		times[k] = row.Time
	}
	out := EWMA(r, times, tauH)
	for k, v := range r {
		if math.IsNaN(v) {
			out[k] = math.NaN()
		}
	}
	return out
}
