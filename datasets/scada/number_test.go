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

// TestRoundsToItself checks that whenever roundsToItself says rounding can
// be skipped, rounding would indeed give back the parsed value, bit for
// bit, on random decimals of every length and on edge cases.
func TestRoundsToItself(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	skipped := 0
	check := func(s string, d int) {
		if !roundsToItself(s, d) {
			return
		}
		skipped++
		v, bad := parseValue(s)
		if bad || math.IsNaN(v) {
			t.Fatalf("roundsToItself(%q, %d) on a value that does not parse", s, d)
		}
		scale := math.Pow(10, float64(d))
		if w := math.Round(v*scale) / scale; math.Float64bits(w) != math.Float64bits(v) {
			t.Fatalf("roundsToItself(%q, %d): %v rounds to %v", s, d, v, w)
		}
	}
	for range 300000 {
		v := (rng.Float64() - 0.3) * math.Pow(10, float64(rng.IntN(16)))
		d := rng.IntN(8)
		check(strconv.FormatFloat(v, 'f', rng.IntN(10), 64), d)
		check(strconv.FormatFloat(v, 'f', -1, 64), d)
	}
	for _, s := range []string{"999999999999999", "99999999999999.9", "0.47000000000000003", "1e3", " 12.5 ", "-0", "+3.25", ".5", "5.", "1.2.3", "12,5", ""} {
		for d := 0; d < 4; d++ {
			check(s, d)
		}
	}
	if skipped < 50000 {
		t.Fatalf("only %d strings skipped rounding: the test checks too little", skipped)
	}
	for _, c := range []struct {
		s    string
		d    int
		want bool
	}{{"12.34", 2, true}, {"12.345", 2, false}, {"0.47000000000000003", 2, false}, {"1e3", 2, false}, {"1234567890123.4", 2, true}, {"12345678901234.5", 2, false}, {"", 2, false}, {"-", 2, false}} {
		if got := roundsToItself(c.s, c.d); got != c.want {
			t.Errorf("roundsToItself(%q, %d) = %v, want %v", c.s, c.d, got, c.want)
		}
	}
}
