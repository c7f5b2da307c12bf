package features

import (
	"math"
	"testing"
)

func TestBarometricPressure(t *testing.T) {
	// ISO 2533 / US Standard Atmosphere 1976 table values.
	for _, c := range []struct{ h, p, tol float64 }{
		{0, 101325, 1e-9},
		{1000, 89874.6, 1},
		{2000, 79495.2, 1},
		{11000, 22632.1, 2},
	} {
		if got := BarometricPressurePa(c.h); math.Abs(got-c.p) > c.tol {
			t.Errorf("BarometricPressurePa(%g) = %.1f, want %.1f", c.h, got, c.p)
		}
	}
}

func TestAirDensity(t *testing.T) {
	// The ISA sea-level density is 1.2250 kg/m³ at 15 °C, 101325 Pa.
	if got := AirDensity(15, 101325); math.Abs(got-1.225) > 2e-4 {
		t.Errorf("AirDensity(15 °C, 101325 Pa) = %.5f, want 1.2250", got)
	}
	// Ideal gas: density scales as 1/T at equal pressure.
	a, b := AirDensity(-10, 1e5), AirDensity(30, 1e5)
	if r := a / b; math.Abs(r-303.15/263.15) > 1e-12 {
		t.Errorf("density ratio %v, want %v", r, 303.15/263.15)
	}
}

func TestNormalisedWindSpeed(t *testing.T) {
	if v := NormalisedWindSpeed(10, ReferenceAirDensity); v != 10 {
		t.Errorf("at ρ0: %v", v)
	}
	// Power ∝ ρ V³: the normalised speed carries the same power at ρ0.
	rho := AirDensity(-15, BarometricPressurePa(0))
	v := 9.0
	vn := NormalisedWindSpeed(v, rho)
	if p, pn := rho*v*v*v, ReferenceAirDensity*vn*vn*vn; math.Abs(p-pn) > 1e-9*p || vn <= v {
		t.Errorf("ρV³ = %v, ρ0Vn³ = %v (Vn %v)", p, pn, vn)
	}
}

func TestPowerCurveBin(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want int
	}{{0, 0}, {0.2499, 0}, {0.25, 1}, {0.74, 1}, {0.75, 2}, {12.2, 24}, {12.3, 25}, {-0.1, -1}, {math.NaN(), -1}, {math.Inf(1), -1}} {
		if got := PowerCurveBin(c.v); got != c.want {
			t.Errorf("PowerCurveBin(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}

func TestPowerCurveBins(t *testing.T) {
	wind := []float64{4.9, 5.1, 5.2, 5.3, 7.0, math.NaN(), 5.0, 7.1}
	power := []float64{100, 110, 120, 300, 500, 1, math.NaN(), 520}
	use := []bool{true, true, true, false, true, true, true, true}
	bins := PowerCurveBins(wind, power, use)
	if len(bins) != 2 {
		t.Fatalf("bins %+v", bins)
	}
	b := bins[0]
	// 4.9, 5.1, 5.2 → bin 10 (5.0 m/s); 5.3 unused; the NaN power dropped.
	if b.Index != 10 || b.CenterMS != 5 || b.Count != 3 || math.Abs(b.WindMS-15.2/3) > 1e-12 || b.PowerKW != 110 || math.Abs(b.PowerStdKW-10) > 1e-12 {
		t.Errorf("bin 5 m/s: %+v", b)
	}
	b = bins[1]
	if b.Index != 14 || b.Count != 2 || b.PowerKW != 510 || math.Abs(b.PowerStdKW-math.Sqrt(200)) > 1e-12 {
		t.Errorf("bin 7 m/s: %+v", b)
	}
	if one := PowerCurveBins([]float64{3}, []float64{1}, nil); len(one) != 1 || !math.IsNaN(one[0].PowerStdKW) {
		t.Errorf("one record: %+v", one)
	}
}
