package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/models"
	"github.com/windpm/windpm/models/classifier"
	"github.com/windpm/windpm/reports"
	"github.com/windpm/windpm/reports/scanreport"
)

// The derived outputs of a scan — scores, alarms, report — are made from
// the whole features table and the settings, one turbine at a time, so
// that they are the same whether the table was written in one run or in
// many, and memory holds one turbine's history, not the fleet's.

// scoredCapture is one capture of one sensor through the scoring.
type scoredCapture struct {
	sensor, path string
	obs          models.Observation
	rate, rpm    float64
	unit         string
	inRef        bool
	score        models.Score
	raised       models.Severity
	// verdict is the classifier's class and its probability ("" without
	// a model, or when the capture's unit does not fit it).
	verdict     string
	verdictProb float64
}

// sensorHistory is one sensor's captures in time order and its baseline.
type sensorHistory struct {
	id, component string
	caps          []scoredCapture
	refEnd        time.Time
	base          *models.Baseline
}

// deriveSummary is what the scan prints.
type deriveSummary struct {
	captures, scored, open, closed int
	openLines                      []string
}

// isoZoneNames are the names of the ISO 20816-21 zones the iso_zone
// feature codes as 2, 3, 4.
var isoZoneNames = map[int]string{2: "A/B", 3: "C", 4: "D"}

func deriveOutputs(cmd *cobra.Command, o *scanOptions, set *scanSettings, fleet *datasets.Fleet, dir string, failures []scanreport.Failure, newCaptures int) (*deriveSummary, error) {
	all, err := set.out.partitionValues("features", reports.PartitionTurbine)
	if err != nil {
		return nil, err
	}
	var turbines []string
	for _, t := range all {
		if set.owns(t) {
			turbines = append(turbines, t)
		}
	}
	inds := models.DefaultIndicators()
	var power *scadaPower
	if set.scadaPaths != nil {
		if power, err = newSCADAPower(set.scadaPaths); err != nil {
			return nil, err
		}
	}
	meta := map[string]string{reports.MetaToolVersion: versionString(), reports.MetaConfig: string(mustJSON(set))}
	sw, err := set.out.newRecordWriter(join(dir, "scores.parquet"), "scores", reports.ScanTablesVersion, reports.ScoresColumns(set.Indicators), meta)
	if err != nil {
		return nil, err
	}
	defer sw.Abort()
	aw, err := set.out.newRecordWriter(join(dir, "alarms.parquet"), "alarms", reports.ScanTablesVersion, reports.AlarmsColumns(), meta)
	if err != nil {
		return nil, err
	}
	defer aw.Abort()

	rep := &scanreport.Report{
		Title: "windpm scan — " + filepath.Base(filepath.Clean(fleet.Dir)), Generated: time.Now().UTC().Truncate(time.Second),
		Fleet: fleet.Dir, Out: set.out.String(), Version: versionString(),
		Settings: []scanreport.Setting{
			{Name: "reference period", Value: fmt.Sprintf("first %d days of each sensor", set.ReferenceDays)},
			{Name: "operating classes", Value: opClasses(set)},
			{Name: "grades (robust z of the largest risen indicator)", Value: fmt.Sprintf("watch ≥ %g, warning ≥ %g, alarm ≥ %g; ISO zone C warning, D alarm; multivariate (Mahalanobis) above its α = %g limit: watch",
				set.Thresholds.WatchZ, set.Thresholds.WarningZ, set.Thresholds.AlarmZ, set.Thresholds.MultivariateAlpha)},
			{Name: "persistence", Value: fmt.Sprintf("%d of the last %d captures of a component; closed after %d clear captures", set.Alarm.K, set.Alarm.N, set.Alarm.ClearAfter)},
			{Name: "indicators", Value: strings.Join(set.Indicators, ", ")},
		},
	}
	rep.Failed = failures
	if rep.SCADA, err = scanSCADASection(cmd.Context(), set, power, len(fleet.Turbines)); err != nil {
		return nil, err
	}
	sum := &deriveSummary{}
	progress, clearProgress := progressLine(cmd.ErrOrStderr(), "scoring", "turbines")
	defer clearProgress()
	for ti, turbine := range turbines {
		if err := cmd.Context().Err(); err != nil {
			return nil, err
		}
		var ps *scada.Series
		if power != nil {
			if ps, err = power.of(turbine); err != nil {
				return nil, err
			}
		}
		sensors, err := readTurbineHistory(set.out, join("features", reports.HivePartition(reports.PartitionTurbine, turbine)), inds, set, ps)
		if err != nil {
			return nil, err
		}
		if err := scoreTurbine(turbine, sensors, set, inds, rep, sum, sw, aw, &turbineListing{ctx: cmd.Context(), fleet: fleet, turbine: turbine}); err != nil {
			return nil, err
		}
		if progress != nil {
			progress(ti+1, len(turbines))
		}
	}
	scanreport.SortAlarms(rep.Alarms)
	rep.Captures, rep.NewCaptures = sum.captures, newCaptures
	if err := sw.Close(); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	if err := set.out.writeReport(dir, rep); err != nil {
		return nil, err
	}
	return sum, nil
}

// turbineListing lists one turbine's captures when an evidence capture
// is first looked up.
type turbineListing struct {
	ctx     context.Context
	fleet   *datasets.Fleet
	turbine string
	caps    []datasets.FleetCapture
	listed  bool
}

// find returns the turbine's capture rel, nil when the fleet no longer
// holds it.
func (l *turbineListing) find(rel string) (*datasets.FleetCapture, error) {
	if !l.listed {
		l.listed = true
		if !slices.Contains(l.fleet.Turbines, l.turbine) {
			return nil, nil
		}
		var err error
		if l.caps, err = l.fleet.Captures(l.turbine); err != nil {
			return nil, err
		}
	}
	k := slices.IndexFunc(l.caps, func(fc datasets.FleetCapture) bool { return fc.Rel == rel })
	if k < 0 {
		return nil, nil
	}
	return &l.caps[k], nil
}

// opClasses says how the operating classes are made.
func opClasses(set *scanSettings) string {
	by := "shaft speed (rpm)"
	if set.scadaPaths != nil {
		by = "SCADA active power at capture time (kW, the 10-minute row holding it)"
	}
	return fmt.Sprintf("%d bins of %s at the quantiles of the reference period; a class with fewer than 8 reference captures uses the pooled baseline", set.Classes, by)
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// scadaPower gives each turbine's SCADA active power, loading the SCADA
// files that hold a turbine when it is asked for: memory holds the power
// of the turbines of one set of files (one file per turbine: one
// turbine), not the fleet's. A single SCADA table (.parquet) is one set.
type scadaPower struct {
	// files lists, per turbine, the files that hold it (nil for a table).
	files  map[string][]string
	paths  []string
	key    string // the files loaded
	loaded map[string]*scada.Series
}

// activePower is the SCADA signal the scan joins to captures.
var activePower = scada.Column{Signal: scada.ActivePower, Stat: scada.Avg}

// newSCADAPower finds which SCADA files hold which turbines (reading each
// file once, one at a time).
func newSCADAPower(paths []string) (*scadaPower, error) {
	p := &scadaPower{paths: paths}
	if len(paths) == 1 && scada.IsParquet(paths[0]) {
		return p, nil
	}
	files, err := scada.ExpandPaths(paths)
	if err != nil {
		return nil, err
	}
	p.files = map[string][]string{}
	for _, f := range files {
		t, _, err := scada.Load([]string{f}, scada.Options{})
		if err != nil {
			return nil, err
		}
		if t.Col(activePower) < 0 {
			return nil, fmt.Errorf("%s: no %s column", f, activePower.Name())
		}
		for _, turbine := range t.Turbines() {
			p.files[turbine] = append(p.files[turbine], f)
		}
	}
	return p, nil
}

// of returns the active power of a turbine (nil when no file holds it).
func (p *scadaPower) of(turbine string) (*scada.Series, error) {
	paths := p.paths
	if p.files != nil {
		if paths = p.files[turbine]; paths == nil {
			return nil, nil
		}
	}
	if key := strings.Join(paths, "\x00"); key != p.key || p.loaded == nil {
		p.loaded = nil // dropped before the next set is read
		loaded, err := scada.LoadSignal(paths, scada.Options{}, activePower)
		if err != nil {
			return nil, err
		}
		p.key, p.loaded = key, loaded
	}
	return p.loaded[turbine], nil
}

// readTurbineHistory reads one turbine's features partition into one
// history per sensor, captures in time order.
func readTurbineHistory(out *outLoc, dir string, inds []models.Indicator, set *scanSettings, power *scada.Series) ([]*sensorHistory, error) {
	r, err := out.openFeatureTable(dir)
	if err != nil || r == nil {
		return nil, err
	}
	defer r.Close()
	col := map[string]int{}
	for i, c := range r.Schema().Features {
		col[c.Name] = i
	}
	zoneCol, hasZone := col["iso_zone"]
	// Read only the columns scoring uses: the indicators, the zone and the
	// model's features.
	var use []string
	for _, ind := range inds {
		if _, ok := col[ind.Name]; ok {
			use = append(use, ind.Name)
		}
	}
	if hasZone {
		use = append(use, "iso_zone")
	}
	if set.model != nil {
		for _, k := range set.bind {
			use = append(use, r.Schema().Features[k].Name)
		}
	}
	if err := r.SelectFeatures(use); err != nil {
		return nil, err
	}
	var pred *classifier.Predictor
	var x, proba []float64
	if set.model != nil {
		pred = set.model.NewPredictor()
		x, proba = make([]float64, len(set.bind)), make([]float64, len(set.model.Classes))
	}
	bySensor := map[string]*sensorHistory{}
	for {
		var row reports.FeatureRow
		err := r.Next(&row)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		h := bySensor[row.Sensor]
		if h == nil {
			h = &sensorHistory{id: row.Sensor, component: row.Sensor}
			if set.assets != nil {
				if s := set.assets.Sensor(row.Turbine, row.Sensor); s != nil && s.Component != "" {
					h.component = s.Component
				}
			}
			bySensor[row.Sensor] = h
		}
		vals := make([]float64, len(inds))
		for j, ind := range inds {
			vals[j] = math.NaN()
			if c, ok := col[ind.Name]; ok {
				vals[j] = row.Values[c]
			}
		}
		op, revs := math.NaN(), math.NaN()
		if row.RPM > 0 {
			op = row.RPM
			if row.SampleRateHz > 0 {
				revs = float64(row.Samples) / row.SampleRateHz * row.RPM / 60
			}
		}
		if set.scadaPaths != nil {
			op = math.NaN()
			if power != nil {
				if v, ok := power.In(row.Time, scadaInterval); ok {
					op = v
				}
			}
		}
		zone := 0
		if hasZone && !math.IsNaN(row.Values[zoneCol]) {
			zone = int(row.Values[zoneCol])
		}
		sc := scoredCapture{sensor: row.Sensor, path: row.Path, rate: row.SampleRateHz, rpm: row.RPM, unit: row.Unit,
			obs: models.Observation{Time: row.Time, Op: op, Values: vals, Zone: zone, Revolutions: revs}, verdictProb: math.NaN()}
		if pred != nil && set.model.CheckUnit(row.Unit) == nil {
			for j, k := range set.bind {
				x[j] = row.Values[k]
			}
			pred.Proba(proba, x)
			best := 0
			for k := range proba {
				if proba[k] > proba[best] {
					best = k
				}
			}
			sc.verdict, sc.verdictProb = set.model.Classes[best], proba[best]
		}
		h.caps = append(h.caps, sc)
	}
	var hist []*sensorHistory
	for _, h := range bySensor {
		sort.Slice(h.caps, func(i, j int) bool {
			a, b := &h.caps[i], &h.caps[j]
			if !a.obs.Time.Equal(b.obs.Time) {
				return a.obs.Time.Before(b.obs.Time)
			}
			return a.path < b.path
		})
		hist = append(hist, h)
	}
	sort.Slice(hist, func(i, j int) bool { return hist[i].id < hist[j].id })
	return hist, nil
}

// scadaInterval is the SCADA averaging interval: a capture takes the
// operating point of the 10-minute row whose interval holds its start.
const scadaInterval = 10 * time.Minute

// scoreTurbine fits every sensor's baseline, scores its captures, runs
// the alarm tracker of every component, and writes the turbine's scores
// and alarms rows and report entries.
func scoreTurbine(turbine string, sensors []*sensorHistory, set *scanSettings, inds []models.Indicator,
	rep *scanreport.Report, sum *deriveSummary, sw, aw *reports.RecordWriter, fleet *turbineListing) error {
	bcfg := models.BaselineConfig{Indicators: inds, Classes: set.Classes, OpName: "rpm", Thresholds: set.Thresholds}
	if set.scadaPaths != nil {
		bcfg.OpName, bcfg.OpUnit = "power kW", "kW"
	}
	for _, h := range sensors {
		if len(h.caps) == 0 {
			continue
		}
		h.refEnd = h.caps[0].obs.Time.Add(time.Duration(set.ReferenceDays) * 24 * time.Hour)
		var ref []models.Observation
		for i := range h.caps {
			if h.caps[i].obs.Time.Before(h.refEnd) {
				h.caps[i].inRef = true
				ref = append(ref, h.caps[i].obs)
			}
		}
		base, err := models.FitBaseline(ref, bcfg)
		if err != nil {
			return fmt.Errorf("%s %s: %w", turbine, h.id, err)
		}
		h.base = base
		for i := range h.caps {
			c := &h.caps[i]
			c.score = base.Score(&c.obs)
			if c.inRef {
				c.score.Severity = models.OK
			}
		}
	}

	// Components: the captures of all their sensors in time order.
	type step struct {
		h *sensorHistory
		i int
	}
	compSteps := map[string][]step{}
	var comps []string
	for _, h := range sensors {
		if _, ok := compSteps[h.component]; !ok {
			comps = append(comps, h.component)
		}
		for i := range h.caps {
			compSteps[h.component] = append(compSteps[h.component], step{h, i})
		}
	}
	sort.Strings(comps)
	for _, comp := range comps {
		steps := compSteps[comp]
		sort.SliceStable(steps, func(a, b int) bool {
			ca, cb := &steps[a].h.caps[steps[a].i], &steps[b].h.caps[steps[b].i]
			if !ca.obs.Time.Equal(cb.obs.Time) {
				return ca.obs.Time.Before(cb.obs.Time)
			}
			return ca.sensor < cb.sensor
		})
		tr, err := models.NewAlarmTracker(set.Alarm)
		if err != nil {
			return err
		}
		for k, s := range steps {
			c := &s.h.caps[s.i]
			c.raised = tr.Step(k, c.obs.Time, c.score.Severity)
		}
		last := steps[len(steps)-1]
		lc := &last.h.caps[last.i]
		var ids []string
		for _, h := range sensors {
			if h.component == comp {
				ids = append(ids, h.id)
			}
		}
		status := scanreport.Component{Turbine: turbine, Component: comp, Sensor: strings.Join(ids, ", "),
			Severity: "ok", LastCapture: lc.obs.Time, Captures: len(steps), Class: lc.score.Class, Zone: isoZoneNames[lc.obs.Zone],
			MaxZ: lc.score.MaxZ, MaxZIndicator: indicatorName(inds, lc.score.MaxIndex)}
		for _, a := range tr.Alarms() {
			ev := steps[a.PeakIndex]
			if a.Open() {
				ev = steps[a.LastIndex]
			}
			ra, row, err := alarmEvidence(turbine, comp, &a, ev.h, ev.i, set, inds, fleet)
			if err != nil {
				return err
			}
			if err := aw.Write(row); err != nil {
				return err
			}
			rep.Alarms = append(rep.Alarms, *ra)
			if a.Open() {
				sum.open++
				status.Severity, status.AlarmID = a.Peak.String(), ra.ID
				sum.openLines = append(sum.openLines, fmt.Sprintf("%s %s: %s since %s — %s", turbine, comp, strings.ToUpper(a.Peak.String()),
					a.Opened.Format(time.DateOnly), ra.Summary))
			} else {
				sum.closed++
			}
		}
		rep.Components = append(rep.Components, status)
	}

	for _, h := range sensors {
		for i := range h.caps {
			c := &h.caps[i]
			sum.captures++
			if c.score.BaselineN > 0 {
				sum.scored++
			}
			if err := sw.Write(scoresRow(turbine, h, c, set)); err != nil {
				return err
			}
		}
	}
	return nil
}

func indicatorName(inds []models.Indicator, i int) string {
	if i < 0 {
		return ""
	}
	return inds[i].Name
}

// scoresRow returns the scores table row of one capture.
func scoresRow(turbine string, h *sensorHistory, c *scoredCapture, set *scanSettings) []any {
	row := []any{turbine, h.id, c.obs.Time, c.path, h.component, c.score.Class, c.obs.Op, c.score.BaselineClass, c.score.BaselineN, c.inRef}
	for _, z := range c.score.Z {
		row = append(row, z)
	}
	var maxInd any
	if c.score.MaxIndex >= 0 {
		maxInd = set.Indicators[c.score.MaxIndex]
	}
	var zone any
	if n, ok := isoZoneNames[c.obs.Zone]; ok {
		zone = n
	}
	return append(row, c.score.MaxZ, maxInd, c.score.D2, c.score.D2Limit, zone, c.score.Severity.String(), c.raised.String(), c.verdict, c.verdictProb)
}

// evidenceLine is a line of the alarms table's lines column.
type evidenceLine struct {
	Label    string  `json:"label"`
	FreqHz   float64 `json:"freq_hz"`
	DB       float64 `json:"db"`
	Spectrum string  `json:"spectrum"`
}

// evidenceIndicator is an entry of the alarms table's indicators column.
type evidenceIndicator struct {
	Name     string  `json:"name"`
	Unit     string  `json:"unit"`
	Baseline float64 `json:"baseline"`
	Value    float64 `json:"value"`
	Z        float64 `json:"z"`
}

// evidenceMinZ is the smallest z of an indicator listed as moved.
const evidenceMinZ = 3

// evidenceLineDB is how far above the local floor a kinematic line of the
// plain spectrum must stand to be listed (gear mesh and sidebands); the
// envelope lines follow the diagnosis's own threshold.
const evidenceLineDB = 10

// alarmEvidence builds an alarm's table row and report entry from the
// evidence capture (sensor h, capture i): the indicators that moved, and
// the kinematic lines of its spectra, read again from the capture file.
func alarmEvidence(turbine, comp string, a *models.TrackedAlarm, h *sensorHistory, i int, set *scanSettings,
	inds []models.Indicator, fleet *turbineListing) (*scanreport.Alarm, []any, error) {
	c := &h.caps[i]
	id := fmt.Sprintf("%s/%s/%s", turbine, comp, a.Opened.UTC().Format("20060102T150405Z"))
	ra := &scanreport.Alarm{ID: id, Turbine: turbine, Component: comp, Sensor: h.id, Severity: a.Peak.String(),
		CurrentSeverity: a.Current.String(), Opened: a.Opened, Closed: a.Closed, Class: c.score.Class, Zone: isoZoneNames[c.obs.Zone]}
	type change struct {
		Time     time.Time `json:"time"`
		Severity string    `json:"severity"`
	}
	var hist []change
	for _, ch := range a.History {
		ra.History = append(ra.History, scanreport.Change{Time: ch.Time, Severity: ch.Severity.String()})
		hist = append(hist, change{ch.Time.UTC(), ch.Severity.String()})
	}

	// Indicators that moved, largest z first.
	var moved []evidenceIndicator
	for j, z := range c.score.Z {
		if z >= evidenceMinZ {
			unit := inds[j].Unit
			if unit == "signal" {
				unit = c.unit
			}
			base, _ := h.base.Expected(j, &c.score, c.obs.Op)
			moved = append(moved, evidenceIndicator{Name: inds[j].Name, Unit: unit, Baseline: base, Value: c.obs.Values[j], Z: z})
		}
	}
	sort.SliceStable(moved, func(x, y int) bool { return moved[x].Z > moved[y].Z })
	var parts []string
	for k, m := range moved {
		ra.Indicators = append(ra.Indicators, scanreport.Indicator{Name: m.Name, Unit: m.Unit, Baseline: m.Baseline, Value: m.Value, Z: m.Z})
		if k < 3 {
			parts = append(parts, fmt.Sprintf("%s %.3g → %.3g%s (z %.1f)", m.Name, m.Baseline, m.Value, unitSuffix(m.Unit), m.Z))
		}
	}
	if ra.Zone == "C" || ra.Zone == "D" {
		parts = append(parts, "ISO zone "+ra.Zone)
	}
	if len(parts) == 0 && !math.IsNaN(c.score.D2) {
		parts = append(parts, fmt.Sprintf("Mahalanobis D² %.1f above its limit %.1f", c.score.D2, c.score.D2Limit))
	}

	// Trends of the top indicators, with the baseline and the thresholds.
	for k := 0; k < len(moved) && k < 3; k++ {
		j := indicatorIndex(inds, moved[k].Name)
		// The baseline and thresholds at the evidence capture's operating
		// point (a level that follows it has its own at every capture).
		base, scale := h.base.Expected(j, &c.score, c.obs.Op)
		tr := scanreport.Trend{Indicator: moved[k].Name, Unit: moved[k].Unit, Baseline: base, ReferenceEnd: h.refEnd, Opened: a.Opened}
		for _, th := range []struct {
			sev string
			z   float64
		}{{"watch", set.Thresholds.WatchZ}, {"warning", set.Thresholds.WarningZ}, {"alarm", set.Thresholds.AlarmZ}} {
			tr.Thresholds = append(tr.Thresholds, scanreport.Threshold{Severity: th.sev, Value: base + th.z*scale})
		}
		for q := range h.caps {
			tr.Times = append(tr.Times, h.caps[q].obs.Time)
			tr.Values = append(tr.Values, h.caps[q].obs.Values[j])
		}
		ra.Trends = append(ra.Trends, tr)
	}

	lines, diagnosis, err := spectralEvidence(ra, h, c, set, inds, fleet)
	if err != nil {
		return nil, nil, err
	}
	ra.Diagnosis = diagnosis
	if c.verdict != "" {
		parts = append(parts, fmt.Sprintf("classifier: %s (p %.2f)", c.verdict, c.verdictProb))
	}
	for _, l := range lines {
		ra.Lines = append(ra.Lines, scanreport.Line{Label: l.Label, FreqHz: l.FreqHz, DB: l.DB})
	}
	if len(lines) > 0 {
		var ls []string
		for k, l := range lines {
			if k < 3 {
				ls = append(ls, fmt.Sprintf("%s %+.0f dB", l.Label, l.DB))
			}
		}
		parts = append(parts, strings.Join(ls, ", "))
	}
	ra.Summary = strings.Join(parts, "; ")

	var closed, diag, zone any
	if !a.Closed.IsZero() {
		closed = a.Closed
	}
	if diagnosis != "" {
		diag = diagnosis
	}
	if ra.Zone != "" {
		zone = ra.Zone
	}
	if moved == nil {
		moved = []evidenceIndicator{}
	}
	if lines == nil {
		lines = []evidenceLine{}
	}
	row := []any{id, turbine, comp, a.Opened, closed, a.Peak.String(), a.Current.String(), h.id, c.path, c.obs.Time,
		string(mustJSON(hist)), c.score.Class, zone, diag, string(mustJSON(moved)), string(mustJSON(lines)), ra.Summary}
	return ra, row, nil
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " " + u
}

func indicatorIndex(inds []models.Indicator, name string) int {
	for j := range inds {
		if inds[j].Name == name {
			return j
		}
	}
	return -1
}

// spectralEvidence reads the evidence capture again and returns the
// kinematic lines its spectra show and the physics diagnosis, and sets
// the report's spectrum and envelope spectrum figures.
func spectralEvidence(ra *scanreport.Alarm, h *sensorHistory, c *scoredCapture, set *scanSettings, inds []models.Indicator,
	fleet *turbineListing) ([]evidenceLine, string, error) {
	// Read as the scan read it: through its source, so that what the
	// manifest states (rate, channel, unit) applies again.
	fc, err := fleet.find(c.path)
	if err != nil {
		return nil, "", err
	}
	if fc == nil {
		// Scored in an earlier run; no longer in the fleet.
		return nil, "", nil
	}
	data, err := fc.ReadAll(fleet.ctx)
	if err != nil {
		return nil, "", nil
	}
	caps, err := fc.Source.ReadData(data, set.opts)
	if err != nil {
		// The capture was scored; it may have been changed since.
		return nil, "", nil
	}
	cp := &caps[0]
	// The speed and unit the features used (the manifest's, or flags).
	cp.Turbine, cp.Sensor, cp.RPM = ra.Turbine, h.id, c.rpm
	if c.unit != "" {
		cp.Unit = c.unit
	}
	kin := set.kin.of(cp)
	var lines []evidenceLine
	diagnosis := ""
	title := fmt.Sprintf("%s %s %s", ra.Turbine, h.id, c.obs.Time.UTC().Format("2006-01-02 15:04"))

	var markers []scanreport.Marker
	if kin.Bearing != nil && cp.RPM > 0 {
		for _, l := range features.DefectLines(*kin.Bearing, cp.RPM, 3) {
			markers = append(markers, scanreport.Marker{Label: l.Label, FreqHz: l.FreqHz})
		}
		d, err := features.NewDiagnoser(0, 0)
		if err != nil {
			return nil, "", err
		}
		dg, err := d.Diagnose(cp.Samples, cp.RateHz, cp.RPM, *kin.Bearing)
		if err == nil {
			if dg.Verdict != features.VerdictNone {
				diagnosis = dg.Verdict
			}
			for _, fam := range dg.Families {
				if fam.Score <= 0 {
					continue
				}
				// Modulation is the ball's cage series, which can be all
				// a ball verdict rests on.
				for _, le := range append(append(append([]features.LineEvidence(nil), fam.Harmonics...), fam.Sidebands...), fam.Modulation...) {
					if le.Found {
						lines = append(lines, evidenceLine{Label: le.Label, FreqHz: le.FreqHz, DB: le.DB, Spectrum: "envelope"})
					}
				}
			}
			env, err := features.ComputeSpectrum(cp.Samples, cp.RateHz, features.SpectrumOptions{Envelope: true, LoHz: dg.BandLoHz, HiHz: dg.BandHiHz})
			if err == nil {
				maxHz := 0.0
				for _, m := range markers {
					maxHz = math.Max(maxHz, m.FreqHz)
				}
				ra.Envelope = &scanreport.Spectrum{Title: fmt.Sprintf("%s — envelope spectrum, band %.0f–%.0f Hz, %.0f rpm", title, dg.BandLoHz, dg.BandHiHz, cp.RPM),
					FreqHz: env.FreqHz, Amplitude: env.Amplitude, YLabel: "envelope amplitude (" + cp.Unit + ")", MaxHz: math.Min(1.2*maxHz, dg.BandHiHz-dg.BandLoHz), Markers: markers}
			}
		}
	}
	plain, err := features.ComputeSpectrum(cp.Samples, cp.RateHz, features.SpectrumOptions{})
	if err != nil {
		return lines, diagnosis, nil
	}
	var plainMarkers []scanreport.Marker
	maxHz := 0.0
	if cp.RPM > 0 {
		for _, l := range features.ShaftLines(cp.RPM, 3) {
			plainMarkers = append(plainMarkers, scanreport.Marker{Label: l.Label, FreqHz: l.FreqHz})
		}
		maxHz = 10 * cp.RPM / 60
	}
	if kin.GearTeeth > 0 && cp.RPM > 0 {
		gl := features.GearLines(kin.GearTeeth, cp.RPM, 2, 2)
		for _, l := range gl {
			plainMarkers = append(plainMarkers, scanreport.Marker{Label: l.Label, FreqHz: l.FreqHz})
		}
		found := plain.LinesAbove(gl, 0.005, evidenceLineDB)
		sidebands := 0
		for _, l := range found {
			lines = append(lines, evidenceLine{Label: l.Label, FreqHz: l.FreqHz, DB: l.DB, Spectrum: "plain"})
			if strings.Contains(l.Label, "×") && !strings.HasPrefix(l.Label, "GMF ×") {
				sidebands++
			}
		}
		gmf := float64(kin.GearTeeth) * cp.RPM / 60
		ser := indicatorIndex(inds, "gear_ser")
		if diagnosis == "" && sidebands >= 2 && ser >= 0 && c.score.Z[ser] >= set.Thresholds.WatchZ {
			diagnosis = "gear_mesh"
		}
		ra.Spectrum = &scanreport.Spectrum{Title: fmt.Sprintf("%s — spectrum around the gear mesh (%d teeth), %.0f rpm", title, kin.GearTeeth, cp.RPM),
			FreqHz: plain.FreqHz, Amplitude: plain.Amplitude, YLabel: "amplitude (" + cp.Unit + ")",
			MinHz: gmf - 4*cp.RPM/60, MaxHz: 2*gmf + 4*cp.RPM/60, Markers: plainMarkers}
	} else {
		ra.Spectrum = &scanreport.Spectrum{Title: title + " — spectrum", FreqHz: plain.FreqHz, Amplitude: plain.Amplitude,
			YLabel: "amplitude (" + cp.Unit + ")", MaxHz: maxHz, Markers: plainMarkers}
	}
	return lines, diagnosis, nil
}

// worstOpenSeverity returns the highest severity of the open alarms in a
// scan's summary.json.
func worstOpenSeverity(s *scanreport.Summary) models.Severity {
	worst := models.OK
	for _, a := range s.Alarms {
		if a.Closed != nil {
			continue
		}
		if sev, err := models.ParseSeverity(a.Severity); err == nil && sev > worst {
			worst = sev
		}
	}
	return worst
}
