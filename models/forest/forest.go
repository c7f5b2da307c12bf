package forest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// Options controls how a forest is grown.
type Options struct {
	// Trees is the number of trees (default 100).
	Trees int `json:"trees"`
	// MaxFeatures is the number of features tried at every split; 0 means
	// ⌊√p⌋ (at least 1), Breiman's default for classification.
	MaxFeatures int `json:"max_features"`
	// MinSamplesLeaf is the smallest number of distinct training rows in a
	// leaf (default 1).
	MinSamplesLeaf int `json:"min_samples_leaf"`
	// MaxDepth bounds the depth of every tree; 0 grows them until their
	// leaves are pure.
	MaxDepth int `json:"max_depth"`
	// ClassWeight multiplies the weight of every row of class c; nil gives
	// every class weight 1. Balanced returns the usual choice for
	// imbalanced data.
	ClassWeight []float64 `json:"class_weight,omitempty"`
	// Seed seeds the random streams (tree i uses the PCG stream (Seed, i)).
	Seed uint64 `json:"seed"`
	// Jobs bounds the goroutines that grow trees (0 or 1: one). The forest
	// does not depend on it.
	Jobs int `json:"-"`
}

// Node is one node of a tree. A split node sends a row x to Left when
// x[Feature] <= Threshold and to Right otherwise; a leaf (Feature -1)
// holds the class distribution of its training rows in Value (weights
// normalised to sum 1).
type Node struct {
	Feature   int       `json:"f"`
	Threshold float64   `json:"t,omitempty"`
	Left      int       `json:"l,omitempty"`
	Right     int       `json:"r,omitempty"`
	Value     []float64 `json:"v,omitempty"`
}

// Tree is one classification tree; Nodes[0] is the root and every child
// index is larger than its parent's.
type Tree struct {
	Nodes []Node `json:"nodes"`
}

// Forest is a trained random forest.
type Forest struct {
	// Classes and Features are the sizes the forest was trained with.
	Classes  int    `json:"classes"`
	Features int    `json:"features"`
	Trees    []Tree `json:"trees"`
	// Importance is the impurity (mean decrease in Gini) importance of
	// every feature: per tree the weighted impurity decrease of the splits
	// on it, normalised to sum 1, then averaged over the trees and
	// normalised again (Breiman 2001; scikit-learn's feature_importances_).
	Importance []float64 `json:"impurity_importance"`
}

// Balanced returns class weights n/(k·n_c) for the labels y of k classes
// (King & Zeng 2001; scikit-learn's class_weight="balanced"): every class
// then carries the same total weight. A class absent from y gets weight 0.
func Balanced(y []int, k int) []float64 {
	count := make([]float64, k)
	for _, c := range y {
		count[c]++
	}
	w := make([]float64, k)
	for c := range w {
		if count[c] > 0 {
			w[c] = float64(len(y)) / (float64(k) * count[c])
		}
	}
	return w
}

// Train grows a forest on the rows x (each of the same length, finite) with
// labels y in [0, classes). It stops between trees when ctx is done and
// returns ctx's error.
func Train(ctx context.Context, x [][]float64, y []int, classes int, o Options) (*Forest, error) {
	n := len(x)
	if n == 0 {
		return nil, errors.New("forest: no training rows")
	}
	if len(y) != n {
		panic(fmt.Sprintf("forest: %d rows, %d labels", n, len(y)))
	}
	if classes < 1 {
		return nil, fmt.Errorf("forest: %d classes", classes)
	}
	p := len(x[0])
	if p == 0 {
		return nil, errors.New("forest: no features")
	}
	// Column-major copy: the split search reads one feature at a time.
	cols := make([][]float64, p)
	for j := range cols {
		cols[j] = make([]float64, n)
	}
	for i, row := range x {
		if len(row) != p {
			panic(fmt.Sprintf("forest: row %d has %d features, want %d", i, len(row), p))
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("forest: row %d feature %d is %v (impute missing values first)", i, j, v)
			}
			cols[j][i] = v
		}
	}
	for i, c := range y {
		if c < 0 || c >= classes {
			return nil, fmt.Errorf("forest: row %d has class %d, want 0..%d", i, c, classes-1)
		}
	}
	if o.Trees == 0 {
		o.Trees = 100
	}
	if o.Trees < 0 {
		return nil, fmt.Errorf("forest: %d trees", o.Trees)
	}
	if o.MaxFeatures == 0 {
		o.MaxFeatures = max(1, int(math.Sqrt(float64(p))))
	}
	if o.MaxFeatures < 0 || o.MaxFeatures > p {
		return nil, fmt.Errorf("forest: max features %d, want 1..%d", o.MaxFeatures, p)
	}
	if o.MinSamplesLeaf == 0 {
		o.MinSamplesLeaf = 1
	}
	if o.MinSamplesLeaf < 0 || o.MaxDepth < 0 {
		return nil, errors.New("forest: negative min samples per leaf or depth")
	}
	if o.ClassWeight != nil && len(o.ClassWeight) != classes {
		return nil, fmt.Errorf("forest: %d class weights for %d classes", len(o.ClassWeight), classes)
	}
	for _, w := range o.ClassWeight {
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("forest: class weight %v", w)
		}
	}

	f := &Forest{Classes: classes, Features: p, Trees: make([]Tree, o.Trees)}
	imp := make([][]float64, o.Trees)
	jobs := max(1, min(o.Jobs, o.Trees))
	next := make(chan int)
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := newGrower(cols, y, classes, &o)
			for t := range next {
				f.Trees[t], imp[t] = g.grow(t)
			}
		}()
	}
feed:
	for t := range o.Trees {
		select {
		case next <- t:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	f.Importance = make([]float64, p)
	for _, ti := range imp {
		s := 0.0
		for _, v := range ti {
			s += v
		}
		if s > 0 {
			for j, v := range ti {
				f.Importance[j] += v / s
			}
		}
	}
	normalise(f.Importance)
	return f, nil
}

// normalise scales v to sum 1 (unless it sums to 0).
func normalise(v []float64) {
	s := 0.0
	for _, x := range v {
		s += x
	}
	if s > 0 {
		for j := range v {
			v[j] /= s
		}
	}
}

// grower grows trees; it belongs to one goroutine.
type grower struct {
	cols    [][]float64
	y       []int
	classes int
	o       *Options

	weight []float64 // weight of every row in the current tree
	imp    []float64 // impurity decrease per feature in the current tree
	order  []int     // feature order scratch
	sorted []int     // row order scratch
	left   []float64 // class weights left of a candidate split
	right  []float64
	total  []float64
	rng    *rand.Rand
	nodes  []Node
}

func newGrower(cols [][]float64, y []int, classes int, o *Options) *grower {
	n := len(y)
	return &grower{cols: cols, y: y, classes: classes, o: o,
		weight: make([]float64, n), order: make([]int, len(cols)), sorted: make([]int, n),
		left: make([]float64, classes), right: make([]float64, classes), total: make([]float64, classes)}
}

// grow grows tree t and returns it with its per-feature impurity decrease.
func (g *grower) grow(t int) (Tree, []float64) {
	g.rng = rand.New(rand.NewPCG(g.o.Seed, uint64(t)))
	n := len(g.y)
	clear(g.weight)
	for range n {
		g.weight[g.rng.IntN(n)]++
	}
	var rows []int
	for i, c := range g.y {
		if g.weight[i] > 0 {
			if g.o.ClassWeight != nil {
				g.weight[i] *= g.o.ClassWeight[c]
			}
			rows = append(rows, i)
		}
	}
	g.imp = make([]float64, len(g.cols))
	g.nodes = nil
	g.node(rows, 0)
	return Tree{Nodes: g.nodes}, g.imp
}

// node appends the subtree of rows (which it reorders) and returns its
// index.
func (g *grower) node(rows []int, depth int) int {
	id := len(g.nodes)
	g.nodes = append(g.nodes, Node{Feature: -1})
	clear(g.total)
	for _, i := range rows {
		g.total[g.y[i]] += g.weight[i]
	}
	w := 0.0
	pure := 0
	for _, v := range g.total {
		w += v
		if v > 0 {
			pure++
		}
	}
	leaf := func() int {
		v := make([]float64, g.classes)
		if w > 0 {
			for c := range v {
				v[c] = g.total[c] / w
			}
		}
		g.nodes[id].Value = v
		return id
	}
	if pure <= 1 || len(rows) < 2*g.o.MinSamplesLeaf || (g.o.MaxDepth > 0 && depth >= g.o.MaxDepth) {
		return leaf()
	}
	feat, thr, gain := g.bestSplit(rows, w)
	if feat < 0 {
		return leaf()
	}
	g.imp[feat] += gain
	// Partition rows in place: x <= thr first.
	col := g.cols[feat]
	k := 0
	for j, i := range rows {
		if col[i] <= thr {
			rows[k], rows[j] = rows[j], rows[k]
			k++
		}
	}
	g.nodes[id].Feature, g.nodes[id].Threshold = feat, thr
	l := g.node(rows[:k], depth+1)
	r := g.node(rows[k:], depth+1)
	g.nodes[id].Left, g.nodes[id].Right = l, r
	return id
}

// bestSplit returns the split of largest Gini decrease among MaxFeatures
// random features (more if none of those can split, as in CART), or
// feature -1. The gain is W·G(node) − W_L·G(left) − W_R·G(right) with
// G = 1 − Σ p_c² and W the weight (Breiman et al. 1984).
func (g *grower) bestSplit(rows []int, w float64) (feat int, thr, gain float64) {
	for j := range g.order {
		g.order[j] = j
	}
	g.rng.Shuffle(len(g.order), func(a, b int) { g.order[a], g.order[b] = g.order[b], g.order[a] })
	sq := 0.0
	for _, v := range g.total {
		sq += v * v
	}
	parent := w - sq/w // W·G(node)
	feat, best := -1, 0.0
	minLeaf := g.o.MinSamplesLeaf
	s := g.sorted[:len(rows)]
	for tried, j := range g.order {
		if tried >= g.o.MaxFeatures && feat >= 0 {
			break
		}
		col := g.cols[j]
		copy(s, rows)
		slices.SortFunc(s, func(a, b int) int {
			if col[a] < col[b] {
				return -1
			}
			if col[a] > col[b] {
				return 1
			}
			return a - b
		})
		if col[s[0]] == col[s[len(s)-1]] {
			continue
		}
		clear(g.left)
		copy(g.right, g.total)
		wl, wr := 0.0, w
		for k := 0; k < len(s)-1; k++ {
			i := s[k]
			c := g.y[i]
			g.left[c] += g.weight[i]
			g.right[c] -= g.weight[i]
			wl += g.weight[i]
			wr -= g.weight[i]
			if k+1 < minLeaf || len(s)-k-1 < minLeaf || col[s[k+1]] == col[i] || wl <= 0 || wr <= 0 {
				continue
			}
			sl, sr := 0.0, 0.0
			for c := range g.left {
				sl += g.left[c] * g.left[c]
				sr += g.right[c] * g.right[c]
			}
			d := parent - (wl - sl/wl) - (wr - sr/wr)
			if d > best {
				best, feat = d, j
				thr = col[i]/2 + col[s[k+1]]/2
				if thr == col[s[k+1]] { // the two values are adjacent floats
					thr = col[i]
				}
			}
		}
	}
	return feat, thr, best
}

// Proba writes into dst (length Classes) the class probabilities of row x:
// the mean over the trees of the class distribution of the leaf x falls in.
func (f *Forest) Proba(dst, x []float64) {
	clear(dst)
	for t := range f.Trees {
		v := f.Trees[t].leaf(x)
		for c, p := range v {
			dst[c] += p
		}
	}
	for c := range dst {
		dst[c] /= float64(len(f.Trees))
	}
}

// leaf returns the class distribution of the leaf x falls in.
func (t *Tree) leaf(x []float64) []float64 {
	k := 0
	for {
		nd := &t.Nodes[k]
		if nd.Feature < 0 {
			return nd.Value
		}
		if x[nd.Feature] <= nd.Threshold {
			k = nd.Left
		} else {
			k = nd.Right
		}
	}
}

// Validate checks a forest read from a file: sizes, feature indices, child
// links that only point forward (so every walk ends) and leaf
// distributions. It never panics on bad data.
func (f *Forest) Validate() error {
	if f.Classes < 1 || f.Features < 1 {
		return fmt.Errorf("forest: %d classes, %d features", f.Classes, f.Features)
	}
	if len(f.Trees) == 0 {
		return errors.New("forest: no trees")
	}
	if len(f.Importance) != f.Features {
		return fmt.Errorf("forest: %d importances for %d features", len(f.Importance), f.Features)
	}
	for j, v := range f.Importance {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("forest: importance of feature %d is %v", j, v)
		}
	}
	for ti, t := range f.Trees {
		if len(t.Nodes) == 0 {
			return fmt.Errorf("forest: tree %d has no nodes", ti)
		}
		for k, nd := range t.Nodes {
			if nd.Feature < 0 {
				if nd.Feature != -1 || len(nd.Value) != f.Classes || nd.Left != 0 || nd.Right != 0 {
					return fmt.Errorf("forest: tree %d node %d: bad leaf", ti, k)
				}
				for _, v := range nd.Value {
					if !(v >= 0 && v <= 1) {
						return fmt.Errorf("forest: tree %d node %d: probability %v", ti, k, v)
					}
				}
				continue
			}
			if nd.Feature >= f.Features || nd.Value != nil ||
				nd.Left <= k || nd.Right <= k || nd.Left >= len(t.Nodes) || nd.Right >= len(t.Nodes) ||
				math.IsNaN(nd.Threshold) || math.IsInf(nd.Threshold, 0) {
				return fmt.Errorf("forest: tree %d node %d: bad split", ti, k)
			}
		}
	}
	return nil
}
