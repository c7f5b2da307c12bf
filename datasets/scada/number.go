package scada

import "strconv"

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat is strconv.ParseFloat(s, 64) with a fast path for the plain
// decimals SCADA exports write ("-12.34"): when the digits form an integer
// m ≤ 2^53 and there are k ≤ 22 decimals, m and 10^k are exact float64
// values and the IEEE division m/10^k is the correctly rounded result
// (Clinger 1990, "How to read floating point numbers accurately"), the same
// float64 ParseFloat returns. Anything else goes to ParseFloat.
func parseFloat(s string) (float64, error) {
	i, neg := 0, false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' && !dot {
			dot = true
			continue
		}
		if c < '0' || c > '9' {
			return strconv.ParseFloat(s, 64)
		}
		if m > (1<<53)/10 {
			return strconv.ParseFloat(s, 64)
		}
		m = m*10 + uint64(c-'0')
		digits++
		if dot {
			frac++
		}
	}
	if digits == 0 || m > 1<<53 || frac >= len(pow10) {
		return strconv.ParseFloat(s, 64)
	}
	v := float64(m) / pow10[frac]
	if neg {
		v = -v
	}
	return v, nil
}
