package features

import (
	"math"
	"time"

	"github.com/windpm/windpm/datasets/scada"
)

// SCADA quality checks that need no model: physical limits and frozen
// sensors. The checks that compare with a power curve live in
// models/powercurve.

// rangeLimit is the physical range of a signal's 10-minute values.
type rangeLimit struct {
	lo, hi float64
	why    string
}

// Physical limits, the same for the avg, min and max statistics (std must
// only be ≥ 0). Each is a bound that no working sensor on a turbine can
// exceed, not an operating limit: a value outside is a sensor or transfer
// fault.
var rangeLimits = map[scada.Signal]rangeLimit{
	// IEC 61400-1 class I reference wind speed Vref = 50 m/s is the
	// 50-year extreme 10-minute mean at hub height; a 10-minute mean above
	// it, or negative, is not a wind.
	scada.WindSpeed:  {0, 50, "IEC 61400-1 Vref class I"},
	scada.WindSpeed1: {0, 50, "IEC 61400-1 Vref class I"},
	scada.WindSpeed2: {0, 50, "IEC 61400-1 Vref class I"},
	// Directions are angles of a circle.
	scada.WindDirection:    {0, 360, "angle"},
	scada.NacelleDirection: {0, 360, "angle"},
	scada.VanePosition:     {-180, 360, "angle, signed or not"},
	scada.VanePosition1:    {-180, 360, "angle, signed or not"},
	scada.VanePosition2:    {-180, 360, "angle, signed or not"},
	scada.PowerFactor:      {-1, 1, "cos phi"},
	// Pitch runs from fine pitch (a few degrees below 0) to feather
	// (about 90°, some designs 95°).
	scada.PitchAngle: {-10, 100, "fine pitch to feather"},
	// Air: the WMO world records are −89.2 °C (Vostok, 1983) and 56.7 °C
	// (Death Valley, 1913).
	scada.AmbientTemperature: {-89.2, 56.7, "WMO world records"},
	// Inside the turbine: no colder than the outside air can be, and no
	// part hotter than 200 °C, above the 180 °C of the highest common
	// insulation class (H, IEC 60085) and of mineral gearbox oil's service
	// range; beyond it the machine is burning, not measuring.
	scada.NacelleTemperature:           {-89.2, 200, "air record to insulation class H"},
	scada.HubTemperature:               {-89.2, 200, "air record to insulation class H"},
	scada.GearboxBearing1Temperature:   {-89.2, 200, "air record to insulation class H"},
	scada.GearboxBearing2Temperature:   {-89.2, 200, "air record to insulation class H"},
	scada.GearboxOilTemperature:        {-89.2, 200, "air record to insulation class H"},
	scada.GearboxInletTemperature:      {-89.2, 200, "air record to insulation class H"},
	scada.GeneratorBearing1Temperature: {-89.2, 200, "air record to insulation class H"},
	scada.GeneratorBearing2Temperature: {-89.2, 200, "air record to insulation class H"},
	scada.GeneratorStatorTemperature:   {-89.2, 200, "air record to insulation class H"},
	scada.RotorBearingTemperature:      {-89.2, 200, "air record to insulation class H"},
	scada.ConverterTemperature:         {-89.2, 200, "air record to insulation class H"},
}

// OutOfRange reports whether v, a value of column c, lies outside the
// physical range of its signal (limits in the source, each with its
// reason; a standard deviation must be ≥ 0). A missing value (NaN) is not
// out of range; signals without a physical limit (power, torque, voltage,
// status) never are.
func OutOfRange(c scada.Column, v float64) bool {
	if math.IsNaN(v) {
		return false
	}
	if c.Stat == scada.Std {
		return v < 0
	}
	l, ok := rangeLimits[c.Signal]
	return ok && (v < l.lo || v > l.hi)
}

// RangeLimit returns the physical range OutOfRange applies to signal s and
// its reason, or ok = false when s has none.
func RangeLimit(s scada.Signal) (lo, hi float64, why string, ok bool) {
	l, ok := rangeLimits[s]
	return l.lo, l.hi, l.why, ok
}

// FrozenRows sets dst[i] for every row i in a run of at least minRun
// consecutive rows (stamps one interval apart) whose value is identical
// and not NaN, with, where std is not nil, a standard deviation of 0 or
// NaN on every row of the run: a sensor that is stuck reports neither
// change between intervals nor variation within them. With skipZero, runs
// at exactly 0 are left alone (a stopped turbine's power is legitimately
// 0). This is OpenOA's unresponsive-sensor filter (openoa.utils.filters.
// unresponsive_flag) with the within-interval check added. Rows already
// set in dst stay set.
func FrozenRows(dst []bool, vals, std []float64, times []time.Time, interval time.Duration, minRun int, skipZero bool) {
	if len(dst) != len(vals) || len(times) != len(vals) || (std != nil && len(std) != len(vals)) {
		panic("features: FrozenRows: mismatched lengths")
	}
	still := func(i int) bool {
		v := vals[i]
		if math.IsNaN(v) || (skipZero && v == 0) {
			return false
		}
		return std == nil || std[i] == 0 || math.IsNaN(std[i])
	}
	start := 0
	for i := 1; i <= len(vals); i++ {
		if i < len(vals) && still(i) && still(start) && vals[i] == vals[start] && times[i].Sub(times[i-1]) == interval {
			continue
		}
		if i-start >= minRun && still(start) {
			for j := start; j < i; j++ {
				dst[j] = true
			}
		}
		start = i
	}
}

// PersistentRows sets dst[i] for every row i in a run of at least minRun
// consecutive rows (stamps one interval apart) with cond set, so that a
// condition counts only when it lasts (e.g. 3 rows = 30 minutes). Rows
// already set in dst stay set.
func PersistentRows(dst, cond []bool, times []time.Time, interval time.Duration, minRun int) {
	if len(dst) != len(cond) || len(times) != len(cond) {
		panic("features: PersistentRows: mismatched lengths")
	}
	start := -1
	for i := 0; i <= len(cond); i++ {
		on := i < len(cond) && cond[i]
		if on && start >= 0 && times[i].Sub(times[i-1]) != interval {
			// A gap ends the run.
			if i-start >= minRun {
				for j := start; j < i; j++ {
					dst[j] = true
				}
			}
			start = i
			continue
		}
		if on && start < 0 {
			start = i
		}
		if !on && start >= 0 {
			if i-start >= minRun {
				for j := start; j < i; j++ {
					dst[j] = true
				}
			}
			start = -1
		}
	}
}
