package scada

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/windpm/windpm/datasets/store"
)

// Series is one signal of one turbine over time: stamps (interval
// starts, Unix seconds) in rising order and their values, NaN where
// missing. It is compact (12 bytes a row: a year of 10-minute rows of one
// turbine is 0.6 MB), for joining a signal to many events.
type Series struct {
	Stamps []int64
	Values []float32
}

// In returns the value of the interval of length interval that holds at
// (the row whose stamp s has s ≤ at < s + interval, to the second), and false when there
// is none or its value is missing.
func (s *Series) In(at time.Time, interval time.Duration) (float64, bool) {
	t := at.Unix()
	i := sort.Search(len(s.Stamps), func(i int) bool { return s.Stamps[i] > t }) - 1
	if i < 0 || at.Sub(time.Unix(s.Stamps[i], 0)) >= interval || math.IsNaN(float64(s.Values[i])) {
		return math.NaN(), false
	}
	return float64(s.Values[i]), true
}

// LoadSignal reads column c of every turbine from SCADA inputs as Load
// takes them (one scada table, or exports and folders), keeping only that
// signal: exports are read one file at a time and each file's table is
// dropped once the signal is taken out, so memory holds the largest file
// and the signal, not every table at once. A stamp that several files
// give keeps the first file's value (files in path order). Paths may be
// URLs (see ExpandPathsContext); LoadSignal is LoadSignalContext without
// a deadline.
func LoadSignal(paths []string, opts Options, c Column) (map[string]*Series, error) {
	return LoadSignalContext(context.Background(), paths, opts, c)
}

// LoadSignalContext is LoadSignal with a context for the reads from
// object storage.
func LoadSignalContext(ctx context.Context, paths []string, opts Options, c Column) (map[string]*Series, error) {
	var groups [][]string
	if len(paths) == 1 && IsParquet(paths[0]) {
		groups = [][]string{paths}
	} else {
		files, err := ExpandPathsContext(ctx, paths)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			groups = append(groups, []string{f})
		}
	}
	out := map[string]*Series{}
	for _, g := range groups {
		t, _, err := LoadContext(ctx, g, opts)
		if err != nil {
			return nil, err
		}
		col := t.Col(c)
		if col < 0 {
			return nil, fmt.Errorf("%s: no %s column", store.DisplayURL(g[0]), c.Name())
		}
		for _, turbine := range t.Turbines() {
			s := out[turbine]
			if s == nil {
				s = &Series{}
				out[turbine] = s
			}
			for _, r := range t.Turbine(turbine) {
				s.Stamps = append(s.Stamps, r.Time.Unix())
				s.Values = append(s.Values, float32(r.Values[col]))
			}
		}
	}
	for _, s := range out {
		s.sortDedup()
	}
	return out, nil
}

// sortDedup sorts s by time (stably, so that the first of equal stamps
// comes first) and keeps one value per stamp.
func (s *Series) sortDedup() {
	idx := make([]int, len(s.Stamps))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.Stamps[idx[a]] < s.Stamps[idx[b]] })
	n := 0
	for k, i := range idx {
		if k > 0 && s.Stamps[i] == s.Stamps[idx[k-1]] {
			continue
		}
		n++
	}
	stamps, vals := make([]int64, 0, n), make([]float32, 0, n)
	for k, i := range idx {
		if k > 0 && s.Stamps[i] == s.Stamps[idx[k-1]] {
			continue
		}
		stamps, vals = append(stamps, s.Stamps[i]), append(vals, s.Values[i])
	}
	s.Stamps, s.Values = stamps, vals
}
