package reports

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
)

// BenchmarkFeatureWriter writes 10,000 rows of 120 double features (one
// in ten null) and three metadata columns, the size of a night's fleet
// table, per iteration.
func BenchmarkFeatureWriter(b *testing.B) {
	const nRows, nFeat = 10000, 120
	s := FeatureSchema{Meta: []datasets.MetaColumn{
		{Name: "fault", Kind: datasets.MetaString},
		{Name: "load_hp", Kind: datasets.MetaInteger},
		{Name: "fault_diameter_in", Kind: datasets.MetaFloat},
	}}
	for i := range nFeat {
		s.Features = append(s.Features, features.Column{Name: fmt.Sprintf("f%03d", i), Unit: "dB", Doc: "x"})
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([]FeatureRow, 64)
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		r := FeatureRow{
			Turbine: fmt.Sprintf("WT%02d", i%6), Sensor: "gbx_hss", Time: t0.Add(time.Duration(i) * time.Hour),
			Path: fmt.Sprintf("fleet/WT%02d/gbx_hss/%05d.wav", i%6, i), Channel: "ch0", Unit: "g",
			SampleRateHz: 25600, RPM: 1500, Samples: 256000, Label: "normal",
			Meta:   []datasets.Field{{Value: "none"}, {Value: "2"}, {Value: "0.007"}},
			Values: make([]float64, nFeat),
		}
		for j := range r.Values {
			r.Values[j] = rng.NormFloat64()
			if rng.IntN(10) == 0 {
				r.Values[j] = math.NaN()
			}
		}
		rows[i] = r
	}
	path := filepath.Join(b.TempDir(), "bench.parquet")
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w, err := NewFeatureWriter(path, s, nil)
		if err != nil {
			b.Fatal(err)
		}
		for i := range nRows {
			if err := w.Write(&rows[i%len(rows)]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*nRows), "ns/row")
}
