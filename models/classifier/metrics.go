package classifier

import (
	"errors"
	"math"
	"slices"
	"sort"

	"github.com/windpm/windpm/models/forest"
)

// Metrics judge predictions against the truth.
type Metrics struct {
	// Classes name the rows and columns of Confusion and the entries of
	// PerClass.
	Classes []string `json:"classes"`
	// Rows is the number of rows judged.
	Rows int `json:"rows"`
	// Confusion[t][p] counts the rows of true class t predicted as p (the
	// class of largest probability, the first on ties).
	Confusion [][]int       `json:"confusion"`
	PerClass  []ClassMetric `json:"per_class"`
	// MacroF1 is the mean F1 over the classes that occur in the truth or
	// the predictions (scikit-learn's f1_score(average="macro")).
	MacroF1 float64 `json:"macro_f1"`
	// BalancedAccuracy is the mean recall over the classes that occur in
	// the truth (scikit-learn's balanced_accuracy_score).
	BalancedAccuracy float64 `json:"balanced_accuracy"`
	// Accuracy is the fraction of rows predicted right.
	Accuracy float64 `json:"accuracy"`
	// AUROCMacro is the mean one-vs-rest AUROC over the classes whose AUROC
	// is defined; null when none is.
	AUROCMacro *float64 `json:"auroc_macro"`
}

// ClassMetric holds one class's figures. Precision is 0 when the class is
// never predicted and recall 0 when it never occurs (scikit-learn's
// zero_division=0).
type ClassMetric struct {
	Class     string  `json:"class"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// Support is the number of rows of the class in the truth.
	Support int `json:"support"`
	// AUROC is the area under the ROC curve of the class's probability
	// against the rest; null when the truth holds no row of the class or
	// no row of another.
	AUROC *float64 `json:"auroc"`
}

// Evaluate computes the metrics of the class probabilities proba (one row
// per judged row, classes in order) against the true class indices y.
func Evaluate(classes []string, y []int, proba [][]float64) Metrics {
	k := len(classes)
	m := Metrics{Classes: slices.Clone(classes), Rows: len(y), Confusion: make([][]int, k)}
	for c := range m.Confusion {
		m.Confusion[c] = make([]int, k)
	}
	hit := 0
	for i, t := range y {
		p := forest.Argmax(proba[i])
		m.Confusion[t][p]++
		if p == t {
			hit++
		}
	}
	if len(y) > 0 {
		m.Accuracy = float64(hit) / float64(len(y))
	}
	var f1s, recalls, aucs []float64
	score := make([]float64, len(y))
	pos := make([]bool, len(y))
	for c := range classes {
		support, predicted := 0, 0
		for t := range k {
			support += m.Confusion[c][t]
			predicted += m.Confusion[t][c]
		}
		tp := float64(m.Confusion[c][c])
		cm := ClassMetric{Class: classes[c], Support: support}
		if predicted > 0 {
			cm.Precision = tp / float64(predicted)
		}
		if support > 0 {
			cm.Recall = tp / float64(support)
			recalls = append(recalls, cm.Recall)
		}
		if cm.Precision+cm.Recall > 0 {
			cm.F1 = 2 * cm.Precision * cm.Recall / (cm.Precision + cm.Recall)
		}
		if support > 0 || predicted > 0 {
			f1s = append(f1s, cm.F1)
		}
		for i, t := range y {
			score[i], pos[i] = proba[i][c], t == c
		}
		if a, ok := AUROC(score, pos); ok {
			cm.AUROC = &a
			aucs = append(aucs, a)
		}
		m.PerClass = append(m.PerClass, cm)
	}
	m.MacroF1 = mean(f1s)
	m.BalancedAccuracy = mean(recalls)
	if len(aucs) > 0 {
		a := mean(aucs)
		m.AUROCMacro = &a
	}
	return m
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// AUROC returns the area under the ROC curve of score for the positives
// pos: the probability that a random positive scores above a random
// negative, ties counting one half (the Mann–Whitney U statistic over
// n_pos·n_neg, with mid-ranks for ties; Hanley & McNeil 1982). ok is false
// when there is no positive or no negative.
func AUROC(score []float64, pos []bool) (auc float64, ok bool) {
	n := len(score)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] < score[idx[b]] })
	np, nn := 0.0, 0.0
	rankSum := 0.0
	for i := 0; i < n; {
		j := i
		for j < n && score[idx[j]] == score[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2 // mean of the 1-based ranks i+1..j
		for _, r := range idx[i:j] {
			if pos[r] {
				np++
				rankSum += mid
			} else {
				nn++
			}
		}
		i = j
	}
	if np == 0 || nn == 0 {
		return math.NaN(), false
	}
	return (rankSum - np*(np+1)/2) / (np * nn), true
}

// validate checks metrics read from a file for consistent sizes and
// numbers in [0, 1]. The classes of an evaluation are those of its table,
// which may be more than the model's.
func (m *Metrics) validate() error {
	k := len(m.Classes)
	if len(m.Confusion) != k || len(m.PerClass) != k {
		return errors.New("metrics sizes do not match the classes")
	}
	for _, row := range m.Confusion {
		if len(row) != k {
			return errors.New("confusion matrix is not square")
		}
	}
	in01 := func(v float64) bool { return v >= 0 && v <= 1 }
	ok := in01(m.MacroF1) && in01(m.BalancedAccuracy) && in01(m.Accuracy) && (m.AUROCMacro == nil || in01(*m.AUROCMacro))
	for _, c := range m.PerClass {
		ok = ok && in01(c.Precision) && in01(c.Recall) && in01(c.F1) && (c.AUROC == nil || in01(*c.AUROC))
	}
	if !ok {
		return errors.New("a metric lies outside [0, 1]")
	}
	return nil
}
