package logreg

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestFitSklearn compares the fit with scikit-learn's LogisticRegression
// (testdata/sklearn_reference.py, scikit-learn 1.2.1) on 75 rows of 3
// classes: coefficients and intercepts within 1e-6 of the exact optimum of
// the same objective (scipy L-BFGS-B to a gradient of 3e-9, kept in the
// file), and within 2e-4 of scikit-learn's own coefficients, which stop
// early (its L-BFGS stops on a relative decrease of 64·eps with a gradient
// near 3e-4); probabilities within 1e-4 of scikit-learn's. The unpenalised
// intercepts are defined up to a common shift; both fits start from 0, and
// the gradient's intercept components sum to 0, so both keep Σb = 0.
func TestFitSklearn(t *testing.T) {
	b, err := os.ReadFile("testdata/sklearn_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		X     [][]float64
		Y     []int
		Cases []struct {
			C           float64
			ClassWeight string `json:"class_weight"`
			Coef        [][]float64
			Intercept   []float64
			Proba       [][]float64
			OptCoef     [][]float64 `json:"optimum_coef"`
			OptInt      []float64   `json:"optimum_intercept"`
		}
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	for _, c := range ref.Cases {
		o := Options{C: c.C, GradientTol: 1e-10}
		if c.ClassWeight == "balanced" {
			o.ClassWeight = balanced(ref.Y, 3)
		}
		m, err := Fit(ref.X, ref.Y, 3, o)
		if err != nil {
			t.Fatal(err)
		}
		for k := range c.Coef {
			for j := range c.Coef[k] {
				if d := math.Abs(m.Coef[k][j] - c.OptCoef[k][j]); d > 1e-6 {
					t.Errorf("C=%g %s: coef[%d][%d] = %.9f, optimum %.9f", c.C, c.ClassWeight, k, j, m.Coef[k][j], c.OptCoef[k][j])
				}
				if d := math.Abs(m.Coef[k][j] - c.Coef[k][j]); d > 2e-4 {
					t.Errorf("C=%g %s: coef[%d][%d] = %.8f, sklearn %.8f", c.C, c.ClassWeight, k, j, m.Coef[k][j], c.Coef[k][j])
				}
			}
			if d := math.Abs(m.Intercept[k] - c.OptInt[k]); d > 1e-6 {
				t.Errorf("C=%g %s: intercept[%d] = %.9f, optimum %.9f", c.C, c.ClassWeight, k, m.Intercept[k], c.OptInt[k])
			}
			if d := math.Abs(m.Intercept[k] - c.Intercept[k]); d > 2e-4 {
				t.Errorf("C=%g %s: intercept[%d] = %.8f, sklearn %.8f", c.C, c.ClassWeight, k, m.Intercept[k], c.Intercept[k])
			}
		}
		p := make([]float64, 3)
		for i, want := range c.Proba {
			m.Proba(p, ref.X[i])
			for k := range want {
				if d := math.Abs(p[k] - want[k]); d > 1e-4 {
					t.Errorf("C=%g %s: row %d p[%d] = %.8f, sklearn %.8f", c.C, c.ClassWeight, i, k, p[k], want[k])
				}
			}
		}
		if err := m.Validate(3, 4); err != nil {
			t.Error(err)
		}
	}
}

// balanced is n/(k·n_c), scikit-learn's class_weight="balanced".
func balanced(y []int, k int) []float64 {
	n := make([]float64, k)
	for _, c := range y {
		n[c]++
	}
	w := make([]float64, k)
	for c := range w {
		w[c] = float64(len(y)) / (float64(k) * n[c])
	}
	return w
}

func TestFitErrors(t *testing.T) {
	x := [][]float64{{0}, {1}}
	if _, err := Fit(x, []int{0, 1}, 1, Options{}); err == nil {
		t.Error("one class: no error")
	}
	if _, err := Fit([][]float64{{math.NaN()}, {1}}, []int{0, 1}, 2, Options{}); err == nil {
		t.Error("NaN: no error")
	}
	if _, err := Fit(x, []int{0, 2}, 2, Options{}); err == nil {
		t.Error("class out of range: no error")
	}
	if _, err := Fit(x, []int{0, 1}, 2, Options{C: -1}); err == nil {
		t.Error("C < 0: no error")
	}
}

func TestValidate(t *testing.T) {
	m := &Model{Coef: [][]float64{{1, 2}, {3, 4}}, Intercept: []float64{0, 0}}
	if err := m.Validate(2, 2); err != nil {
		t.Error(err)
	}
	for _, bad := range []*Model{
		{Coef: [][]float64{{1, 2}}, Intercept: []float64{0, 0}},
		{Coef: [][]float64{{1, 2}, {3}}, Intercept: []float64{0, 0}},
		{Coef: [][]float64{{1, 2}, {3, math.Inf(1)}}, Intercept: []float64{0, 0}},
		{Coef: [][]float64{{1, 2}, {3, 4}}, Intercept: []float64{0, math.NaN()}},
	} {
		if bad.Validate(2, 2) == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
