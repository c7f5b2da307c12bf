package classifier

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestGroupedSplitsNeverLeak: on random tables where every recording lies
// in one group, leave-one-group-out and grouped k-fold put every row in a
// fold, every group in exactly one fold, and no recording on both sides.
func TestGroupedSplitsNeverLeak(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		nGroups := 2 + rng.IntN(8)
		nRecs := nGroups + rng.IntN(20)
		recGroup := make([]string, nRecs)
		for r := range recGroup {
			g := r
			if r >= nGroups { // every group has at least one recording
				g = rng.IntN(nGroups)
			}
			recGroup[r] = fmt.Sprint(g)
		}
		n := nRecs + rng.IntN(100)
		groups := make([]string, n)
		recs := make([]string, n)
		for i := range groups {
			r := i
			if i >= nRecs {
				r = rng.IntN(nRecs)
			}
			recs[i] = fmt.Sprintf("rec%d", r)
			groups[i] = recGroup[r]
		}
		k := 2 + rng.IntN(nGroups-1)
		logo, err := LeaveOneGroupOut(groups, nil)
		if err != nil {
			t.Fatal(err)
		}
		kf, err := GroupKFold(groups, k, nil)
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]*Split{"logo": logo, "kfold": kf} {
			if l := s.Leaks(recs); len(l) != 0 {
				t.Fatalf("trial %d %s: recordings %v on both sides", trial, name, l)
			}
			foldOf := map[string]int{}
			count := make([]int, len(s.Names))
			for i, f := range s.Fold {
				if f < 0 || f >= len(s.Names) {
					t.Fatalf("trial %d %s: row %d in fold %d", trial, name, i, f)
				}
				count[f]++
				if g, ok := foldOf[groups[i]]; ok && g != f {
					t.Fatalf("trial %d %s: group %s in folds %d and %d", trial, name, groups[i], g, f)
				}
				foldOf[groups[i]] = f
			}
			for f, c := range count {
				if c == 0 {
					t.Fatalf("trial %d %s: fold %d empty", trial, name, f)
				}
			}
		}
		if len(logo.Names) != nGroups || len(kf.Names) != k {
			t.Fatalf("trial %d: %d and %d folds, want %d and %d", trial, len(logo.Names), len(kf.Names), nGroups, k)
		}
	}
}

// TestLeaksFound: a recording split across groups is reported.
func TestLeaksFound(t *testing.T) {
	s, err := LeaveOneGroupOut([]string{"a", "a", "b", "b"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l := s.Leaks([]string{"r1", "r2", "r2", "r3"}); !reflect.DeepEqual(l, []string{"r2"}) {
		t.Errorf("Leaks = %v, want [r2]", l)
	}
}

func TestLeaveOneGroupOutOrder(t *testing.T) {
	s, err := LeaveOneGroupOut([]string{"0.021", "0.007", "0.014", "10", "2"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"0.007", "0.014", "0.021", "2", "10"}; !reflect.DeepEqual(s.Names, want) {
		t.Errorf("folds %v, want numeric order %v", s.Names, want)
	}
	if _, err := LeaveOneGroupOut([]string{"a", ""}, nil); err == nil {
		t.Error("a row without group: no error")
	}
	if _, err := LeaveOneGroupOut([]string{"a", "a"}, nil); err == nil {
		t.Error("one group: no error")
	}
}

// TestGroupKFoldBalance: groups of 5, 4, 3, 2, 1 rows into 2 folds,
// largest first into the fold with fewer rows (the lower on a tie):
// 5→0, 4→1, 3→1 (4 < 5), 2→0 (5 < 7), 1→0 (7 = 7), giving 8 and
// 7 rows.
func TestGroupKFoldBalance(t *testing.T) {
	var groups []string
	for g, n := range []int{5, 4, 3, 2, 1} {
		for range n {
			groups = append(groups, fmt.Sprint("g", g))
		}
	}
	s, err := GroupKFold(groups, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"g0+g3+g4", "g1+g2"}; !reflect.DeepEqual(s.Names, want) {
		t.Errorf("folds %v, want %v", s.Names, want)
	}
	if _, err := GroupKFold(groups, 6, nil); err == nil {
		t.Error("6 folds of 5 groups: no error")
	}
}

// TestSpreadInBlocks: 5 windows of one recording over 3 folds go 2, 2, 1
// in time order, whatever order the rows come in.
func TestSpreadInBlocks(t *testing.T) {
	// The block rows' own group values (w, or none) make no fold.
	groups := []string{"x", "y", "z", "w", "", "w", "", ""}
	rec := []string{"a", "b", "c", "h", "h", "h", "h", "h"}
	pos := []int{0, 0, 0, 4, 0, 3, 1, 2}
	s, err := LeaveOneGroupOut(groups, func(i int) bool { return rec[i] == "h" })
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"x", "y", "z"}; !reflect.DeepEqual(s.Names, want) {
		t.Errorf("folds %v, want %v", s.Names, want)
	}
	s.SpreadInBlocks([]int{3, 4, 5, 6, 7}, rec, pos)
	// Positions 0,1 → fold 0; 2,3 → fold 1; 4 → fold 2.
	if want := []int{0, 1, 2, 2, 0, 1, 0, 1}; !reflect.DeepEqual(s.Fold, want) {
		t.Errorf("folds %v, want %v", s.Fold, want)
	}
	if l := s.Leaks(rec); !reflect.DeepEqual(l, []string{"h"}) {
		t.Errorf("Leaks = %v, want [h]", l)
	}
}
