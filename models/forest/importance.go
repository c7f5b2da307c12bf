package forest

import "math/rand/v2"

// PermutationImportance returns, for every feature, the mean decrease of
// the balanced accuracy (mean per-class recall) of the forest on the rows
// x with labels y when that feature's column is shuffled, over repeats
// shuffles seeded by seed (Breiman 2001 §10; scikit-learn's
// permutation_importance). Measured on held-out rows it says what the
// forest relies on; on training rows it overstates.
func (f *Forest) PermutationImportance(x [][]float64, y []int, repeats int, seed uint64) []float64 {
	imp := make([]float64, f.Features)
	if len(x) == 0 || repeats < 1 {
		return imp
	}
	base := f.balancedAccuracy(x, y)
	rng := rand.New(rand.NewPCG(seed, 0))
	perm := make([][]float64, len(x))
	for i := range x {
		perm[i] = append([]float64(nil), x[i]...)
	}
	col := make([]float64, len(x))
	for j := range imp {
		for i := range x {
			col[i] = x[i][j]
		}
		for range repeats {
			rng.Shuffle(len(col), func(a, b int) { col[a], col[b] = col[b], col[a] })
			for i := range perm {
				perm[i][j] = col[i]
			}
			imp[j] += base - f.balancedAccuracy(perm, y)
		}
		imp[j] /= float64(repeats)
		for i := range perm {
			perm[i][j] = x[i][j]
		}
	}
	return imp
}

// balancedAccuracy is the mean recall over the classes present in y of
// the forest's most probable class.
func (f *Forest) balancedAccuracy(x [][]float64, y []int) float64 {
	hit := make([]float64, f.Classes)
	n := make([]float64, f.Classes)
	p := make([]float64, f.Classes)
	for i, row := range x {
		f.Proba(p, row)
		n[y[i]]++
		if Argmax(p) == y[i] {
			hit[y[i]]++
		}
	}
	s, k := 0.0, 0
	for c := range n {
		if n[c] > 0 {
			s += hit[c] / n[c]
			k++
		}
	}
	return s / float64(k)
}

// Argmax returns the index of the largest value of p, the first on ties.
func Argmax(p []float64) int {
	best := 0
	for c, v := range p {
		if v > p[best] {
			best = c
		}
	}
	return best
}
