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

// roundsToItself reports whether the value parsed from s is certainly
// unchanged by rounding to decimals places (math.Round(v·10^d)/10^d): s is
// a plain decimal ("-12.34") with at most d digits after the point and at
// most 15 digits once scaled by 10^d. Then v·10^d lies within half a unit
// of the integer M the digits spell (relative error ≤ 2⁻⁵², M < 10¹⁵ <
// 2⁵¹), so it rounds to M, and M/10^d, both exact, is the correctly
// rounded value of the same rational as v. False means "round it".
func roundsToItself(s string, decimals int) bool {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits, frac, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' && !dot:
			dot = true
		case c >= '0' && c <= '9':
			digits++
			if dot {
				frac++
			}
		case c == ' ':
			// trailing blanks, as parseValue trims them
			for ; i < len(s); i++ {
				if s[i] != ' ' {
					return false
				}
			}
		default:
			return false
		}
	}
	return digits > 0 && frac <= decimals && digits+decimals-frac <= 15
}
