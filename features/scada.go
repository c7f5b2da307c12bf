package features

import (
	"math"
	"sort"
)

// SCADA derived quantities: air density, density-normalised wind speed and
// the method of bins of IEC 61400-12-1 (power performance measurements),
// clauses "Data normalization" and "Determination of the measured power
// curve" (8.1–8.2 in the 2005 edition, 9.1–9.2 in the 2017 one).

// ReferenceAirDensity is ρ0 = 1.225 kg/m³, the sea-level density of the ISO
// standard atmosphere (ISO 2533) that IEC 61400-12-1 normalises to.
const ReferenceAirDensity = 1.225

// GasConstantDryAir is R0 = 287.05 J/(kg·K), the gas constant of dry air
// used by IEC 61400-12-1 for the air density.
const GasConstantDryAir = 287.05

// PowerCurveBinWidth is the 0.5 m/s wind-speed bin of IEC 61400-12-1's
// method of bins; bins are centred on integer multiples of 0.5 m/s.
const PowerCurveBinWidth = 0.5

// BarometricPressurePa returns the air pressure in Pa at elevationM metres
// above sea level in the ISO 2533 standard atmosphere (troposphere):
// p = 101325 · (1 − L·h/T0)^(g·M/(R·L)) with T0 = 288.15 K,
// L = 0.0065 K/m, g = 9.80665 m/s², M = 0.0289644 kg/mol and
// R = 8.3144598 J/(mol·K) (exponent 5.25588). It stands in for a measured
// pressure, which the SCADA exports do not carry.
func BarometricPressurePa(elevationM float64) float64 {
	const (
		p0 = 101325.0
		t0 = 288.15
		l  = 0.0065
		g  = 9.80665
		m  = 0.0289644
		r  = 8.3144598
	)
	return p0 * math.Pow(1-l*elevationM/t0, g*m/(r*l))
}

// AirDensity returns the density of dry air in kg/m³ at temperature tempC
// (°C) and pressure pressurePa: ρ = B / (R0 · T), IEC 61400-12-1 eq. (2)
// of the 2005 edition, with T = tempC + 273.15 K and R0 =
// GasConstantDryAir. Humidity is neglected (the exports carry none); at
// 20 °C and 60 % relative humidity that overestimates ρ by about 0.5 %.
func AirDensity(tempC, pressurePa float64) float64 {
	return pressurePa / (GasConstantDryAir * (tempC + 273.15))
}

// NormalisedWindSpeed returns the wind speed normalised to the reference
// density for a turbine with active power control (pitch regulated):
// Vn = V · (ρ/ρ0)^(1/3), IEC 61400-12-1 eq. (4) of the 2005 edition, with
// ρ0 = ReferenceAirDensity. Cold, dense air carries more power at the same
// speed; Vn is the speed that carries the same power at ρ0.
func NormalisedWindSpeed(windMS, density float64) float64 {
	return windMS * math.Cbrt(density/ReferenceAirDensity)
}

// PowerCurveBin returns the index i of the 0.5 m/s bin that holds wind
// speed v, the bin [0.5·i − 0.25, 0.5·i + 0.25) centred on 0.5·i m/s, or
// −1 for a negative or missing speed.
func PowerCurveBin(v float64) int {
	if !(v >= 0) || math.IsInf(v, 0) {
		return -1
	}
	return int(math.Floor(v/PowerCurveBinWidth + 0.5))
}

// CurveBin is one bin of a measured power curve (IEC 61400-12-1 method of
// bins).
type CurveBin struct {
	Index      int     // bin index: the bin is centred on Index·0.5 m/s
	CenterMS   float64 // Index · PowerCurveBinWidth
	WindMS     float64 // mean normalised wind speed of the bin's records
	PowerKW    float64 // mean power of the bin's records
	PowerStdKW float64 // sample standard deviation of the power (N − 1)
	Count      int     // records in the bin
}

// PowerCurveBins sorts the records i with use[i] set (every record when use
// is nil) into 0.5 m/s bins of wind speed windMS and returns, for each bin
// with at least one record, the mean wind speed, the mean power powerKW,
// the power's sample standard deviation and the count, ordered by bin.
// Records whose wind or power is NaN are left out. IEC 61400-12-1 calls a
// bin usable once it holds 3 records (30 minutes); the caller decides.
func PowerCurveBins(windMS, powerKW []float64, use []bool) []CurveBin {
	if len(windMS) != len(powerKW) || (use != nil && len(use) != len(windMS)) {
		panic("features: PowerCurveBins: mismatched lengths")
	}
	type acc struct {
		n          int
		sw, sp, qp float64 // sums for the means; qp: Welford's M2 of power
		mp         float64 // running mean of power
	}
	bins := map[int]*acc{}
	for i, v := range windMS {
		p := powerKW[i]
		if (use != nil && !use[i]) || math.IsNaN(p) {
			continue
		}
		b := PowerCurveBin(v)
		if b < 0 {
			continue
		}
		a := bins[b]
		if a == nil {
			a = &acc{}
			bins[b] = a
		}
		a.n++
		a.sw += v
		a.sp += p
		d := p - a.mp
		a.mp += d / float64(a.n)
		a.qp += d * (p - a.mp)
	}
	out := make([]CurveBin, 0, len(bins))
	for b, a := range bins {
		std := math.NaN()
		if a.n > 1 {
			std = math.Sqrt(a.qp / float64(a.n-1))
		}
		out = append(out, CurveBin{
			Index: b, CenterMS: float64(b) * PowerCurveBinWidth,
			WindMS: a.sw / float64(a.n), PowerKW: a.sp / float64(a.n), PowerStdKW: std, Count: a.n,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}
