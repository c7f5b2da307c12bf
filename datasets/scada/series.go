package scada

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Series is one signal of one turbine over time: stamps (interval
// starts, UTC) in rising order and their values, NaN where missing.
type Series struct {
	Times  []time.Time
	Values []float64
}

// In returns the value of the interval of length interval that holds at
// (the row whose stamp s has s ≤ at < s + interval), and false when there
// is none or its value is missing.
func (s *Series) In(at time.Time, interval time.Duration) (float64, bool) {
	i := sort.Search(len(s.Times), func(i int) bool { return s.Times[i].After(at) }) - 1
	if i < 0 || at.Sub(s.Times[i]) >= interval || math.IsNaN(s.Values[i]) {
		return math.NaN(), false
	}
	return s.Values[i], true
}

// LoadSignal reads column c of every turbine from SCADA inputs as Load
// takes them (one scada table, or exports and folders), keeping only that
// signal: exports are read one file at a time and each file's table is
// dropped once the signal is taken out, so memory holds the largest file
// and the signal, not every table at once. A stamp that several files
// give keeps the first file's value (files in path order).
func LoadSignal(paths []string, opts Options, c Column) (map[string]*Series, error) {
	var groups [][]string
	if len(paths) == 1 && strings.EqualFold(filepath.Ext(paths[0]), ".parquet") {
		groups = [][]string{paths}
	} else {
		files, err := ExpandPaths(paths)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			groups = append(groups, []string{f})
		}
	}
	out := map[string]*Series{}
	for _, g := range groups {
		t, _, err := Load(g, opts)
		if err != nil {
			return nil, err
		}
		col := t.Col(c)
		if col < 0 {
			return nil, fmt.Errorf("%s: no %s column", strings.Join(g, ", "), c.Name())
		}
		for _, turbine := range t.Turbines() {
			s := out[turbine]
			if s == nil {
				s = &Series{}
				out[turbine] = s
			}
			for _, r := range t.Turbine(turbine) {
				s.Times = append(s.Times, r.Time)
				s.Values = append(s.Values, r.Values[col])
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
	idx := make([]int, len(s.Times))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return s.Times[idx[a]].Before(s.Times[idx[b]]) })
	times, vals := make([]time.Time, 0, len(idx)), make([]float64, 0, len(idx))
	for _, i := range idx {
		if n := len(times); n > 0 && times[n-1].Equal(s.Times[i]) {
			continue
		}
		times, vals = append(times, s.Times[i]), append(vals, s.Values[i])
	}
	s.Times, s.Values = times, vals
}
