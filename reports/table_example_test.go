package reports_test

import (
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/reports"
)

// Write a features table, then stream it back.
func ExampleNewFeatureWriter() {
	dir, err := os.MkdirTemp("", "windpm-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "features.parquet")

	s := reports.FeatureSchema{
		Features: []features.Column{{Name: "rms", Unit: features.SignalUnit, Doc: "RMS of the mean-removed signal."}},
		Meta:     []datasets.MetaColumn{{Name: "load_hp", Kind: datasets.MetaInteger}},
	}
	w, err := reports.NewFeatureWriter(path, s, map[string]string{"windpm.config": `{"segment_s":0}`})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Abort() // a no-op after Close; removes the temporary file on an early return
	for i, rms := range []float64{0.29, math.NaN()} {
		err := w.Write(&reports.FeatureRow{
			Turbine: "WT01", Sensor: "gbx_hss", Time: time.Date(2025, 3, 1, i, 0, 0, 0, time.UTC),
			Path: fmt.Sprintf("%03d.mat", i), Channel: "DE", Unit: "g", SampleRateHz: 12000, RPM: 1797, Samples: 120000,
			Meta:   []datasets.Field{{Name: "load_hp", Value: fmt.Sprint(i)}},
			Values: []float64{rms},
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	r, err := reports.OpenFeatureTable(path)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	fmt.Println("schema version", r.Meta()["windpm.schema_version"])
	for {
		var row reports.FeatureRow
		if err := r.Next(&row); err == io.EOF {
			break
		} else if err != nil {
			log.Fatal(err)
		}
		fmt.Println(row.Path, row.Time.Format(time.RFC3339), row.Meta[0].Value, row.Values[0])
	}
	// Output:
	// schema version 2
	// 000.mat 2025-03-01T00:00:00Z 0 0.29
	// 001.mat 2025-03-01T01:00:00Z 1 NaN
}
