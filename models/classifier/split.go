package classifier

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Split assigns every row to one test fold: fold f's model is trained on
// the rows of every other fold and tested on fold f's.
type Split struct {
	// Fold holds every row's fold.
	Fold []int
	// Names names every fold by the group values it tests.
	Names []string
}

// LeaveOneGroupOut makes one fold per distinct group value, in sorted
// order. Rows for which skip (if not nil) returns true are left out of
// the grouping whatever their group: they get fold -1 and are placed later
// (SpreadInBlocks). Any other row with no group ("") is an error.
func LeaveOneGroupOut(groups []string, skip func(i int) bool) (*Split, error) {
	var names []string
	skipped := make([]bool, len(groups))
	for i, g := range groups {
		if skip != nil && skip(i) {
			skipped[i] = true
			continue
		}
		if g == "" {
			return nil, fmt.Errorf("row %d has no group value", i)
		}
		names = append(names, g)
	}
	slices.SortFunc(names, compareGroups)
	names = slices.Compact(names)
	if len(names) < 2 {
		return nil, fmt.Errorf("%d group value(s); leave-one-group-out needs at least 2", len(names))
	}
	s := &Split{Fold: make([]int, len(groups)), Names: names}
	for i, g := range groups {
		s.Fold[i] = -1
		if !skipped[i] {
			s.Fold[i], _ = slices.BinarySearchFunc(names, g, compareGroups)
		}
	}
	return s, nil
}

// compareGroups orders group values as numbers when both are numbers
// (0.007 before 0.014, 2 before 10), else as text.
func compareGroups(a, b string) int {
	x, errx := strconv.ParseFloat(a, 64)
	y, erry := strconv.ParseFloat(b, 64)
	if errx == nil && erry == nil {
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

// GroupKFold makes k folds of whole groups: groups in decreasing size
// (ties in group order) each go to the fold with the fewest rows so far
// (the lowest on ties), scikit-learn's GroupKFold rule. Rows without a
// group are handled as by LeaveOneGroupOut.
func GroupKFold(groups []string, k int, skip func(i int) bool) (*Split, error) {
	logo, err := LeaveOneGroupOut(groups, skip)
	if err != nil {
		return nil, err
	}
	g := len(logo.Names)
	if k < 2 || k > g {
		return nil, fmt.Errorf("%d folds for %d groups; want 2 to %d", k, g, g)
	}
	size := make([]int, g)
	for _, f := range logo.Fold {
		if f >= 0 {
			size[f]++
		}
	}
	order := make([]int, g)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(size[b], size[a]) })
	foldOf := make([]int, g)
	rows := make([]int, k)
	members := make([][]string, k)
	for _, grp := range order {
		f := 0
		for j := range rows {
			if rows[j] < rows[f] {
				f = j
			}
		}
		foldOf[grp] = f
		rows[f] += size[grp]
		members[f] = append(members[f], logo.Names[grp])
	}
	s := &Split{Fold: make([]int, len(groups)), Names: make([]string, k)}
	for f := range members {
		slices.SortFunc(members[f], compareGroups)
		s.Names[f] = strings.Join(members[f], "+")
	}
	for i, f := range logo.Fold {
		s.Fold[i] = -1
		if f >= 0 {
			s.Fold[i] = foldOf[f]
		}
	}
	return s, nil
}

// SpreadInBlocks places the rows listed in rows (which must have fold -1)
// into the split's folds by time: each recording's rows, in order of
// position, are cut into len(s.Names) contiguous blocks of as equal sizes
// as can be (the first blocks one row longer), block f going to fold f.
// It is for a class recorded in one recording only, which a grouped split
// cannot put on both sides: its windows are then split in time, so that
// neighbouring windows fall in one fold and only the block edges touch.
func (s *Split) SpreadInBlocks(rows []int, recording []string, position []int) {
	k := len(s.Names)
	byRec := map[string][]int{}
	var recs []string
	for _, i := range rows {
		r := recording[i]
		if _, ok := byRec[r]; !ok {
			recs = append(recs, r)
		}
		byRec[r] = append(byRec[r], i)
	}
	for _, r := range recs {
		rr := byRec[r]
		slices.SortStableFunc(rr, func(a, b int) int { return cmp.Compare(position[a], position[b]) })
		n := len(rr)
		start := 0
		for f := range k {
			size := n / k
			if f < n%k {
				size++
			}
			for _, i := range rr[start : start+size] {
				s.Fold[i] = f
			}
			start += size
		}
	}
}

// Leaks returns the recordings (values of recording, "" ignored) whose
// rows fall in more than one fold, sorted.
func (s *Split) Leaks(recording []string) []string {
	first := map[string]int{}
	leak := map[string]bool{}
	for i, r := range recording {
		if r == "" || s.Fold[i] < 0 {
			continue
		}
		if f, ok := first[r]; !ok {
			first[r] = s.Fold[i]
		} else if f != s.Fold[i] {
			leak[r] = true
		}
	}
	out := make([]string, 0, len(leak))
	for r := range leak {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}
