package fft

import "math"

// maxDirectRadix is the largest prime factor that the mixed-radix path
// handles with a direct O(r²) butterfly (radix7, radix11, radix13, radixOdd
// in radix.go, in the symmetric form). A length with a larger prime factor
// goes through Bluestein's algorithm instead: a direct radix-r pass costs
// about r complex multiply-adds per point, while Bluestein costs two
// power-of-two transforms of 2n to 4n points plus three pointwise passes,
// the equivalent of several dozen multiply-adds per point.
const maxDirectRadix = 31

// expi returns exp(sign·2πi·t/n) for 0 <= t < n, evaluated on the reduced
// index so that large lengths keep full precision.
func expi(sign float64, t, n int) complex128 {
	s, c := math.Sincos(2 * math.Pi * float64(t) / float64(n))
	return complex(c, sign*s)
}

// factorize splits n into the radices of the mixed-radix passes: radix 4 as
// often as possible, then at most one radix 2, then 3, 5 and the remaining
// odd primes in increasing order. ok is false if a prime factor exceeds
// maxDirectRadix (the caller then uses Bluestein's algorithm).
func factorize(n int) (radices []int, ok bool) {
	for n%4 == 0 {
		radices = append(radices, 4)
		n /= 4
	}
	if n%2 == 0 {
		radices = append(radices, 2)
		n /= 2
	}
	for f := 3; f*f <= n; f += 2 {
		for n%f == 0 {
			if f > maxDirectRadix {
				return nil, false
			}
			radices = append(radices, f)
			n /= f
		}
	}
	if n > 1 {
		if n > maxDirectRadix {
			return nil, false
		}
		radices = append(radices, n)
	}
	return radices, true
}

// nextPow2 returns the smallest power of two >= n (n >= 1).
func nextPow2(n int) int {
	m := 1
	for m < n {
		m <<= 1
	}
	return m
}
