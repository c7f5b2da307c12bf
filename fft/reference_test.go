package fft

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// refTol is the tolerance of every comparison with the scipy/numpy values
// in testdata/reference: max |got − want| / max |want|.
const refTol = 1e-12

// loadReference decodes testdata/reference/name (written by
// testdata/reference/reference.py) into v.
func loadReference(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reference", name))
	if err != nil {
		t.Fatalf("reference values: %v (rerun /usr/bin/python3 fft/testdata/reference/reference.py)", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("reference values %s: %v", name, err)
	}
}

// relErr returns max |got − want| / max |want| (0/0 counts as 0).
func kernelRelErr(got, want []float64) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	var d, m float64
	for i := range want {
		d = math.Max(d, math.Abs(got[i]-want[i]))
		m = math.Max(m, math.Abs(want[i]))
	}
	if d == 0 {
		return 0
	}
	if math.IsNaN(d) {
		return math.Inf(1)
	}
	return d / m
}

// checkClose fails the test if kernelRelErr(got, want) > tol.
func checkClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if e := kernelRelErr(got, want); e > tol {
		t.Errorf("%s: relative error %.3g > %.0g (len got %d, want %d)", what, e, tol, len(got), len(want))
	} else {
		t.Logf("%s: relative error %.3g", what, e)
	}
}
