package scada

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestParseFloatMatchesStrconv compares the fast path with
// strconv.ParseFloat, bit for bit, on random decimals of the shapes
// exports write and on the float64 artefacts of the EXACT re-export.
func TestParseFloatMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(s string) {
		a, errA := parseFloat(s)
		b, errB := strconv.ParseFloat(s, 64)
		if (errA == nil) != (errB == nil) || math.Float64bits(a) != math.Float64bits(b) {
			t.Fatalf("parseFloat(%q) = %v, %v; strconv %v, %v", s, a, errA, b, errB)
		}
	}
	for range 200000 {
		v := (rng.Float64() - 0.3) * math.Pow(10, float64(rng.IntN(8)))
		check(strconv.FormatFloat(v, 'f', rng.IntN(18), 64))
		check(strconv.FormatFloat(v, 'f', -1, 64))
	}
	for _, s := range []string{"9007199254740992", "9007199254740993", "90071992547409.93", "0.0000000000000000000001", "0.00000000000000000000001", "-0", "00.10"} {
		check(s)
	}
}

func BenchmarkParseFloat(b *testing.B) {
	in := []string{"0.47", "92.6", "-0.99", "2044.37", "0.47000000000000003", "17"}
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			for _, s := range in {
				parseFloat(s)
			}
		}
	})
	b.Run("strconv", func(b *testing.B) {
		for b.Loop() {
			for _, s := range in {
				strconv.ParseFloat(s, 64)
			}
		}
	})
}
