package scada

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSeriesIn(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	s := &Series{Stamps: []int64{t0.Unix(), t0.Add(10 * time.Minute).Unix(), t0.Add(30 * time.Minute).Unix()}, Values: []float32{1, float32(math.NaN()), 3}}
	for _, c := range []struct {
		at   time.Duration
		want float64
		ok   bool
	}{
		{-time.Second, 0, false}, // before the first interval
		{0, 1, true},             // its start
		{9*time.Minute + 59*time.Second, 1, true},
		{10 * time.Minute, 0, false}, // a missing value
		{25 * time.Minute, 0, false}, // a gap: 20–30 min has no row
		{30 * time.Minute, 3, true},
		{40 * time.Minute, 0, false}, // after the last interval
	} {
		v, ok := s.In(t0.Add(c.at), 10*time.Minute)
		if ok != c.ok || (ok && v != c.want) {
			t.Errorf("at +%v: %v %v, want %v %v", c.at, v, ok, c.want, c.ok)
		}
	}
}

// TestLoadSignal reads two synthetic exports (one turbine each) file by
// file and gets the same power series as one Load of both.
func TestLoadSignal(t *testing.T) {
	dir := t.TempDir()
	head := "time,wind_speed_m_s,active_power_kw,rotor_speed_rpm,generator_speed_rpm,pitch_deg,ambient_temp_c,nacelle_temp_c,gearbox_bearing_temp_c,generator_bearing_temp_c,main_bearing_temp_c,status\n"
	os.WriteFile(filepath.Join(dir, "WT01.csv"), []byte(head+
		"2025-03-01T00:10:00Z,8,700,14,1500,0,2,13,38,31,11,run\n"+
		"2025-03-01T00:00:00Z,8,600,14,1500,0,2,13,38,31,11,run\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "WT02.csv"), []byte(head+
		"2025-03-01T00:00:00Z,9,900,15,1550,0,2,13,38,31,11,run\n"), 0o644)
	power := Column{Signal: ActivePower, Stat: Avg}
	got, err := LoadSignal([]string{dir}, Options{}, power)
	if err != nil {
		t.Fatal(err)
	}
	all, _, err := Load([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, turbine := range all.Turbines() {
		s := got[turbine]
		rows := all.Turbine(turbine)
		if s == nil || len(s.Stamps) != len(rows) {
			t.Fatalf("%s: %+v, want %d rows", turbine, s, len(rows))
		}
		for i, r := range rows {
			v, _ := all.Value(r, power)
			if s.Stamps[i] != r.Time.Unix() || float64(s.Values[i]) != v {
				t.Errorf("%s row %d: %v %v, want %v %v", turbine, i, s.Stamps[i], s.Values[i], r.Time, v)
			}
		}
	}
	if v, ok := got["WT01"].In(time.Date(2025, 3, 1, 0, 12, 0, 0, time.UTC), 10*time.Minute); !ok || v != 700 {
		t.Errorf("WT01 at 00:12: %v %v, want 700", v, ok)
	}
}
