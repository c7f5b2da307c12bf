package classifier

import (
	"context"
	"fmt"
	"slices"
)

// FoldResult is one fold of a cross-validation.
type FoldResult struct {
	// Name names the group value(s) the fold tests.
	Name string `json:"name"`
	// TrainRows and TestRows count the fold's rows.
	TrainRows int `json:"train_rows"`
	TestRows  int `json:"test_rows"`
	// Unseen lists the classes of the test rows that the training rows
	// lack: those rows cannot be predicted right.
	Unseen  []string `json:"unseen_classes,omitempty"`
	Metrics Metrics  `json:"metrics"`
}

// CVResult is a cross-validation's outcome.
type CVResult struct {
	// Metrics judge the pooled out-of-fold predictions of every row.
	Metrics Metrics      `json:"metrics"`
	Folds   []FoldResult `json:"folds"`
	// Proba holds every row's out-of-fold class probabilities (Classes
	// order); Pred the index of the predicted class.
	Classes []string    `json:"-"`
	Proba   [][]float64 `json:"-"`
	Y       []int       `json:"-"`
	// Importance is, for a forest, every feature's permutation importance
	// on held-out rows: per fold the mean drop in balanced accuracy over 3
	// shuffles of the feature among the fold's test rows (those of classes
	// its model knows), averaged over the folds. Nil for logreg.
	Importance []float64 `json:"-"`
}

// CrossValidate trains a model on the rows outside each fold of s and
// predicts the rows inside, so that every row gets an out-of-fold
// prediction. Imputation and standardisation are fitted on the training
// rows of each fold only. A class absent from a fold's training rows gets
// probability 0 on its test rows. It stops when ctx is done.
func CrossValidate(ctx context.Context, d *Dataset, s *Split, o Options) (*CVResult, error) {
	var classes []string
	for i, l := range d.Labels {
		if l == "" {
			return nil, fmt.Errorf("row %d has no label", i)
		}
		classes = append(classes, l)
	}
	slices.Sort(classes)
	classes = slices.Compact(classes)
	classOf := map[string]int{}
	for c, n := range classes {
		classOf[n] = c
	}
	n := len(d.X)
	res := &CVResult{Classes: classes, Proba: make([][]float64, n), Y: make([]int, n)}
	for i, l := range d.Labels {
		res.Y[i] = classOf[l]
	}
	for f, name := range s.Names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var train, test []int
		for i, fi := range s.Fold {
			switch {
			case fi == f:
				test = append(test, i)
			case fi >= 0:
				train = append(train, i)
			}
		}
		if len(test) == 0 {
			return nil, fmt.Errorf("fold %s has no rows", name)
		}
		m, err := Fit(ctx, d, train, o)
		if err != nil {
			return nil, fmt.Errorf("fold %s: %w", name, err)
		}
		fr := FoldResult{Name: name, TrainRows: len(train), TestRows: len(test)}
		for _, c := range classes {
			has := false
			for _, i := range test {
				has = has || d.Labels[i] == c
			}
			if has && !slices.Contains(m.Classes, c) {
				fr.Unseen = append(fr.Unseen, c)
			}
		}
		pr := m.NewPredictor()
		p := make([]float64, len(m.Classes))
		y := make([]int, len(test))
		proba := make([][]float64, len(test))
		for k, i := range test {
			pr.Proba(p, d.X[i])
			full := make([]float64, len(classes))
			for c, name := range m.Classes {
				full[classOf[name]] = p[c]
			}
			res.Proba[i] = full
			proba[k], y[k] = full, res.Y[i]
		}
		fr.Metrics = Evaluate(classes, y, proba)
		res.Folds = append(res.Folds, fr)
		if m.Forest != nil {
			var xs [][]float64
			var ys []int
			for _, i := range test {
				if c := slices.Index(m.Classes, d.Labels[i]); c >= 0 {
					xs = append(xs, m.prepare(make([]float64, len(m.Features)), d.X[i]))
					ys = append(ys, c)
				}
			}
			imp := m.Forest.PermutationImportance(xs, ys, 3, o.Seed)
			if res.Importance == nil {
				res.Importance = make([]float64, len(imp))
			}
			for j, v := range imp {
				res.Importance[j] += v / float64(len(s.Names))
			}
		}
	}
	var y []int
	var proba [][]float64
	for i := range n {
		if s.Fold[i] >= 0 {
			y = append(y, res.Y[i])
			proba = append(proba, res.Proba[i])
		}
	}
	res.Metrics = Evaluate(classes, y, proba)
	return res, nil
}
