package forest

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// blobs returns n rows of p features: class c's rows are Gaussian around
// c·sep on feature 0 and pure noise elsewhere.
func blobs(rng *rand.Rand, sizes []int, p int, sep float64) ([][]float64, []int) {
	var x [][]float64
	var y []int
	for c, n := range sizes {
		for range n {
			row := make([]float64, p)
			for j := range row {
				row[j] = rng.NormFloat64()
			}
			row[0] += float64(c) * sep
			x = append(x, row)
			y = append(y, c)
		}
	}
	return x, y
}

func accuracy(f *Forest, x [][]float64, y []int) float64 {
	p := make([]float64, f.Classes)
	hit := 0
	for i := range x {
		f.Proba(p, x[i])
		if Argmax(p) == y[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(x))
}

func TestSeparable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := blobs(rng, []int{50, 50, 50}, 5, 10)
	f, err := Train(context.Background(), x, y, 3, Options{Trees: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	xt, yt := blobs(rng, []int{50, 50, 50}, 5, 10)
	if a := accuracy(f, xt, yt); a < 0.99 {
		t.Errorf("accuracy on separable test data %.3f, want >= 0.99", a)
	}
	// The one informative feature carries most of the impurity decrease.
	if f.Importance[0] < 0.5 {
		t.Errorf("importance %.3f of the informative feature, want > 0.5 (%v)", f.Importance[0], f.Importance)
	}
	perm := f.PermutationImportance(xt, yt, 3, 1)
	if perm[0] < 0.4 {
		t.Errorf("permutation importance %.3f of the informative feature, want > 0.4", perm[0])
	}
	for j := 1; j < 5; j++ {
		if math.Abs(perm[j]) > 0.05 {
			t.Errorf("permutation importance %.3f of noise feature %d, want ~0", perm[j], j)
		}
	}
	if err := f.Validate(); err != nil {
		t.Error(err)
	}
}

// TestXOR: class = sign(x0) xor sign(x1), which no single split separates
// and a linear model cannot learn at all; depth-2 interactions can.
func TestXOR(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	gen := func(n int) ([][]float64, []int) {
		x := make([][]float64, n)
		y := make([]int, n)
		for i := range x {
			a, b := rng.Float64()*2-1, rng.Float64()*2-1
			x[i] = []float64{a, b, rng.Float64()}
			if (a > 0) != (b > 0) {
				y[i] = 1
			}
		}
		return x, y
	}
	x, y := gen(400)
	f, err := Train(context.Background(), x, y, 2, Options{Trees: 50, MaxFeatures: 2, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	xt, yt := gen(400)
	if a := accuracy(f, xt, yt); a < 0.95 {
		t.Errorf("XOR accuracy %.3f, want >= 0.95", a)
	}
}

// TestClassWeights: with 95 % of the rows in class 0 and overlapping
// classes, balanced weights raise the recall of the rare class.
func TestClassWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x, y := blobs(rng, []int{950, 50}, 3, 1.5)
	xt, yt := blobs(rng, []int{950, 50}, 3, 1.5)
	recall := func(o Options) float64 {
		f, err := Train(context.Background(), x, y, 2, o)
		if err != nil {
			t.Fatal(err)
		}
		p := make([]float64, 2)
		hit, n := 0, 0
		for i := range xt {
			if yt[i] != 1 {
				continue
			}
			n++
			f.Proba(p, xt[i])
			if Argmax(p) == 1 {
				hit++
			}
		}
		return float64(hit) / float64(n)
	}
	// Leaves of 20 rows keep probabilities soft, where weights matter.
	plain := recall(Options{Trees: 30, Seed: 1, MinSamplesLeaf: 20})
	weighted := recall(Options{Trees: 30, Seed: 1, MinSamplesLeaf: 20, ClassWeight: Balanced(y, 2)})
	if weighted < plain+0.2 {
		t.Errorf("rare-class recall %.2f with balanced weights, %.2f without: want at least 0.2 more", weighted, plain)
	}
	if w := Balanced(y, 2); math.Abs(w[0]-1000.0/1900) > 1e-12 || math.Abs(w[1]-10) > 1e-12 {
		t.Errorf("Balanced = %v, want [0.526 10]", w)
	}
}

// TestDeterministic: the same seed gives the same forest, byte for byte as
// JSON, whatever the number of goroutines; another seed another forest.
func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	x, y := blobs(rng, []int{60, 40, 30}, 8, 1)
	enc := func(o Options) string {
		f, err := Train(context.Background(), x, y, 3, o)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	one := enc(Options{Trees: 16, Seed: 42, Jobs: 1})
	if two := enc(Options{Trees: 16, Seed: 42, Jobs: 2}); two != one {
		t.Error("jobs 1 and 2 give different forests")
	}
	if four := enc(Options{Trees: 16, Seed: 42, Jobs: 4}); four != one {
		t.Error("jobs 1 and 4 give different forests")
	}
	if other := enc(Options{Trees: 16, Seed: 43, Jobs: 2}); other == one {
		t.Error("seeds 42 and 43 give the same forest")
	}
	var f Forest
	if err := json.Unmarshal([]byte(one), &f); err != nil {
		t.Fatal(err)
	}
	back, _ := json.Marshal(&f)
	if string(back) != one {
		t.Error("JSON does not round-trip")
	}
}

// TestSplitThreshold: on one feature with values 1, 2 | 3, 4 every root
// splits half-way between the in-bag values on either side of the class
// boundary, as CART does: 2.5 when 2 and 3 are in the bootstrap sample,
// 2 (half-way from 1 to 3) or 3 (from 2 to 4) when one of them is not.
func TestSplitThreshold(t *testing.T) {
	x := [][]float64{{1}, {2}, {3}, {4}}
	y := []int{0, 0, 1, 1}
	f, err := Train(context.Background(), x, y, 2, Options{Trees: 40, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	mid := 0
	for i, tr := range f.Trees {
		root := tr.Nodes[0]
		if root.Feature < 0 {
			continue // a bootstrap sample of one class only
		}
		switch root.Threshold {
		case 2.5:
			mid++
		case 2, 3:
		default:
			t.Errorf("tree %d: root threshold %g, want 2, 2.5 or 3", i, root.Threshold)
		}
	}
	if mid == 0 {
		t.Error("no tree split at 2.5")
	}
}

func TestTrainCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := [][]float64{{1}, {2}}
	if _, err := Train(ctx, x, []int{0, 1}, 2, Options{Trees: 1000}); err != context.Canceled {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}

func TestTrainErrors(t *testing.T) {
	x := [][]float64{{1}, {2}}
	cases := []struct {
		x [][]float64
		y []int
		o Options
	}{
		{nil, nil, Options{}},
		{[][]float64{{math.NaN()}, {1}}, []int{0, 1}, Options{}},
		{x, []int{0, 5}, Options{}},
		{x, []int{0, 1}, Options{MaxFeatures: 3}},
		{x, []int{0, 1}, Options{ClassWeight: []float64{1}}},
		{x, []int{0, 1}, Options{ClassWeight: []float64{1, math.NaN()}}},
		{x, []int{0, 1}, Options{Trees: -1}},
	}
	for i, c := range cases {
		if _, err := Train(context.Background(), c.x, c.y, 2, c.o); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	good := func() *Forest {
		return &Forest{Classes: 2, Features: 1, Importance: []float64{1}, Trees: []Tree{{Nodes: []Node{
			{Feature: 0, Threshold: 1, Left: 1, Right: 2},
			{Feature: -1, Value: []float64{1, 0}},
			{Feature: -1, Value: []float64{0, 1}},
		}}}}
	}
	if err := good().Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []func(f *Forest){
		func(f *Forest) { f.Trees[0].Nodes[0].Left = 0 },  // loop
		func(f *Forest) { f.Trees[0].Nodes[0].Right = 3 }, // out of range
		func(f *Forest) { f.Trees[0].Nodes[0].Feature = 1 },
		func(f *Forest) { f.Trees[0].Nodes[0].Feature = -2 },
		func(f *Forest) { f.Trees[0].Nodes[1].Value = []float64{1} },
		func(f *Forest) { f.Trees[0].Nodes[1].Value = []float64{math.NaN(), 1} },
		func(f *Forest) { f.Trees[0].Nodes[0].Threshold = math.Inf(1) },
		func(f *Forest) { f.Trees = nil },
		func(f *Forest) { f.Trees[0].Nodes = nil },
		func(f *Forest) { f.Importance = nil },
		func(f *Forest) { f.Classes = 0 },
	}
	for i, mutate := range bad {
		f := good()
		mutate(f)
		if f.Validate() == nil {
			t.Errorf("mutation %d: no error", i)
		}
	}
	// A validated forest never loops or indexes out of range.
	p := make([]float64, 2)
	good().Proba(p, []float64{0})
	if !reflect.DeepEqual(p, []float64{1, 0}) {
		t.Errorf("Proba = %v", p)
	}
}

// BenchmarkTrain grows 100 trees on 1000 rows × 60 features (4 classes,
// 10 informative features), one goroutine.
func BenchmarkTrain(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([][]float64, 1000)
	y := make([]int, 1000)
	for i := range x {
		y[i] = i % 4
		x[i] = make([]float64, 60)
		for j := range x[i] {
			x[i][j] = rng.NormFloat64()
			if j < 10 {
				x[i][j] += float64((y[i]+j)%4) * 0.7
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Train(context.Background(), x, y, 4, Options{Trees: 100, Seed: 1, Jobs: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
