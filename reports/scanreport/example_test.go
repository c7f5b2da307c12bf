package scanreport_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/windpm/windpm/reports/scanreport"
)

// The scan fills a Report and writes the three files; a cron job reads
// summary.json back.
func Example() {
	dir, err := os.MkdirTemp("", "scanreport-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	opened := time.Date(2025, 3, 31, 2, 0, 0, 0, time.UTC)
	r := &scanreport.Report{
		Title:     "windpm scan — fleet",
		Generated: time.Date(2025, 4, 30, 3, 15, 0, 0, time.UTC),
		Fleet:     "fleet", Out: "out", Version: "v0.1.0",
		Captures: 120, NewCaptures: 2,
		Components: []scanreport.Component{
			{Turbine: "WT01", Component: "gearbox", Sensor: "gbx_hss", Severity: "warning", AlarmID: "WT01-gearbox-1",
				LastCapture: opened.AddDate(0, 0, 29), Captures: 60, Zone: "A/B", MaxZ: 7.2, MaxZIndicator: "bpfo_db"},
			{Turbine: "WT02", Component: "gearbox", Sensor: "gbx_hss", Severity: "ok",
				LastCapture: opened.AddDate(0, 0, 29), Captures: 60, Zone: "A/B", MaxZ: 1.1, MaxZIndicator: "rms"},
		},
		Alarms: []scanreport.Alarm{{
			ID: "WT01-gearbox-1", Turbine: "WT01", Component: "gearbox", Sensor: "gbx_hss",
			Severity: "warning", CurrentSeverity: "warning", Opened: opened,
			Diagnosis:  "outer race (BPFO)",
			Summary:    "bpfo_db +12.0 dB (z 7.2)",
			Indicators: []scanreport.Indicator{{Name: "bpfo_db", Unit: "dB", Baseline: 3, Value: 15, Z: 7.2}},
			Lines:      []scanreport.Line{{Label: "BPFO", FreqHz: 90.3, DB: 15}},
		}},
	}
	for name, write := range map[string]func(string, *scanreport.Report) error{
		"report.html": scanreport.WriteHTML, "report.md": scanreport.WriteMarkdown, "summary.json": scanreport.WriteSummaryJSON,
	} {
		if err := write(filepath.Join(dir, name), r); err != nil {
			log.Fatal(err)
		}
	}

	s, err := scanreport.ReadSummaryJSON(filepath.Join(dir, "summary.json"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("worst:", s.WorstSeverity, "open alarms:", s.OpenAlarms)
	for _, a := range s.Alarms {
		fmt.Printf("%s %s/%s since %s: %s (report.html#%s)\n", a.Severity, a.Turbine, a.Component, a.Opened.Format("2006-01-02"), a.Summary, a.Anchor)
	}
	// Output:
	// worst: warning open alarms: 1
	// warning WT01/gearbox since 2025-03-31: bpfo_db +12.0 dB (z 7.2) (report.html#alarm-WT01-gearbox-1)
}
