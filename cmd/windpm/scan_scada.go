package main

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/models/nbm"
	"github.com/windpm/windpm/models/powercurve"
	"github.com/windpm/windpm/reports/scanreport"
)

// scanSCADASection builds the scan report's SCADA section from the
// scan's --scada inputs (nil when it has none): per turbine the quality
// flags and the power curve (models/powercurve), the bearing-temperature
// models fitted on the first ReferenceDays days of the turbine's SCADA —
// the scan's reference period, as each sensor's is its first days —, their
// smoothed residuals with thresholds, and the events (models/nbm). The
// elevation for the air density is the assets file's elevation_m, else
// 0 m (said in the section). What cannot be analysed (no power column, too
// few rows for a model) becomes a note, not a failed scan. A shard
// (--shard K/N) reports the turbines it owns. The SCADA is
// read one set of files at a time (power.files: the files that hold a
// turbine), all columns, and only thinned series are kept for the
// figures, so memory holds one file set, not the fleet's SCADA.
func scanSCADASection(ctx context.Context, set *scanSettings, power *scadaPower, fleetTurbines int) (*scanreport.SCADA, error) {
	if set.scadaPaths == nil || power == nil {
		return nil, nil
	}
	po := powercurve.Options{}
	elevation := "default: the assets file gives no elevation_m"
	if set.assets != nil && set.assets.ElevationM != nil {
		po.ElevationM = *set.assets.ElevationM
		elevation = "elevation_m of the assets file"
	}
	sec := &scanreport.SCADA{
		Inputs:    set.scadaPaths,
		Reference: fmt.Sprintf("the first %d days of each turbine's SCADA (the scan's reference period)", set.ReferenceDays),
	}
	// File sets in the order of their first turbine; a set read once.
	var sets [][]string
	if power.files == nil {
		sets = [][]string{power.paths}
	} else {
		turbines := make([]string, 0, len(power.files))
		for tb := range power.files {
			turbines = append(turbines, tb)
		}
		sort.Strings(turbines)
		seen := map[string]bool{}
		for _, tb := range turbines {
			if !set.owns(tb) {
				continue // another shard's
			}
			if key := strings.Join(power.files[tb], "\x00"); !seen[key] {
				seen[key] = true
				sets = append(sets, power.files[tb])
			}
		}
	}
	for _, paths := range sets {
		tab, _, err := scada.Load(paths, scada.Options{})
		if err != nil {
			return nil, err
		}
		key := strings.Join(paths, "\x00")
		for _, tb := range tab.Turbines() {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if !set.owns(tb) || (power.files != nil && strings.Join(power.files[tb], "\x00") != key) {
				continue // another shard's, or tb has files outside this set: read with its own set
			}
			st, notes, density := scadaTurbineSection(tab, tb, po, elevation, set.ReferenceDays)
			sec.Notes = append(sec.Notes, notes...)
			if sec.Density == "" {
				sec.Density = density
			}
			if st != nil {
				if fleetTurbines > scadaFiguresUpTo && len(st.Events) == 0 {
					summarise(st)
				}
				sec.Turbines = append(sec.Turbines, *st)
			}
		}
	}
	sort.SliceStable(sec.Turbines, func(i, j int) bool { return sec.Turbines[i].Turbine < sec.Turbines[j].Turbine })
	return sec, nil
}

// scadaFiguresUpTo is the largest fleet (turbines listed, whatever the
// shard, so that shards and a whole-fleet scan decide alike) whose SCADA
// section draws every turbine's measured power curve and residual
// trends; above it only turbines with temperature events get them, so
// that the report and the memory that builds it grow with the events,
// not the fleet (about 115 KB of HTML per turbine otherwise).
const scadaFiguresUpTo = 12

// summarise drops a turbine's measured points and residual series,
// keeping the fitted curve, the counts and the models' figures.
func summarise(st *scanreport.SCADATurbine) {
	st.Curve.WindMS, st.Curve.PowerKW, st.Curve.Flagged = nil, nil, nil
	for i := range st.Models {
		st.Models[i].Times, st.Models[i].Values = nil, nil
	}
	st.Summary = true
}

// scadaTurbineSection analyses one turbine of tab for the report.
func scadaTurbineSection(tab *scada.Table, tb string, po powercurve.Options, elevation string, referenceDays int) (st *scanreport.SCADATurbine, notes []string, density string) {
	sub := &scada.Table{Columns: tab.Columns, Rows: tab.Turbine(tb)}
	res, err := powercurve.Analyse(sub, po)
	if err != nil {
		return nil, []string{fmt.Sprintf("%s: no power curve or temperature models: %v", tb, err)}, ""
	}
	tu := res.Turbines[0]
	st = &scanreport.SCADATurbine{Turbine: tb, Rows: tu.Rows, CleanRows: tu.CleanRows, LostKWh: tu.LostKWh,
		Curve: scanreport.ThinPowerCurve(powerCurvePlot(tb, sub, res, 0), scanreport.PowerCurvePoints)}
	for i := range powercurve.NumFlags {
		st.Flags = append(st.Flags, scanreport.FlagCount{Name: powercurve.FlagName(i), Rows: tu.Flagged[i]})
	}
	from := sub.Rows[0].Time
	to := from.Add(time.Duration(referenceDays) * 24 * time.Hour)
	var targets []scada.Signal
	for _, s := range nbm.Targets {
		if sub.Col(scada.Column{Signal: s, Stat: scada.Avg}) >= 0 {
			targets = append(targets, s)
		}
	}
	if len(targets) > 0 {
		_, results, skipped, err := nbm.FitScore(sub, res.Rows, res.Options, targets, from, to, nbm.Options{})
		for _, e := range skipped {
			notes = append(notes, fmt.Sprintf("%s: not fitted: %v", tb, e))
		}
		switch {
		case err != nil:
			notes = append(notes, fmt.Sprintf("%s: no temperature model: %v", tb, err))
		case len(results) == 1:
			addSCADAModels(st, sub, results[0])
		}
	}
	return st, notes, elevationNote(elevation, res)
}

// addSCADAModels puts a turbine's temperature models (smoothed residual
// on the rows the counter sees) and events into st.
func addSCADAModels(st *scanreport.SCADATurbine, sub *scada.Table, tr nbm.TurbineResult) {
	for i, m := range tr.Models {
		sm := scanreport.SCADAModel{Target: m.TargetName, RMSE: m.RefRMSE, Threshold: m.Threshold, ReferenceEnd: m.To}
		if i < len(tr.Smoothed) {
			sm.Times, sm.Values = thinTrend(sub.Rows, tr.Smoothed[i], scanreport.TrendPoints)
		}
		st.Models = append(st.Models, sm)
	}
	for _, e := range tr.Events {
		st.Events = append(st.Events, scanreport.SCADAEvent{Start: e.Start, End: e.End, Opened: e.Opened,
			Signals: append([]string(nil), e.Names...), Fractions: append([]float64(nil), e.Fractions...)})
	}
}

// powerCurvePlot is the figure of turbine tb's power curve: its rows
// (lo is the index of its first row in res.Rows) at their normalised
// wind, flagged or clean, and its curve's bins.
func powerCurvePlot(tb string, t *scada.Table, res *powercurve.Result, lo int) scanreport.PowerCurve {
	pc := scanreport.PowerCurve{Title: tb}
	rows := t.Turbine(tb)
	pw := t.Col(scada.Column{Signal: scada.ActivePower, Stat: scada.Avg})
	for k, r := range rows {
		rr := res.Rows[lo+k]
		pc.WindMS = append(pc.WindMS, rr.WindNormMS)
		pc.PowerKW = append(pc.PowerKW, r.Values[pw])
		pc.Flagged = append(pc.Flagged, rr.Flags != 0)
	}
	for _, tu := range res.Turbines {
		if tu.Name != tb {
			continue
		}
		for _, b := range tu.Curve {
			pc.CurveWindMS = append(pc.CurveWindMS, b.WindMS)
			pc.CurvePowerKW = append(pc.CurvePowerKW, b.PowerKW)
		}
	}
	return pc
}

// thinTrend returns the rows' times and values where v is not NaN; beyond
// n of them, the lowest and the highest of each of n/2 consecutive
// buckets, in time order, so that every excursion stays visible.
func thinTrend(rows []scada.Row, v []float64, n int) ([]time.Time, []float64) {
	var idx []int
	for k, x := range v {
		if !math.IsNaN(x) {
			idx = append(idx, k)
		}
	}
	if len(idx) > n {
		buckets := max(1, n/2)
		var kept []int
		for b := range buckets {
			lo, hi := b*len(idx)/buckets, (b+1)*len(idx)/buckets
			if lo >= hi {
				continue
			}
			mn, mx := idx[lo], idx[lo]
			for _, k := range idx[lo:hi] {
				if v[k] < v[mn] {
					mn = k
				}
				if v[k] > v[mx] {
					mx = k
				}
			}
			kept = append(kept, min(mn, mx))
			if mn != mx {
				kept = append(kept, max(mn, mx))
			}
		}
		idx = kept
	}
	times, vals := make([]time.Time, len(idx)), make([]float64, len(idx))
	for i, k := range idx {
		times[i], vals[i] = rows[k].Time, v[k]
	}
	return times, vals
}
