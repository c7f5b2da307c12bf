package scada

import (
	"math"
	"sort"
	"time"
)

// At returns the row of turbine whose stamp is nearest to at, if it lies
// within tolerance (|Time − at| ≤ tolerance); on a tie the earlier row. It
// is a binary search over the turbine's rows (sorted by time), for joining
// SCADA context to events such as vibration captures. A row's stamp is the
// start of its interval: to ask for the interval that contains at, pass
// at − Interval/2 and a tolerance of Interval/2.
func (t *Table) At(turbine string, at time.Time, tolerance time.Duration) (Row, bool) {
	rows := t.Turbine(turbine)
	if len(rows) == 0 || tolerance < 0 {
		return Row{}, false
	}
	i := sort.Search(len(rows), func(i int) bool { return !rows[i].Time.Before(at) })
	best, bestD := -1, time.Duration(math.MaxInt64)
	for _, j := range []int{i - 1, i} {
		if j < 0 || j >= len(rows) {
			continue
		}
		d := rows[j].Time.Sub(at)
		if d < 0 {
			d = -d
		}
		if d < bestD {
			best, bestD = j, d
		}
	}
	if best < 0 || bestD > tolerance {
		return Row{}, false
	}
	return rows[best], true
}

// Value returns the value of column c in row r (a row of t), and false
// when t has no such column or the value is missing (NaN).
func (t *Table) Value(r Row, c Column) (float64, bool) {
	i := t.Col(c)
	if i < 0 || i >= len(r.Values) {
		return math.NaN(), false
	}
	v := r.Values[i]
	return v, !math.IsNaN(v)
}
