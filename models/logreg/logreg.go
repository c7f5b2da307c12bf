package logreg

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// Options controls the fit.
type Options struct {
	// C is the inverse of the L2 penalty strength (default 1), as in
	// scikit-learn's LogisticRegression: the objective is
	// C·Σ_i w_i·(−log p_i,y_i) + ½·‖W‖², the intercepts not penalised.
	C float64 `json:"c"`
	// ClassWeight multiplies the loss of every row of class c (w_i above);
	// nil gives weight 1.
	ClassWeight []float64 `json:"class_weight,omitempty"`
	// MaxIterations bounds the L-BFGS iterations (default 1000).
	MaxIterations int `json:"max_iterations"`
	// GradientTol stops the fit when the largest gradient component of the
	// objective divided by Σ w_i falls below it (default 1e-8).
	GradientTol float64 `json:"gradient_tol"`
}

// Model is a fitted multinomial logistic regression: the probability of
// class c for a row x is softmax(W·x + b)_c.
type Model struct {
	// Coef holds W, one row of weights per class.
	Coef [][]float64 `json:"coef"`
	// Intercept holds b, one per class.
	Intercept []float64 `json:"intercept"`
	// Iterations is the number of L-BFGS iterations the fit took.
	Iterations int `json:"iterations"`
}

// Fit fits the model to the rows x (finite, standardised) with labels y in
// [0, classes).
func Fit(x [][]float64, y []int, classes int, o Options) (*Model, error) {
	n := len(x)
	if n == 0 {
		return nil, errors.New("logreg: no training rows")
	}
	if len(y) != n {
		panic(fmt.Sprintf("logreg: %d rows, %d labels", n, len(y)))
	}
	if classes < 2 {
		return nil, fmt.Errorf("logreg: %d classes, want at least 2", classes)
	}
	p := len(x[0])
	for i, row := range x {
		if len(row) != p {
			panic(fmt.Sprintf("logreg: row %d has %d features, want %d", i, len(row), p))
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("logreg: row %d feature %d is %v (impute missing values first)", i, j, v)
			}
		}
		if y[i] < 0 || y[i] >= classes {
			return nil, fmt.Errorf("logreg: row %d has class %d, want 0..%d", i, y[i], classes-1)
		}
	}
	if o.C == 0 {
		o.C = 1
	}
	if !(o.C > 0) || math.IsInf(o.C, 0) {
		return nil, fmt.Errorf("logreg: C = %v, want > 0", o.C)
	}
	if o.MaxIterations == 0 {
		o.MaxIterations = 1000
	}
	if o.GradientTol == 0 {
		o.GradientTol = 1e-8
	}
	if o.ClassWeight != nil && len(o.ClassWeight) != classes {
		return nil, fmt.Errorf("logreg: %d class weights for %d classes", len(o.ClassWeight), classes)
	}
	w := make([]float64, n)
	sw := 0.0
	for i, c := range y {
		w[i] = 1
		if o.ClassWeight != nil {
			w[i] = o.ClassWeight[c]
		}
		sw += w[i]
	}
	if !(sw > 0) {
		return nil, errors.New("logreg: all rows have weight 0")
	}
	// The objective is divided by C·Σw so that its scale does not depend
	// on the number of rows; the minimiser is the same.
	scale := 1 / (o.C * sw)
	k := classes
	np := k * (p + 1) // per class: p weights, then the intercept
	z := make([]float64, k)
	objective := func(grad, theta []float64) float64 {
		if grad != nil {
			clear(grad)
		}
		loss := 0.0
		for i, row := range x {
			for c := range k {
				t := theta[c*(p+1) : (c+1)*(p+1)]
				s := t[p]
				for j, v := range row {
					s += t[j] * v
				}
				z[c] = s
			}
			lse := logSumExp(z)
			loss += w[i] * (lse - z[y[i]])
			if grad == nil {
				continue
			}
			for c := range k {
				r := math.Exp(z[c] - lse)
				if c == y[i] {
					r--
				}
				r *= w[i]
				g := grad[c*(p+1) : (c+1)*(p+1)]
				for j, v := range row {
					g[j] += r * v
				}
				g[p] += r
			}
		}
		pen := 0.0
		for c := range k {
			t := theta[c*(p+1) : (c+1)*(p+1)]
			for j := range p {
				pen += t[j] * t[j]
				if grad != nil {
					grad[c*(p+1)+j] = grad[c*(p+1)+j]*o.C*scale + t[j]*scale
				}
			}
			if grad != nil {
				grad[c*(p+1)+p] *= o.C * scale
			}
		}
		return o.C*scale*loss + scale*pen/2
	}
	prob := optimize.Problem{
		Func: func(theta []float64) float64 { return objective(nil, theta) },
		Grad: func(grad, theta []float64) { objective(grad, theta) },
	}
	settings := &optimize.Settings{
		GradientThreshold: o.GradientTol,
		MajorIterations:   o.MaxIterations,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-300, Iterations: o.MaxIterations},
	}
	res, err := optimize.Minimize(prob, make([]float64, np), settings, &optimize.LBFGS{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("logreg: %w", err)
	}
	// Near the optimum the line search can fail at the limit of float64
	// precision; the fit is accepted when the gradient is small anyway.
	g := make([]float64, np)
	objective(g, res.X)
	gmax := 0.0
	for _, v := range g {
		gmax = max(gmax, math.Abs(v))
	}
	if res.Status != optimize.GradientThreshold && gmax > 100*o.GradientTol {
		if err != nil {
			return nil, fmt.Errorf("logreg: L-BFGS stopped (%v, gradient %.2g): %w", res.Status, gmax, err)
		}
		return nil, fmt.Errorf("logreg: L-BFGS did not converge (%v after %d iterations)", res.Status, res.Stats.MajorIterations)
	}
	m := &Model{Coef: make([][]float64, k), Intercept: make([]float64, k), Iterations: res.Stats.MajorIterations}
	for c := range k {
		m.Coef[c] = append([]float64(nil), res.X[c*(p+1):c*(p+1)+p]...)
		m.Intercept[c] = res.X[c*(p+1)+p]
	}
	return m, nil
}

// logSumExp returns log Σ exp(z), computed without overflow.
func logSumExp(z []float64) float64 {
	m := math.Inf(-1)
	for _, v := range z {
		m = max(m, v)
	}
	s := 0.0
	for _, v := range z {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

// Proba writes into dst (one per class) the class probabilities of the
// standardised row x.
func (m *Model) Proba(dst, x []float64) {
	for c, t := range m.Coef {
		s := m.Intercept[c]
		for j, v := range x {
			s += t[j] * v
		}
		dst[c] = s
	}
	lse := logSumExp(dst)
	for c := range dst {
		dst[c] = math.Exp(dst[c] - lse)
	}
}

// Validate checks a model read from a file for classes classes and
// features features. It never panics on bad data.
func (m *Model) Validate(classes, features int) error {
	if len(m.Coef) != classes || len(m.Intercept) != classes {
		return fmt.Errorf("logreg: %d coefficient rows and %d intercepts for %d classes", len(m.Coef), len(m.Intercept), classes)
	}
	for c, row := range m.Coef {
		if len(row) != features {
			return fmt.Errorf("logreg: class %d has %d coefficients for %d features", c, len(row), features)
		}
		if v := m.Intercept[c]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("logreg: class %d: intercept %v", c, v)
		}
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("logreg: class %d: coefficient %v", c, v)
			}
		}
	}
	return nil
}
