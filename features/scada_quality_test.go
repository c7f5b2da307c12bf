package features

import (
	"math"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets/scada"
)

func TestOutOfRange(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		col  scada.Column
		v    float64
		want bool
	}{
		{scada.Column{Signal: scada.WindSpeed, Stat: scada.Avg}, 12, false},
		{scada.Column{Signal: scada.WindSpeed, Stat: scada.Avg}, -0.1, true},
		{scada.Column{Signal: scada.WindSpeed, Stat: scada.Max}, 50.1, true},
		{scada.Column{Signal: scada.WindSpeed, Stat: scada.Std}, -1, true},
		{scada.Column{Signal: scada.WindSpeed, Stat: scada.Std}, 3, false},
		{scada.Column{Signal: scada.AmbientTemperature, Stat: scada.Avg}, -90, true},
		{scada.Column{Signal: scada.GearboxBearing1Temperature, Stat: scada.Avg}, 250, true},
		{scada.Column{Signal: scada.PitchAngle, Stat: scada.Avg}, 92, false},
		{scada.Column{Signal: scada.ActivePower, Stat: scada.Avg}, -1e6, false},
		{scada.Column{Signal: scada.WindSpeed, Stat: scada.Avg}, nan, false},
	} {
		if got := OutOfRange(c.col, c.v); got != c.want {
			t.Errorf("OutOfRange(%s, %v) = %v", c.col.Name(), c.v, got)
		}
	}
	if _, _, _, ok := RangeLimit(scada.ActivePower); ok {
		t.Error("active power has a physical limit")
	}
}

func stamps(n int, gapAt int) []time.Time {
	out := make([]time.Time, n)
	t := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		if i == gapAt {
			t = t.Add(time.Hour)
		}
		out[i] = t
		t = t.Add(10 * time.Minute)
	}
	return out
}

func TestFrozenRows(t *testing.T) {
	nan := math.NaN()
	vals := []float64{1, 2, 2, 2, 3, 0, 0, 0, 4, 4, 4, 5, 5, 5}
	std := []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0.1, 0, nan, nan, nan}
	iv := 10 * time.Minute
	got := make([]bool, len(vals))
	FrozenRows(got, vals, std, stamps(len(vals), -1), iv, 3, true)
	exp := []bool{false, true, true, true, false, false, false, false, false, false, false, true, true, true}
	for i := range exp {
		if got[i] != exp[i] {
			t.Fatalf("skipZero, std: got %v, want %v", got, exp)
		}
	}
	// Without std and without skipZero: the zeros and the 4s are frozen too.
	got = make([]bool, len(vals))
	FrozenRows(got, vals, nil, stamps(len(vals), -1), iv, 3, false)
	for i := 1; i < len(vals); i++ {
		if want := i != 4; got[i] != want {
			t.Fatalf("no std: got %v", got)
		}
	}
	// A gap splits a run.
	got = make([]bool, len(vals))
	FrozenRows(got, vals, nil, stamps(len(vals), 3), iv, 3, false)
	if got[1] || got[2] || got[3] {
		t.Fatalf("gap: got %v", got)
	}
}

func TestPersistentRows(t *testing.T) {
	cond := []bool{true, true, false, true, true, true, false, true, true, true, true}
	got := make([]bool, len(cond))
	PersistentRows(got, cond, stamps(len(cond), 9), 10*time.Minute, 3)
	// The run at 7..10 is split by a gap before row 9 into 7..8 and 9..10.
	exp := []bool{false, false, false, true, true, true, false, false, false, false, false}
	for i := range exp {
		if got[i] != exp[i] {
			t.Fatalf("got %v, want %v", got, exp)
		}
	}
}
