package classifier

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"

	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/models/forest"
	"github.com/windpm/windpm/models/logreg"
)

// The model file format: Format names it, FormatVersion is the version
// this code writes. Read accepts every version up to FormatVersion.
const (
	Format        = "windpm-classifier"
	FormatVersion = 1
)

// The model kinds.
const (
	KindForest = "forest"
	KindLogReg = "logreg"
)

// Options are the training options, kept in the model file.
type Options struct {
	// Kind is KindForest or KindLogReg.
	Kind string `json:"kind"`
	// Trees, MaxFeatures, MinSamplesLeaf and MaxDepth are the forest's
	// (see forest.Options; 0 for the defaults).
	Trees          int `json:"trees,omitempty"`
	MaxFeatures    int `json:"max_features,omitempty"`
	MinSamplesLeaf int `json:"min_samples_leaf,omitempty"`
	MaxDepth       int `json:"max_depth,omitempty"`
	// Seed seeds the forest.
	Seed uint64 `json:"seed"`
	// C is logistic regression's inverse penalty (see logreg.Options; 0
	// for 1).
	C float64 `json:"c,omitempty"`
	// Unweighted trains without class weights; by default every class
	// carries the same total weight (forest.Balanced), as the classes of
	// fault data are rarely balanced.
	Unweighted bool `json:"unweighted,omitempty"`
	// Jobs bounds the goroutines of a forest; the model does not depend on
	// it, and it is not stored.
	Jobs int `json:"-"`
}

// Evaluation says how a model's learner and options scored in
// cross-validation on its training table before it was fitted to all of
// it.
type Evaluation struct {
	// Split describes the folds ("leave-one-group-out over load_hp (4
	// folds)"), Group names the column that made them.
	Split string `json:"split"`
	Group string `json:"group"`
	// Metrics judge the pooled out-of-fold predictions.
	Metrics Metrics `json:"metrics"`
	// FoldMacroF1 is the macro-F1 of every fold, in fold order.
	FoldMacroF1 []float64 `json:"fold_macro_f1"`
}

// Training describes the data a model was trained on.
type Training struct {
	// Rows is the number of training rows.
	Rows int `json:"rows"`
	// Fingerprint is the hex SHA-256 of the training data (Fingerprint).
	Fingerprint string `json:"fingerprint"`
	// Table is the table's path as given, for people; not checked.
	Table string `json:"table,omitempty"`
	// ClassRows is the number of training rows of every class.
	ClassRows []int `json:"class_rows"`
	// Tool is the version of windpm that trained the model.
	Tool string `json:"tool,omitempty"`
	// FeatureConfig is the training table's feature configuration (its
	// windpm.config metadata, a JSON object), so that predict can tell
	// when its input was made otherwise.
	FeatureConfig string `json:"feature_config,omitempty"`
}

// ConfigDifferences compares two feature configurations (JSON objects, as
// in a features table's windpm.config) and lists, sorted, "key: a vs b"
// for every key both hold with different values. Either being empty or
// not an object gives nil: nothing is known to differ.
func ConfigDifferences(a, b string) []string {
	var ma, mb map[string]json.RawMessage
	if json.Unmarshal([]byte(a), &ma) != nil || json.Unmarshal([]byte(b), &mb) != nil {
		return nil
	}
	var out []string
	for k, va := range ma {
		vb, ok := mb[k]
		if ok && !bytes.Equal(bytes.TrimSpace(va), bytes.TrimSpace(vb)) {
			out = append(out, fmt.Sprintf("%s: %s vs %s", k, va, vb))
		}
	}
	slices.Sort(out)
	return out
}

// Model is a trained classifier as stored in a model file.
type Model struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Label is the name of the table column the classes came from.
	Label string `json:"label"`
	// Classes are the class names, sorted; probabilities come in this
	// order.
	Classes []string `json:"classes"`
	// Features are the inputs in the order the learner sees them.
	Features []Feature `json:"features"`
	// SignalUnit is the unit of the training rows' signal when a feature
	// is in the signal's unit (features.SignalUnit); rows in another unit
	// are refused.
	SignalUnit string   `json:"signal_unit,omitempty"`
	Options    Options  `json:"options"`
	Training   Training `json:"training"`
	// Evaluation holds the cross-validated metrics when the model was
	// written by an evaluation (windpm evaluate -o), else nil.
	Evaluation *Evaluation `json:"evaluation,omitempty"`
	// Forest or LogReg is the learner, by Options.Kind.
	Forest *forest.Forest `json:"forest,omitempty"`
	LogReg *logreg.Model  `json:"logreg,omitempty"`
}

// Fit trains a model on the rows of d (all rows with a label; rows lists
// them, nil for all). Classes are the distinct labels, sorted. A forest
// stops between trees when ctx is done.
func Fit(ctx context.Context, d *Dataset, rows []int, o Options) (*Model, error) {
	if rows == nil {
		rows = make([]int, len(d.X))
		for i := range rows {
			rows[i] = i
		}
	}
	if len(rows) == 0 {
		return nil, errors.New("no training rows")
	}
	if o.Kind != KindForest && o.Kind != KindLogReg {
		return nil, fmt.Errorf("unknown model kind %q (forest or logreg)", o.Kind)
	}
	var classes []string
	for _, i := range rows {
		if d.Labels[i] == "" {
			return nil, fmt.Errorf("row %d has no label", i)
		}
		classes = append(classes, d.Labels[i])
	}
	slices.Sort(classes)
	classes = slices.Compact(classes)
	if len(classes) < 2 {
		return nil, fmt.Errorf("the training rows hold one class (%s); a classifier needs two or more", classes[0])
	}
	su, err := signalUnit(d.Features, d.Units, rows)
	if err != nil {
		return nil, err
	}
	m := &Model{Format: Format, Version: FormatVersion, Label: d.Label, Classes: classes, SignalUnit: su, Options: o}
	m.Features = make([]Feature, len(d.Features))
	col := make([]float64, 0, len(rows))
	for j, f := range d.Features {
		col = col[:0]
		for _, i := range rows {
			if v := d.X[i][j]; !math.IsNaN(v) {
				if math.IsInf(v, 0) {
					return nil, fmt.Errorf("feature %s is infinite in row %d", f.Name, i)
				}
				col = append(col, v)
			}
		}
		// A feature null in every training row (possible within a fold)
		// is constant 0 to the learner: no split or weight can use it.
		med := 0.0
		if len(col) > 0 {
			med = median(col)
		}
		// Mean and population standard deviation after imputation, as
		// scikit-learn's StandardScaler after SimpleImputer(median).
		n := float64(len(rows))
		sum := med * (n - float64(len(col)))
		for _, v := range col {
			sum += v
		}
		mean := sum / n
		ss := (n - float64(len(col))) * (med - mean) * (med - mean)
		for _, v := range col {
			ss += (v - mean) * (v - mean)
		}
		scale := math.Sqrt(ss / n)
		if !(scale > 0) || math.IsInf(scale, 0) {
			scale = 1
		}
		m.Features[j] = Feature{Name: f.Name, Unit: f.Unit, Median: med, Mean: mean, Scale: scale}
	}
	classOf := make(map[string]int, len(classes))
	for c, name := range classes {
		classOf[name] = c
	}
	x := make([][]float64, len(rows))
	y := make([]int, len(rows))
	m.Training.ClassRows = make([]int, len(classes))
	for k, i := range rows {
		x[k] = m.prepare(make([]float64, len(m.Features)), d.X[i])
		y[k] = classOf[d.Labels[i]]
		m.Training.ClassRows[y[k]]++
	}
	var weights []float64
	if !o.Unweighted {
		weights = forest.Balanced(y, len(classes))
	}
	switch o.Kind {
	case KindForest:
		m.Forest, err = forest.Train(ctx, x, y, len(classes), forest.Options{
			Trees: o.Trees, MaxFeatures: o.MaxFeatures, MinSamplesLeaf: o.MinSamplesLeaf, MaxDepth: o.MaxDepth,
			ClassWeight: weights, Seed: o.Seed, Jobs: o.Jobs})
	case KindLogReg:
		m.LogReg, err = logreg.Fit(x, y, len(classes), logreg.Options{C: o.C, ClassWeight: weights})
	}
	if err != nil {
		return nil, err
	}
	m.Training.Rows = len(rows)
	m.Training.Fingerprint = Fingerprint(d, rows)
	return m, nil
}

// median returns the median of v (which it sorts): the mean of the two
// middle values for an even count.
func median(v []float64) float64 {
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return v[n/2-1]/2 + v[n/2]/2
}

// prepare writes into dst the learner's input for the raw row x: missing
// values replaced by the median and, for logistic regression,
// standardised.
func (m *Model) prepare(dst, x []float64) []float64 {
	for j, f := range m.Features {
		v := x[j]
		if math.IsNaN(v) {
			v = f.Median
		}
		if m.Options.Kind == KindLogReg {
			v = (v - f.Mean) / f.Scale
		}
		dst[j] = v
	}
	return dst
}

// Predictor computes class probabilities; it holds scratch space and
// belongs to one goroutine.
type Predictor struct {
	m   *Model
	buf []float64
}

// NewPredictor returns a predictor for m.
func (m *Model) NewPredictor() *Predictor {
	return &Predictor{m: m, buf: make([]float64, len(m.Features))}
}

// Proba writes into dst (one per class, Model.Classes order) the class
// probabilities of the raw row x (Model.Features order, NaN for null).
func (p *Predictor) Proba(dst, x []float64) {
	in := p.m.prepare(p.buf, x)
	switch p.m.Options.Kind {
	case KindForest:
		p.m.Forest.Proba(dst, in)
	case KindLogReg:
		p.m.LogReg.Proba(dst, in)
	}
}

// Bind returns, for every model feature, its index among the table's
// feature columns cols. A feature the table lacks, or has in another unit,
// is an error naming the column.
func (m *Model) Bind(cols []features.Column) ([]int, error) {
	idx := make([]int, len(m.Features))
	for j, f := range m.Features {
		k := slices.IndexFunc(cols, func(c features.Column) bool { return c.Name == f.Name })
		if k < 0 {
			return nil, fmt.Errorf("the model needs feature column %s, which the table lacks", f.Name)
		}
		if cols[k].Unit != f.Unit {
			return nil, fmt.Errorf("feature column %s is in %q, the model was trained on %q", f.Name, cols[k].Unit, f.Unit)
		}
		idx[j] = k
	}
	return idx, nil
}

// CheckUnit returns an error if a row whose signal is in unit cannot be
// given to the model: some feature is in the signal's unit and the model
// was trained on another.
func (m *Model) CheckUnit(unit string) error {
	for _, f := range m.Features {
		if f.Unit == features.SignalUnit {
			if unit != m.SignalUnit {
				return fmt.Errorf("the signal is in %q, the model was trained on %q (feature %s is in the signal's unit)", unit, m.SignalUnit, f.Name)
			}
			return nil
		}
	}
	return nil
}

// Fingerprint returns the hex SHA-256 of the training data: the string
// "windpm-classifier-data-v1", then every feature's name and unit, then
// for every row its label, its signal unit and its values as IEEE-754
// little-endian bits (every NaN as the one quiet NaN 0x7ff8000000000000),
// strings length-prefixed. The same table and options give the same
// fingerprint whatever the machine.
func Fingerprint(d *Dataset, rows []int) string {
	h := sha256.New()
	var b [8]byte
	str := func(s string) {
		binary.LittleEndian.PutUint64(b[:], uint64(len(s)))
		h.Write(b[:])
		io.WriteString(h, s)
	}
	str("windpm-classifier-data-v1")
	for _, f := range d.Features {
		str(f.Name)
		str(f.Unit)
	}
	for _, i := range rows {
		str(d.Labels[i])
		str(d.Units[i])
		for _, v := range d.X[i] {
			u := math.Float64bits(v)
			if math.IsNaN(v) {
				u = 0x7ff8000000000000
			}
			binary.LittleEndian.PutUint64(b[:], u)
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Marshal returns the model file's bytes: indented JSON, ending in a
// newline.
func (m *Model) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// MaxFileBytes bounds the size of a model file Read accepts.
const MaxFileBytes = 1 << 30

// Read reads and validates a model file. Its content is untrusted: every
// size, index and number is checked, so that a model that loads cannot
// panic or loop when applied.
func Read(r io.Reader) (*Model, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("model file larger than %d bytes", MaxFileBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Model
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("not a windpm model file: %w", err)
	}
	if dec.More() {
		return nil, errors.New("not a windpm model file: data after the JSON object")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Validate checks that m is a complete, consistent model.
func (m *Model) Validate() error {
	if m.Format != Format {
		return fmt.Errorf("not a windpm model file (format %q, want %q)", m.Format, Format)
	}
	if m.Version < 1 || m.Version > FormatVersion {
		return fmt.Errorf("model file version %d; this windpm reads versions 1 to %d", m.Version, FormatVersion)
	}
	if len(m.Classes) < 2 {
		return fmt.Errorf("model has %d classes, want at least 2", len(m.Classes))
	}
	for i, c := range m.Classes {
		if c == "" || (i > 0 && c <= m.Classes[i-1]) {
			return errors.New("model classes are not distinct, sorted and non-empty")
		}
	}
	if len(m.Features) == 0 {
		return errors.New("model has no features")
	}
	seen := map[string]bool{}
	for _, f := range m.Features {
		if f.Name == "" || seen[f.Name] {
			return fmt.Errorf("model feature %q is empty or repeated", f.Name)
		}
		seen[f.Name] = true
		for _, v := range []float64{f.Median, f.Mean, f.Scale} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("model feature %s: %v in its imputation or standardisation", f.Name, v)
			}
		}
		if !(f.Scale > 0) {
			return fmt.Errorf("model feature %s: scale %v, want > 0", f.Name, f.Scale)
		}
	}
	if m.Training.Rows < 1 || len(m.Training.ClassRows) != len(m.Classes) {
		return errors.New("model training summary is incomplete")
	}
	if len(m.Training.Fingerprint) != 64 {
		return errors.New("model training fingerprint is not a SHA-256")
	}
	if _, err := hex.DecodeString(m.Training.Fingerprint); err != nil {
		return errors.New("model training fingerprint is not hexadecimal")
	}
	switch m.Options.Kind {
	case KindForest:
		if m.Forest == nil || m.LogReg != nil {
			return errors.New("forest model without (only) a forest")
		}
		if err := m.Forest.Validate(); err != nil {
			return err
		}
		if m.Forest.Classes != len(m.Classes) || m.Forest.Features != len(m.Features) {
			return fmt.Errorf("forest of %d classes × %d features in a model of %d × %d", m.Forest.Classes, m.Forest.Features, len(m.Classes), len(m.Features))
		}
	case KindLogReg:
		if m.LogReg == nil || m.Forest != nil {
			return errors.New("logreg model without (only) coefficients")
		}
		if err := m.LogReg.Validate(len(m.Classes), len(m.Features)); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown model kind %q", m.Options.Kind)
	}
	if e := m.Evaluation; e != nil {
		if err := e.Metrics.validate(); err != nil {
			return fmt.Errorf("model evaluation: %w", err)
		}
	}
	return nil
}
