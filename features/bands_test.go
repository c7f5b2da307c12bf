package features

import (
	"math"
	"testing"
)

// A component band gets its own column; each row integrates the PSD over
// its sensor's edges (Parseval: a sine of amplitude A has power A²/2), and
// a sensor without the band, or a band above Nyquist, gives null.
func TestComponentBands(t *testing.T) {
	ex, err := NewExtractor(Config{BandNames: []string{"mesh", "tower_mode"}})
	if err != nil {
		t.Fatal(err)
	}
	cols := ex.Columns()
	idx := map[string]int{}
	for i, c := range cols {
		idx[c.Name] = i
	}
	mesh, tower := idx["band_power_mesh"], idx["band_power_tower_mode"]
	if mesh == 0 || tower == 0 || cols[mesh].Unit != SignalUnitSquared {
		t.Fatalf("component band columns missing: %v", idx)
	}
	const rate = 4096.0
	x := make([]float64, 8*4096)
	for i := range x {
		x[i] = 2 * math.Sin(2*math.Pi*500*float64(i)/rate)
	}
	row := make([]float64, len(cols))
	in := Input{X: x, RateHz: rate, Unit: "g", Kin: Kinematics{Bands: []NamedBand{{"mesh", 450, 550}, {"other", 1, 2}}}}
	if err := ex.Extract(row, &in); err != nil {
		t.Fatal(err)
	}
	if math.Abs(row[mesh]-2) > 1e-3 || !math.IsNaN(row[tower]) {
		t.Errorf("mesh band power %g (want 2), tower %g (want null)", row[mesh], row[tower])
	}
	in.Kin.Bands = []NamedBand{{"mesh", 1000, 3000}} // above Nyquist (2048 Hz)
	if err := ex.Extract(row, &in); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(row[mesh]) {
		t.Errorf("band above Nyquist: %g, want null", row[mesh])
	}
	if _, err := NewExtractor(Config{BandNames: []string{"Bad-Name"}}); err == nil {
		t.Error("a bad band name: want an error")
	}
}
