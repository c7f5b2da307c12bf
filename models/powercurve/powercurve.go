package powercurve

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/features"
)

// Flag is a set of quality flags of one row (a bit mask).
type Flag uint8

// The quality flags. A row may carry several.
const (
	// OutOfRange: some value lies outside its signal's physical range
	// (features.OutOfRange).
	OutOfRange Flag = 1 << iota
	// Frozen: wind speed, power, ambient temperature or a drive-train
	// temperature repeats the same value with no variation for
	// Options.FrozenRows rows (features.FrozenRows).
	Frozen
	// Downtime: no power (≤ 0 kW) while the measured wind is between
	// cut-in and cut-out.
	Downtime
	// Curtailment: power below Options.DeficitRatio of the turbine's own
	// reference curve with the pitch above its normal angle at that wind
	// (or at rated wind, where the pitch rises anyway), for
	// Options.PersistRows rows: a curtailment or derating.
	Curtailment
	// Icing: power below the reference curve's 10th percentile at an
	// ambient temperature ≤ Options.IcingTempC for Options.PersistRows
	// rows.
	Icing
	// NumFlags is the number of flags.
	NumFlags = 5
)

var flagNames = [NumFlags]string{"out_of_range", "frozen", "downtime", "curtailment", "icing"}

// FlagName returns the snake_case name of flag bit i (0 ≤ i < NumFlags).
func FlagName(i int) string { return flagNames[i] }

// String lists the flags set in f, comma-separated ("" for none).
func (f Flag) String() string {
	var s []string
	for i := range NumFlags {
		if f&(1<<i) != 0 {
			s = append(s, flagNames[i])
		}
	}
	return strings.Join(s, ",")
}

// Options tunes Analyse. The zero value gives the defaults.
type Options struct {
	// ElevationM is the site elevation above sea level; the air pressure
	// is the standard atmosphere's at that height
	// (features.BarometricPressurePa). Default 0 m.
	ElevationM float64
	// CutInMS and CutOutMS bound the measured wind speed in which a
	// turbine without power is in downtime. Defaults 4 and 25 m/s: the
	// common 3–3.5 m/s cut-in of multi-megawatt turbines plus a margin for
	// start-up hysteresis, and the common cut-out.
	CutInMS, CutOutMS float64
	// MinBinCount is the number of clean rows a bin needs to be part of a
	// curve: 3 (30 minutes), IEC 61400-12-1's minimum per bin.
	MinBinCount int
	// FrozenRows is the run of identical readings that flags a frozen
	// sensor. Default 6 (one hour).
	FrozenRows int
	// DeficitRatio: a row below this fraction of the reference power
	// curve has a power deficit. Default 0.9.
	DeficitRatio float64
	// PitchMarginDeg: a row with a power deficit is curtailed when its
	// pitch exceeds the turbine's median pitch at that wind speed by more
	// than this. Default 2°.
	PitchMarginDeg float64
	// PersistRows is how long a deficit must last to be flagged as
	// curtailment or icing. Default 3 rows (30 minutes, as in the ice
	// detection of IEA Wind TCP Task 19's ice-loss method).
	PersistRows int
	// IcingTempC is the ambient temperature at or below which a deficit is
	// icing-like. Default +2 °C.
	IcingTempC float64
	// Interval is the nominal row step. Default 10 minutes.
	Interval time.Duration
}

func (o Options) withDefaults() Options {
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.CutInMS, 4)
	def(&o.CutOutMS, 25)
	def(&o.DeficitRatio, 0.9)
	def(&o.PitchMarginDeg, 2)
	def(&o.IcingTempC, 2)
	if o.MinBinCount <= 0 {
		o.MinBinCount = 3
	}
	if o.FrozenRows <= 0 {
		o.FrozenRows = 6
	}
	if o.PersistRows <= 0 {
		o.PersistRows = 3
	}
	if o.Interval <= 0 {
		o.Interval = 10 * time.Minute
	}
	return o
}

// RowResult is what Analyse finds for one table row.
type RowResult struct {
	Flags       Flag
	DensityKgM3 float64 // air density from ambient temperature and elevation
	WindNormMS  float64 // density-normalised wind speed
	ExpectedKW  float64 // the turbine's curve at WindNormMS; NaN without a curve
	ResidualKW  float64 // active power − expected
	// LostKWh is the energy below the curve in the interval,
	// max(expected − power, 0) · interval; 0 above the curve.
	LostKWh float64
}

// Turbine is the summary of one turbine: its power curve and flag counts.
type Turbine struct {
	Name string
	// Curve is the measured power curve: the bins of the clean rows with at
	// least MinBinCount rows.
	Curve []features.CurveBin
	// Rows and CleanRows count the turbine's rows and those without a flag.
	Rows, CleanRows int
	// Flagged counts the rows carrying each flag (bit i at index i).
	Flagged [NumFlags]int
	// LostKWh sums RowResult.LostKWh; LostKWhByFlag over the rows with each
	// flag.
	LostKWh       float64
	LostKWhByFlag [NumFlags]float64
}

// Result is the outcome of Analyse.
type Result struct {
	Options    Options // with defaults filled in
	PressurePa float64 // the pressure used, from Options.ElevationM
	// DensityFromTemperature is false when the table has no ambient
	// temperature: the density is then the standard atmosphere's at the
	// elevation and the normalisation changes nothing but the scale.
	DensityFromTemperature bool
	Turbines               []Turbine   // in table order
	Rows                   []RowResult // parallel to the table's rows
}

// Analyse flags the rows of t, fits each turbine's power curve on its clean
// rows and gives each row its expected power. t needs wind_speed_avg and
// active_power_avg; ambient_temperature_avg (for the density) and
// pitch_angle_avg (for curtailment below rated wind) are used when present.
//
// Per turbine, in order:
//  1. density ρ = p/(R0·T) from the ambient temperature and the standard
//     pressure at the elevation, normalised wind Vn = V·(ρ/ρ0)^(1/3);
//  2. out-of-range, frozen and downtime flags;
//  3. a reference curve from the rows without those flags and with power:
//     per 0.5 m/s bin of Vn the 90th percentile of power (made
//     non-decreasing in wind, so that a derated stretch that fills the high
//     bins does not define them), the 10th percentile and the median pitch;
//  4. curtailment and icing flags against it (see the flags);
//  5. the power curve by the method of bins on the rows without any flag,
//     and per row the expected power by linear interpolation between bin
//     means (held at the end bins' values outside them).
//
// The 90th percentile and the pitch test were chosen on La Haute Borne
// 2017 (docs/scada.md): they flag the R80711 derating of 2017-09-13, which
// a 50 %-of-curve rule misses, and nothing on its neighbours that day.
func Analyse(t *scada.Table, o Options) (*Result, error) {
	o = o.withDefaults()
	ws := t.Col(scada.Column{Signal: scada.WindSpeed, Stat: scada.Avg})
	pw := t.Col(scada.Column{Signal: scada.ActivePower, Stat: scada.Avg})
	if ws < 0 || pw < 0 {
		return nil, fmt.Errorf("powercurve: the table needs wind_speed_avg and active_power_avg")
	}
	res := &Result{
		Options:                o,
		PressurePa:             features.BarometricPressurePa(o.ElevationM),
		DensityFromTemperature: t.Col(scada.Column{Signal: scada.AmbientTemperature, Stat: scada.Avg}) >= 0,
		Rows:                   make([]RowResult, len(t.Rows)),
	}
	lo := 0
	for lo < len(t.Rows) {
		hi := lo + 1
		for hi < len(t.Rows) && t.Rows[hi].Turbine == t.Rows[lo].Turbine {
			hi++
		}
		res.Turbines = append(res.Turbines, analyseTurbine(t, t.Rows[lo:hi], res.Rows[lo:hi], o, res.PressurePa))
		lo = hi
	}
	return res, nil
}

// column returns the values of column c over rows, or nil when t lacks it.
func column(t *scada.Table, rows []scada.Row, c scada.Column) []float64 {
	i := t.Col(c)
	if i < 0 {
		return nil
	}
	out := make([]float64, len(rows))
	for k, r := range rows {
		out[k] = r.Values[i]
	}
	return out
}

// frozenSignals are the signals checked for frozen readings: those a stuck
// sensor would corrupt the analyses with. Hub and nacelle air temperatures
// (written as whole degrees by some exports), pitch and speeds (held at
// fine pitch, feather or the speed limits in normal operation) are not.
var frozenSignals = []scada.Signal{
	scada.WindSpeed, scada.ActivePower, scada.AmbientTemperature,
	scada.GearboxBearing1Temperature, scada.GearboxBearing2Temperature, scada.GearboxOilTemperature,
	scada.GeneratorBearing1Temperature, scada.GeneratorBearing2Temperature,
}

func analyseTurbine(t *scada.Table, rows []scada.Row, out []RowResult, o Options, pressure float64) Turbine {
	n := len(rows)
	tu := Turbine{Name: rows[0].Turbine, Rows: n}
	times := make([]time.Time, n)
	for i, r := range rows {
		times[i] = r.Time
	}
	wind := column(t, rows, scada.Column{Signal: scada.WindSpeed, Stat: scada.Avg})
	power := column(t, rows, scada.Column{Signal: scada.ActivePower, Stat: scada.Avg})
	ambient := column(t, rows, scada.Column{Signal: scada.AmbientTemperature, Stat: scada.Avg})
	pitch := column(t, rows, scada.Column{Signal: scada.PitchAngle, Stat: scada.Avg})

	// 1. Density and normalised wind.
	vn := make([]float64, n)
	for i := range rows {
		tc := 15 - 0.0065*o.ElevationM // standard atmosphere when no ambient column
		if ambient != nil {
			tc = ambient[i]
		}
		rho := features.AirDensity(tc, pressure)
		vn[i] = features.NormalisedWindSpeed(wind[i], rho)
		out[i].DensityKgM3, out[i].WindNormMS = rho, vn[i]
	}

	// 2. Flags that need no curve.
	// features.OutOfRange per value, with each column's limits looked up
	// once rather than per row.
	type limit struct {
		j      int
		lo, hi float64
	}
	var limits []limit
	for j, c := range t.Columns {
		switch lo, hi, _, ok := features.RangeLimit(c.Signal); {
		case c.Stat == scada.Std:
			limits = append(limits, limit{j, 0, math.Inf(1)})
		case ok:
			limits = append(limits, limit{j, lo, hi})
		}
	}
	oor := make([]bool, n)
	for i, r := range rows {
		for _, l := range limits {
			if v := r.Values[l.j]; v < l.lo || v > l.hi {
				oor[i] = true
				break
			}
		}
	}
	frozen := make([]bool, n)
	for _, s := range frozenSignals {
		vals := column(t, rows, scada.Column{Signal: s, Stat: scada.Avg})
		if vals == nil {
			continue
		}
		std := column(t, rows, scada.Column{Signal: s, Stat: scada.Std})
		features.FrozenRows(frozen, vals, std, times, o.Interval, o.FrozenRows, s == scada.ActivePower)
	}
	down := make([]bool, n)
	for i := range rows {
		down[i] = power[i] <= 0 && wind[i] >= o.CutInMS && wind[i] < o.CutOutMS
	}

	// 3. Reference curve from the operating rows.
	base := make([]bool, n)
	for i := range rows {
		base[i] = !oor[i] && !frozen[i] && !down[i] && power[i] > 0 && !math.IsNaN(vn[i])
	}
	ref := referenceCurve(vn, power, pitch, base, o.MinBinCount)

	// 4. Curtailment and icing.
	var derate, ice []bool
	if len(ref.wind) > 0 {
		peak := ref.p90[len(ref.p90)-1] // non-decreasing: the last is the highest
		dCond := make([]bool, n)
		iCond := make([]bool, n)
		for i := range rows {
			if !base[i] {
				continue
			}
			p90 := interp(ref.wind, ref.p90, vn[i])
			cold := ambient != nil && ambient[i] <= o.IcingTempC
			if cold {
				iCond[i] = power[i] < interp(ref.wind, ref.p10, vn[i])
				continue
			}
			if p90 < 0.1*peak || !(power[i] < o.DeficitRatio*p90) {
				continue
			}
			atRated := p90 >= 0.95*peak
			pitched := pitch != nil && pitch[i] > interp(ref.wind, ref.pitch, vn[i])+o.PitchMarginDeg
			dCond[i] = atRated || pitched
		}
		derate, ice = make([]bool, n), make([]bool, n)
		features.PersistentRows(derate, dCond, times, o.Interval, o.PersistRows)
		features.PersistentRows(ice, iCond, times, o.Interval, o.PersistRows)
	}

	// 5. The power curve on clean rows, expected power per row.
	clean := make([]bool, n)
	for i := range rows {
		var f Flag
		if oor[i] {
			f |= OutOfRange
		}
		if frozen[i] {
			f |= Frozen
		}
		if down[i] {
			f |= Downtime
		}
		if derate != nil && derate[i] {
			f |= Curtailment
		}
		if ice != nil && ice[i] {
			f |= Icing
		}
		out[i].Flags = f
		clean[i] = f == 0
		if clean[i] && !math.IsNaN(vn[i]) && !math.IsNaN(power[i]) {
			tu.CleanRows++
		}
	}
	for _, b := range features.PowerCurveBins(vn, power, clean) {
		if b.Count >= o.MinBinCount {
			tu.Curve = append(tu.Curve, b)
		}
	}
	cw, cp := make([]float64, len(tu.Curve)), make([]float64, len(tu.Curve))
	for k, b := range tu.Curve {
		cw[k], cp[k] = b.WindMS, b.PowerKW
	}
	hours := o.Interval.Hours()
	for i := range rows {
		r := &out[i]
		r.ExpectedKW = math.NaN()
		if len(cw) > 0 && !math.IsNaN(vn[i]) {
			r.ExpectedKW = interp(cw, cp, vn[i])
		}
		r.ResidualKW = power[i] - r.ExpectedKW
		if r.ResidualKW < 0 {
			r.LostKWh = -r.ResidualKW * hours
		}
		tu.LostKWh += r.LostKWh
		for b := range NumFlags {
			if r.Flags&(1<<b) != 0 {
				tu.Flagged[b]++
				tu.LostKWhByFlag[b] += r.LostKWh
			}
		}
	}
	return tu
}

// reference is the curve the curtailment and icing flags compare with:
// per bin with enough rows, the mean normalised wind, the 90th percentile
// of power (made non-decreasing), the 10th percentile and the median pitch
// (NaN without pitch).
type reference struct {
	wind, p90, p10, pitch []float64
}

func referenceCurve(vn, power, pitch []float64, use []bool, minCount int) reference {
	type bin struct {
		w     float64
		p, pt []float64
	}
	bins := map[int]*bin{}
	for i, v := range vn {
		if !use[i] {
			continue
		}
		k := features.PowerCurveBin(v)
		if k < 0 {
			continue
		}
		b := bins[k]
		if b == nil {
			b = &bin{}
			bins[k] = b
		}
		b.w += v
		b.p = append(b.p, power[i])
		if pitch != nil && !math.IsNaN(pitch[i]) {
			b.pt = append(b.pt, pitch[i])
		}
	}
	keys := make([]int, 0, len(bins))
	for k, b := range bins {
		if len(b.p) >= minCount {
			keys = append(keys, k)
		}
	}
	sort.Ints(keys)
	var r reference
	top := math.Inf(-1)
	for _, k := range keys {
		b := bins[k]
		top = math.Max(top, Quantile(b.p, 0.9))
		r.wind = append(r.wind, b.w/float64(len(b.p)))
		r.p90 = append(r.p90, top)
		r.p10 = append(r.p10, Quantile(b.p, 0.1))
		r.pitch = append(r.pitch, Quantile(b.pt, 0.5))
	}
	return r
}

// Quantile returns the q-quantile of x by linear interpolation between
// order statistics (Hyndman & Fan type 7, the default of numpy and
// pandas): h = (n−1)·q, x(⌊h⌋) + (h−⌊h⌋)·(x(⌊h⌋+1) − x(⌊h⌋)). It sorts x
// in place; NaN for an empty x.
func Quantile(x []float64, q float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	sort.Float64s(x)
	h := float64(len(x)-1) * q
	i := int(math.Floor(h))
	if i >= len(x)-1 {
		return x[len(x)-1]
	}
	return x[i] + (h-float64(i))*(x[i+1]-x[i])
}

// interp interpolates y(x) linearly at v between the points (xs, ys), xs
// increasing; outside, it holds the end values. NaN v gives NaN.
func interp(xs, ys []float64, v float64) float64 {
	if math.IsNaN(v) || len(xs) == 0 {
		return math.NaN()
	}
	if v <= xs[0] {
		return ys[0]
	}
	if v >= xs[len(xs)-1] {
		return ys[len(ys)-1]
	}
	k := sort.SearchFloat64s(xs, v) // xs[k-1] < v ≤ xs[k]
	f := (v - xs[k-1]) / (xs[k] - xs[k-1])
	return ys[k-1] + f*(ys[k]-ys[k-1])
}
