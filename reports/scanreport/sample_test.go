package scanreport

import (
	"fmt"
	"math"
	"time"
)

// hostile is a name a fleet folder or an assets file could carry: HTML
// and script, quotes, an ampersand, Markdown table and emphasis syntax,
// non-ASCII. If the page ran it, it would mark the body.
const hostile = `WT<script>document.body.setAttribute("data-pwned","1")</script>"'&|*_é風<img src=x onerror="document.body.setAttribute('data-pwned','2')">`

// sampleReport builds a report with nAlarms alarms (the first open, the
// rest alternating closed and open) over turbines of the given names,
// with 60 days of daily trends and a 25,601-bin spectrum per alarm. The
// numbers are made up: it tests rendering, not analysis.
func sampleReport(nAlarms int, turbines ...string) *Report {
	if len(turbines) == 0 {
		turbines = []string{"WT01", "WT02", "WT03"}
	}
	start := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	r := &Report{
		Title:     "windpm scan — fleet",
		Generated: time.Date(2025, 4, 30, 3, 15, 42, 0, time.UTC),
		Fleet:     "/data/fleet",
		Out:       "/data/out",
		Version:   "v0.1.0-test",
		Settings: []Setting{
			{"reference period", "first 21 days"},
			{"persistence", "3 of the last 5 captures"},
			{"thresholds |z|", "watch 4, warning 6, alarm 9"},
		},
		Captures:    1080,
		NewCaptures: 18,
		Failed:      []Failure{{Path: "WT03/gbx_hss/20250429T020000Z.wav", Error: "wav: truncated data chunk"}},
		Notes:       []string{"no SCADA given: operating classes from rpm"},
	}
	sensors := []struct{ component, sensor string }{{"gearbox", "gbx_hss"}, {"generator", "generator"}, {"main bearing", "main_bearing"}}
	for _, t := range turbines {
		for _, s := range sensors {
			r.Components = append(r.Components, Component{
				Turbine: t, Component: s.component, Sensor: s.sensor, Severity: "ok",
				LastCapture: start.AddDate(0, 0, 59), Captures: 60, Class: "rpm 1400–1600", Zone: "A/B",
				MaxZ: 1.3, MaxZIndicator: "kurtosis",
			})
		}
	}
	sevs := []string{"alarm", "warning", "watch"}
	for i := 0; i < nAlarms; i++ {
		comp := &r.Components[(i*len(sensors))%len(r.Components)]
		if i >= len(r.Components)/len(sensors) {
			comp = &r.Components[i%len(r.Components)]
		}
		a := Alarm{
			ID:      fmt.Sprintf("%s-%s-%d", comp.Turbine, comp.Sensor, 20250331+i),
			Turbine: comp.Turbine, Component: comp.Component, Sensor: comp.Sensor,
			Severity: sevs[i%len(sevs)],
			Opened:   start.AddDate(0, 0, 30+i),
			Class:    "rpm 1400–1600", Zone: "C", Diagnosis: "outer race (BPFO)",
			Summary: "bpfo_db +21.4 dB (z 14.2), kurtosis 2.1→9.8 (z 11.0)",
			Indicators: []Indicator{
				{Name: "bpfo_db", Unit: "dB", Baseline: 3.2, Value: 24.6, Z: 14.2},
				{Name: "kurtosis", Unit: "", Baseline: 2.1, Value: 9.8, Z: 11.0},
				{Name: "velocity_rms_mm_s", Unit: "mm/s", Baseline: 1.52, Value: 2.31, Z: 4.4},
			},
			Lines: []Line{{"BPFO", 90.3, 34.1}, {"BPFO ×2", 180.6, 22.0}, {"BPFO ×3", 270.9, 12.5}},
		}
		a.History = []Change{{a.Opened, "watch"}, {a.Opened.AddDate(0, 0, 3), a.Severity}}
		if i%2 == 1 {
			a.Closed = a.Opened.AddDate(0, 0, 12)
			a.CurrentSeverity = "ok"
			a.History = append(a.History, Change{a.Closed, "ok"})
		} else {
			a.CurrentSeverity = a.Severity
			comp.Severity = a.Severity
			comp.AlarmID = a.ID
			comp.MaxZ, comp.MaxZIndicator = 14.2, "bpfo_db"
			comp.Zone = "C"
		}
		for j, ind := range a.Indicators {
			tr := Trend{
				Indicator: ind.Name, Unit: ind.Unit, Baseline: ind.Baseline,
				Thresholds: []Threshold{
					{"watch", ind.Baseline + 4*0.1*ind.Baseline},
					{"warning", ind.Baseline + 6*0.1*ind.Baseline},
					{"alarm", ind.Baseline + 9*0.1*ind.Baseline},
				},
				ReferenceEnd: start.AddDate(0, 0, 21),
				Opened:       a.Opened,
			}
			for d := 0; d < 60; d++ {
				v := ind.Baseline * (1 + 0.05*math.Sin(float64(d*(j+3))))
				if d >= 30 {
					v += (ind.Value - ind.Baseline) * float64(d-30) / 29
				}
				if d == 17 || d == 18 {
					v = math.NaN() // two missing captures
				}
				tr.Times = append(tr.Times, start.AddDate(0, 0, d))
				tr.Values = append(tr.Values, v)
			}
			a.Trends = append(a.Trends, tr)
		}
		a.Spectrum = sampleSpectrum("spectrum", 25601, 0.5, 0, []float64{23.3, 46.6, 699})
		a.Envelope = sampleSpectrum("envelope spectrum", 25601, 0.05, 500, []float64{90.3, 180.6, 270.9})
		a.Envelope.Markers = []Marker{{"BPFO", 90.3}, {"BPFO ×2", 180.6}, {"BPFO ×3", 270.9}, {"BPFI", 136.1}}
		r.Alarms = append(r.Alarms, a)
	}
	return r
}

// sampleSpectrum is a noise-like floor with peaks at the given
// frequencies, n bins of df Hz.
func sampleSpectrum(title string, n int, df, maxHz float64, peaks []float64) *Spectrum {
	s := &Spectrum{Title: title, YLabel: "amplitude (g)", MaxHz: maxHz}
	for i := 0; i < n; i++ {
		f := float64(i) * df
		a := 0.002 * (1 + 0.5*math.Sin(float64(i)*1.7)*math.Sin(float64(i)*0.31))
		for _, p := range peaks {
			if math.Abs(f-p) < df/2 {
				a += 0.05
			}
		}
		s.FreqHz = append(s.FreqHz, f)
		s.Amplitude = append(s.Amplitude, a)
	}
	return s
}
