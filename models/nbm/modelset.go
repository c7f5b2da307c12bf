package nbm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/windpm/windpm/datasets/scada"
	"github.com/windpm/windpm/models/powercurve"
)

// ModelFileVersion is the version of the model file layout (ModelSet as
// JSON).
const ModelFileVersion = 1

// ModelSet is what `windpm scada fit` writes: the models of every turbine
// and target, the options they were fitted with and the power-curve
// options whose flags chose the normal-operation rows.
type ModelSet struct {
	Version    int                `json:"version"`
	Options    Options            `json:"options"`
	PowerCurve powercurve.Options `json:"power_curve"`
	Models     []*Model           `json:"models"`
}

// FitSet fits every target of every turbine of t on [from, to). flags are
// the powercurve rows of t (parallel to t.Rows). A turbine or target that
// cannot be fitted (too few rows, a column missing) is skipped and its
// error returned in skipped; an error is returned only when nothing could
// be fitted.
func FitSet(t *scada.Table, flags []powercurve.RowResult, pc powercurve.Options, targets []scada.Signal, from, to time.Time, o Options) (set *ModelSet, skipped []error, err error) {
	return fitSet(t, flags, pc, targets, from, to, o, map[string]designCache{})
}

// FitScore is FitSet followed by Score on the same table, building each
// turbine's regressors once for both (what `windpm scada events
// --fit-from --fit-to` does; the results are those of the two calls).
func FitScore(t *scada.Table, flags []powercurve.RowResult, pc powercurve.Options, targets []scada.Signal, from, to time.Time, o Options) (set *ModelSet, results []TurbineResult, skipped []error, err error) {
	caches := map[string]designCache{}
	set, skipped, err = fitSet(t, flags, pc, targets, from, to, o, caches)
	if err != nil {
		return nil, nil, skipped, err
	}
	results, err = set.score(t, flags, caches)
	return set, results, skipped, err
}

func fitSet(t *scada.Table, flags []powercurve.RowResult, pc powercurve.Options, targets []scada.Signal, from, to time.Time, o Options, caches map[string]designCache) (set *ModelSet, skipped []error, err error) {
	o = o.withDefaults()
	set = &ModelSet{Version: ModelFileVersion, Options: o, PowerCurve: pc}
	lo := 0
	for _, tb := range t.Turbines() {
		n := len(t.Turbine(tb))
		cache := designCache{}
		caches[tb] = cache
		for _, target := range targets {
			m, err := fit(t, tb, target, flags[lo:lo+n], from, to, o, cache)
			if err != nil {
				skipped = append(skipped, err)
				continue
			}
			set.Models = append(set.Models, m)
		}
		lo += n
	}
	if len(set.Models) == 0 {
		return nil, skipped, fmt.Errorf("nbm: no model could be fitted on %s – %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	return set, skipped, nil
}

// TurbineResult is the scoring of one turbine by a ModelSet.
type TurbineResult struct {
	Turbine string
	Models  []*Model
	// Residuals[i] are Models[i]'s residuals over the turbine's rows.
	Residuals [][]float64
	// Smoothed[i] are Residuals[i] smoothed over normal operation as the
	// criticality counter compares them with Models[i].Threshold (NaN
	// where a row is not in normal operation).
	Smoothed [][]float64
	Events   []Event
}

// Score computes the residuals of every model on t and the events of every
// turbine that has models. flags are the powercurve rows of t.
func (s *ModelSet) Score(t *scada.Table, flags []powercurve.RowResult) ([]TurbineResult, error) {
	return s.score(t, flags, nil)
}

// score is Score with the regressors fitSet built on the same table
// (caches per turbine; nil or a missing turbine builds them).
func (s *ModelSet) score(t *scada.Table, flags []powercurve.RowResult, caches map[string]designCache) ([]TurbineResult, error) {
	var out []TurbineResult
	lo := 0
	for _, tb := range t.Turbines() {
		n := len(t.Turbine(tb))
		tr := TurbineResult{Turbine: tb}
		cache := caches[tb]
		if cache == nil {
			cache = designCache{}
		}
		o := s.Options.withDefaults()
		for _, m := range s.Models {
			if m.Turbine != tb {
				continue
			}
			r, err := m.residuals(t, o, cache)
			if err != nil {
				return nil, err
			}
			tr.Models = append(tr.Models, m)
			tr.Residuals = append(tr.Residuals, r)
		}
		if len(tr.Models) > 0 {
			tr.Events = Events(t, tb, tr.Models, tr.Residuals, flags[lo:lo+n], s.Options)
			if pi := t.Col(scada.Column{Signal: scada.ActivePower, Stat: scada.Avg}); pi >= 0 {
				tr.Smoothed = smoothedResiduals(t.Turbine(tb), tr.Residuals, flags[lo:lo+n], pi, o)
			}
			out = append(out, tr)
		}
		lo += n
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("nbm: the models are for turbines %s, none of which is in the data", s.turbines())
	}
	return out, nil
}

func (s *ModelSet) turbines() string {
	seen := map[string]bool{}
	var names []string
	for _, m := range s.Models {
		if !seen[m.Turbine] {
			seen[m.Turbine] = true
			names = append(names, m.Turbine)
		}
	}
	sort.Strings(names)
	return fmt.Sprint(names)
}

// ParseModelSet reads a model file and checks it: the version, known
// targets, one coefficient per input plus the intercept, finite numbers,
// options in range.
func ParseModelSet(data []byte) (*ModelSet, error) {
	var s ModelSet
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("model file: %w", err)
	}
	if s.Version != ModelFileVersion {
		return nil, fmt.Errorf("model file: version %d, this windpm reads %d", s.Version, ModelFileVersion)
	}
	o := s.Options
	for _, taus := range [][]float64{o.PowerTausH, o.AmbientTausH, o.NeighbourTausH} {
		if len(taus) == 0 || len(taus) > 16 {
			return nil, fmt.Errorf("model file: options: want 1 to 16 time constants per group")
		}
		for _, tau := range taus {
			if !(tau > 0 && tau < 1e4) {
				return nil, fmt.Errorf("model file: options: time constant %v h out of range", tau)
			}
		}
	}
	if math.IsNaN(o.SmoothH) || o.SmoothH > 1e4 || !(o.Quantile > 0 && o.Quantile < 1) || !(o.SteadyFraction > 0 && o.SteadyFraction <= 1) || o.OpenRows <= 0 || o.MinEventRows <= 0 {
		return nil, fmt.Errorf("model file: options out of range")
	}
	if len(s.Models) == 0 {
		return nil, fmt.Errorf("model file: no models")
	}
	for i, m := range s.Models {
		if m == nil {
			return nil, fmt.Errorf("model file: model %d is null", i+1)
		}
		c, ok := scada.ParseColumn(m.TargetName)
		if !ok || c.Signal.String() != m.TargetName {
			return nil, fmt.Errorf("model file: model %d: unknown target %q", i+1, m.TargetName)
		}
		m.Target = c.Signal
		if m.Turbine == "" || len(m.Coef) != len(m.Inputs)+1 {
			return nil, fmt.Errorf("model file: model %d (%s %s): %d coefficients for %d inputs", i+1, m.Turbine, m.TargetName, len(m.Coef), len(m.Inputs))
		}
		for _, v := range append([]float64{m.Threshold, m.SteadyKW, m.RefRMSE}, m.Coef...) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("model file: model %d (%s %s): a number is not finite", i+1, m.Turbine, m.TargetName)
			}
		}
	}
	return &s, nil
}
