package classifier

import (
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/reports"
)

// Feature is one input of a model: a feature column of the features table
// and what the model learned about it.
type Feature struct {
	// Name and Unit are the column's (features.Column); Unit may be
	// features.SignalUnit, the unit of the row's signal (Model.SignalUnit).
	Name string `json:"name"`
	Unit string `json:"unit"`
	// Median replaces a missing (null) value: the median of the training
	// rows that have one (0 if none has: the feature is then constant to
	// the learner).
	Median float64 `json:"median"`
	// Mean and Scale standardise the value for logistic regression,
	// z = (x − Mean)/Scale: the training mean and population standard
	// deviation after imputation (1 for a constant feature).
	Mean  float64 `json:"mean"`
	Scale float64 `json:"scale"`
}

// Dataset is the part of a features table a model sees: feature values
// (NaN where null), the unit of each row's signal and, for training, the
// labels.
type Dataset struct {
	// Label names the column the labels came from.
	Label    string
	Features []Feature
	// X holds one row per table row, in Features order.
	X [][]float64
	// Units holds every row's signal unit (the table's unit column).
	Units []string
	// Labels holds every row's class ("" where null).
	Labels []string
}

// LevelFreeFeatures are the glob patterns of the feature columns that do
// not change when the signal is multiplied by a constant: the
// dimensionless time-domain ratios, the Welch PSD's shape (centroid,
// spread, entropy, flatness, peak frequencies), the order-energy
// fractions, the envelope lines over their floor (*_db) and the
// demodulation band, the gear sideband ratio, and the envelope and
// third-octave shares. They are the default training features of windpm
// train and evaluate: a fault's size, the load and the sensor's gain
// change a signal's level, and a model that learns the fault type from
// levels learns the sizes it was shown (docs/evaluation.md,
// leave-one-fault-size-out). The level columns (rms, band powers, peak
// amplitudes, order and mesh amplitudes, ISO values and zones) are left
// out.
var LevelFreeFeatures = []string{
	"crest_factor", "kurtosis_pearson", "skewness", "shape_factor", "impulse_factor", "clearance_factor",
	"spectral_centroid_hz", "spectral_spread_hz", "spectral_entropy", "spectral_flatness", "peak?_freq_hz",
	"order_energy_*", "*_db", "envelope_band_*", "gear_ser", "env_share_*", "third_octave_share_*",
}

// SelectFeatures returns the indices in t's feature columns of those whose
// name matches one of the patterns (path.Match globs; none: every column),
// leaving out columns null in every row, which are named in dropped.
func SelectFeatures(t *reports.FeatureTable, patterns []string) (idx []int, dropped []string, err error) {
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil {
			return nil, nil, fmt.Errorf("--features %q: %w", p, err)
		}
	}
	for j, c := range t.Schema.Features {
		ok := len(patterns) == 0
		for _, p := range patterns {
			if m, _ := path.Match(p, c.Name); m {
				ok = true
				break
			}
		}
		if !ok {
			continue
		}
		some := false
		for i := range t.Rows {
			if !math.IsNaN(t.Rows[i].Values[j]) {
				some = true
				break
			}
		}
		if !some {
			dropped = append(dropped, c.Name)
			continue
		}
		idx = append(idx, j)
	}
	if len(idx) == 0 {
		return nil, dropped, fmt.Errorf("no feature column with values matches %s", strings.Join(patterns, ","))
	}
	return idx, dropped, nil
}

// NewDataset takes the feature columns idx of t and, if label is not
// empty, the labels from the column of that name (see ColumnValues).
func NewDataset(t *reports.FeatureTable, idx []int, label string) (*Dataset, error) {
	d := &Dataset{Label: label}
	for _, j := range idx {
		c := t.Schema.Features[j]
		d.Features = append(d.Features, Feature{Name: c.Name, Unit: c.Unit})
	}
	d.X = make([][]float64, len(t.Rows))
	d.Units = make([]string, len(t.Rows))
	for i := range t.Rows {
		row := make([]float64, len(idx))
		for k, j := range idx {
			row[k] = t.Rows[i].Values[j]
		}
		d.X[i] = row
		d.Units[i] = t.Rows[i].Unit
	}
	if label != "" {
		v, err := ColumnValues(t, label)
		if err != nil {
			return nil, err
		}
		d.Labels = v
	}
	return d, nil
}

// ColumnValues returns the values of the named column of t as text ("" for
// null): a key or capture column (turbine, sensor, time, path, channel,
// segment, unit, sample_rate_hz, rpm, samples, label) or a manifest
// metadata column. Feature columns are not accepted: a label or group
// must not be one of the model's inputs.
func ColumnValues(t *reports.FeatureTable, name string) ([]string, error) {
	get, err := ColumnGetter(&t.Schema, name)
	if err != nil {
		return nil, err
	}
	v := make([]string, len(t.Rows))
	for i := range t.Rows {
		v[i] = get(&t.Rows[i])
	}
	return v, nil
}

// ColumnGetter returns a function that gives the value of the named column
// (see ColumnValues) of a row of a table with schema s, for reading a
// table row by row.
func ColumnGetter(s *reports.FeatureSchema, name string) (func(r *reports.FeatureRow) string, error) {
	switch name {
	case "turbine":
		return func(r *reports.FeatureRow) string { return r.Turbine }, nil
	case "sensor":
		return func(r *reports.FeatureRow) string { return r.Sensor }, nil
	case "time":
		return func(r *reports.FeatureRow) string {
			if r.Time.IsZero() {
				return ""
			}
			return r.Time.UTC().Format("2006-01-02T15:04:05.999999Z")
		}, nil
	case "path":
		return func(r *reports.FeatureRow) string { return r.Path }, nil
	case "channel":
		return func(r *reports.FeatureRow) string { return r.Channel }, nil
	case "segment":
		return func(r *reports.FeatureRow) string { return strconv.Itoa(r.Segment) }, nil
	case "unit":
		return func(r *reports.FeatureRow) string { return r.Unit }, nil
	case "sample_rate_hz":
		return func(r *reports.FeatureRow) string { return strconv.FormatFloat(r.SampleRateHz, 'g', -1, 64) }, nil
	case "rpm":
		return func(r *reports.FeatureRow) string {
			if r.RPM == 0 {
				return ""
			}
			return strconv.FormatFloat(r.RPM, 'g', -1, 64)
		}, nil
	case "samples":
		return func(r *reports.FeatureRow) string { return strconv.Itoa(r.Samples) }, nil
	case "label":
		return func(r *reports.FeatureRow) string { return r.Label }, nil
	}
	for k, m := range s.Meta {
		if m.Name == name {
			return func(r *reports.FeatureRow) string { return r.Meta[k].Value }, nil
		}
	}
	for _, f := range s.Features {
		if f.Name == name {
			return nil, fmt.Errorf("column %s is a feature, not a label or group column", name)
		}
	}
	return nil, fmt.Errorf("no column %s in the table", name)
}

// HasColumn reports whether t has a key, capture or metadata column of
// that name.
func HasColumn(t *reports.FeatureTable, name string) bool {
	for _, c := range t.Columns {
		if c.Name == name && c.Role != reports.RoleFeature && c.Role != reports.RoleSpectrum {
			return true
		}
	}
	return false
}

// signalUnit returns the one signal unit of the rows, or an error if they
// mix units and some feature is in the signal's unit.
func signalUnit(feats []Feature, units []string, rows []int) (string, error) {
	uses := false
	for _, f := range feats {
		if f.Unit == features.SignalUnit {
			uses = true
		}
	}
	if !uses || len(rows) == 0 {
		return "", nil
	}
	u := units[rows[0]]
	for _, i := range rows {
		if units[i] != u {
			return "", fmt.Errorf("the rows mix signal units %q and %q; features in the signal's unit cannot be compared across them", u, units[i])
		}
	}
	return u, nil
}
