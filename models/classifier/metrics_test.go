package classifier

import (
	"math"
	"reflect"
	"testing"
)

// TestAUROCTies: positives 0.35, 0.8, 0.4 against negatives 0.1, 0.4:
// of the 6 pairs the positive wins 4 and ties 1, so AUROC = 4.5/6 = 0.75
// (counted by hand; the tie is 0.4 against 0.4).
func TestAUROCTies(t *testing.T) {
	score := []float64{0.1, 0.4, 0.35, 0.8, 0.4}
	pos := []bool{false, false, true, true, true}
	a, ok := AUROC(score, pos)
	if !ok || a != 0.75 {
		t.Errorf("AUROC = %v, %v; want 0.75", a, ok)
	}
	// All tied: 0.5.
	if a, _ := AUROC([]float64{1, 1, 1}, []bool{true, false, false}); a != 0.5 {
		t.Errorf("all tied: AUROC = %v, want 0.5", a)
	}
	if a, _ := AUROC([]float64{0.9, 0.1}, []bool{false, true}); a != 0 {
		t.Errorf("reversed: AUROC = %v, want 0", a)
	}
	if _, ok := AUROC([]float64{1, 2}, []bool{true, true}); ok {
		t.Error("no negatives: AUROC defined")
	}
}

// TestEvaluateByHand: truth 0,0,1,1,2 predicted 0,1,1,1,0.
// Class 0: P = 1/2, R = 1/2, F1 = 1/2; class 1: P = 2/3, R = 1, F1 = 0.8;
// class 2: never predicted, P = R = F1 = 0. Macro-F1 = 1.3/3, balanced
// accuracy (1/2 + 1 + 0)/3 = 1/2, accuracy 3/5.
func TestEvaluateByHand(t *testing.T) {
	y := []int{0, 0, 1, 1, 2}
	proba := [][]float64{
		{0.6, 0.3, 0.1},
		{0.2, 0.5, 0.3},
		{0.1, 0.8, 0.1},
		{0.3, 0.4, 0.3},
		{0.5, 0.1, 0.4},
	}
	m := Evaluate([]string{"a", "b", "c"}, y, proba)
	if want := [][]int{{1, 1, 0}, {0, 2, 0}, {1, 0, 0}}; !reflect.DeepEqual(m.Confusion, want) {
		t.Errorf("confusion %v, want %v", m.Confusion, want)
	}
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("P(a)", m.PerClass[0].Precision, 0.5)
	near("R(a)", m.PerClass[0].Recall, 0.5)
	near("F1(b)", m.PerClass[1].F1, 0.8)
	near("P(c)", m.PerClass[2].Precision, 0)
	near("macro-F1", m.MacroF1, 1.3/3)
	near("balanced accuracy", m.BalancedAccuracy, 0.5)
	near("accuracy", m.Accuracy, 0.6)
	// AUROC of class c: its one positive (0.4) is above 0.1, 0.3, 0.1, 0.3:
	// 1. Class a: positives 0.6, 0.2 vs 0.1, 0.3, 0.5 → (3 + 1)/6.
	near("AUROC(c)", *m.PerClass[2].AUROC, 1)
	near("AUROC(a)", *m.PerClass[0].AUROC, 4.0/6)
	if m.PerClass[2].Support != 1 || m.Rows != 5 {
		t.Errorf("support %d, rows %d", m.PerClass[2].Support, m.Rows)
	}
}

// TestEvaluateAbsentClass: a class neither true nor predicted does not
// enter the macro averages, and its AUROC is null.
func TestEvaluateAbsentClass(t *testing.T) {
	m := Evaluate([]string{"a", "b", "c"}, []int{0, 1}, [][]float64{{1, 0, 0}, {0, 1, 0}})
	if m.MacroF1 != 1 || m.BalancedAccuracy != 1 {
		t.Errorf("macro-F1 %v, balanced accuracy %v, want 1", m.MacroF1, m.BalancedAccuracy)
	}
	if m.PerClass[2].AUROC != nil || m.AUROCMacro == nil || *m.AUROCMacro != 1 {
		t.Errorf("AUROC %v, macro %v", m.PerClass[2].AUROC, m.AUROCMacro)
	}
}
