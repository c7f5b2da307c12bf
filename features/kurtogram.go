package features

import (
	"fmt"
	"math"
	"math/bits"
)

// The fast kurtogram (Antoni 2007, "Fast computation of the kurtogram for
// the detection of transient faults", MSSP 21:108–124) estimates the
// spectral kurtosis of a signal in a dyadic-and-triadic tree of frequency
// bands and so finds the band where impulsive content (bearing impacts
// ringing a structural resonance) stands out most from the background.
//
// This is a port of Antoni's reference implementation (Fast_Kurtogram.m,
// filter-bank option, "kurt2" measure), kept identical so that its results
// can be checked against a numpy port to rounding (testdata/kurtogram):
//
//   - h is a 17-tap low-pass, fir1(16, 0.4) (Hamming window, unit gain at
//     DC; scipy.signal.firwin(17, 0.4)), modulated by exp(2iπ·n/8) so that
//     it passes the analytic band [0, fs/4]; g[k] = (−1)^(k+1)·h[15−k],
//     k = 0…15, is its quadrature mirror, passing [fs/4, fs/2].
//   - h1 is a 25-tap low-pass fir1(24, 0.8/3) modulated by exp(2iπ·n/12);
//     h2 and h3 are h1 shifted by fs/6 and fs/3: the three thirds of
//     [0, fs/2].
//   - Each level filters every branch with h and g (causal FIR, like
//     MATLAB's filter) and keeps the odd samples (decimation by 2); the
//     high branch is then multiplied by (−1)^(m+1) to bring its band back
//     to [0, fs'/2] in frequency order. Each branch of a level is also
//     split in three by h1, h2, h3 with decimation by 3 (samples 2, 5, 8…).
//   - The kurtosis of a band is that of its complex coefficients c after
//     dropping the filter transient (the first len(h)−1 = 16 samples, 15
//     for the g branch, as in the original), with the mean removed:
//     K = E|c|⁴/(E|c|²)² − 2, which is 0 for complex Gaussian noise; for the
//     real input (level 0) K = E x⁴/(E x²)² − 3. K is 0 for a band whose
//     power E|c|² is below machine epsilon (2.2e-16, an absolute threshold
//     as in the original), and negative values are clipped to 0.
//
// Level k (integer) holds 2^k bands of width fs/2^(k+1); level
// k + log2(3) (k + 1.585, printed 1.6, 2.6, …) holds 3·2^(k−1) bands of
// width fs/(3·2^k), from the three-way split of level k−1. A kurtogram of
// L levels has the 2L rows 0, 1, 1.6, 2, 2.6, …, L−1, L−0.4, L.

// DefaultKurtogramLevels returns the number of levels FastKurtogram uses
// for n samples when none is given: min(7, MaxKurtogramLevels(n)). Seven
// levels resolve bands down to fs/256 (47 Hz at 12 kHz), narrower than any
// useful demodulation band; deeper levels cost time and are statistically
// poor (Antoni 2007 recommends staying well below log2(n)).
func DefaultKurtogramLevels(n int) int {
	return min(7, MaxKurtogramLevels(n))
}

// MaxKurtogramLevels returns the largest number of levels a kurtogram of n
// samples may have, floor(log2 n) − 7 (Antoni's limit: the deepest branch
// keeps at least 128 samples), or 0 when n < 256.
func MaxKurtogramLevels(n int) int {
	if n < 256 {
		return 0
	}
	return bits.Len(uint(n)) - 1 - 7
}

// KurtogramBand is one band of a kurtogram.
type KurtogramBand struct {
	// Level is the row's level: 0, 1, 1+log2(3)−1 ≈ 1.585, 2, …; the band
	// width is rate/2^(Level+1).
	Level float64
	// Row is the row index in the kurtogram (0 … 2·Levels−1), Index the
	// band's position in its row from low to high frequency.
	Row, Index int
	// LoHz, HiHz, CenterHz and BandwidthHz place the band:
	// LoHz = Index·BandwidthHz.
	LoHz, HiHz, CenterHz, BandwidthHz float64
	// Kurtosis is the band's spectral kurtosis (0 for Gaussian noise,
	// clipped at 0).
	Kurtosis float64
}

// KurtogramRow is one level of a kurtogram.
type KurtogramRow struct {
	// Level is as in KurtogramBand.
	Level float64
	// BandwidthHz is rate/2^(Level+1).
	BandwidthHz float64
	// Kurtosis holds the kurtosis of each band, from low to high
	// frequency.
	Kurtosis []float64
}

// KurtogramResult is a fast kurtogram.
type KurtogramResult struct {
	// Levels is the number of decomposition levels L; Rows has 2L rows.
	Levels int
	RateHz float64
	Rows   []KurtogramRow
	// Max is the band of largest kurtosis over the whole kurtogram; ties
	// go to the first row, then the lowest band (numpy.argmax over the
	// matrix).
	Max KurtogramBand
}

// Band returns band index of row row.
func (r *KurtogramResult) Band(row, index int) KurtogramBand {
	rw := r.Rows[row]
	lo := float64(index) * rw.BandwidthHz
	return KurtogramBand{
		Level: rw.Level, Row: row, Index: index,
		LoHz: lo, HiHz: lo + rw.BandwidthHz, CenterHz: lo + rw.BandwidthHz/2, BandwidthHz: rw.BandwidthHz,
		Kurtosis: rw.Kurtosis[index],
	}
}

// MaxWhere returns the band of largest kurtosis among those keep accepts
// (same tie rule as Max), and false when keep accepts none.
func (r *KurtogramResult) MaxWhere(keep func(KurtogramBand) bool) (KurtogramBand, bool) {
	var best KurtogramBand
	found := false
	for i, row := range r.Rows {
		for j := range row.Kurtosis {
			b := r.Band(i, j)
			if (!found || b.Kurtosis > best.Kurtosis) && (keep == nil || keep(b)) {
				best, found = b, true
			}
		}
	}
	return best, found
}

// Matrix returns the kurtogram in the layout of Antoni's Fast_Kurtogram:
// 2·Levels rows of 3·2^Levels columns, each band's value repeated over
// the columns it spans.
func (r *KurtogramResult) Matrix() [][]float64 {
	cols := 3 << r.Levels
	m := make([][]float64, len(r.Rows))
	for i, row := range r.Rows {
		m[i] = make([]float64, cols)
		span := cols / len(row.Kurtosis)
		for j, v := range row.Kurtosis {
			for c := j * span; c < (j+1)*span; c++ {
				m[i][c] = v
			}
		}
	}
	return m
}

// Kurtogram computes fast kurtograms of signals of one length: it holds
// the analysis filters and scratch for the whole tree, allocates nothing
// per call, and belongs to one goroutine.
type Kurtogram struct {
	n, levels int
	// h, g and h3 hold the analysis filters with their taps reversed.
	h, g revTaps
	h3   [3]revTaps
	// cur and next hold all branches of one level back to back.
	cur, next split
	third     split
	res       KurtogramResult
}

// split is a complex signal as separate real and imaginary parts, which
// the filter kernel reads faster than []complex128.
type split struct{ re, im []float64 }

func newSplit(n int) split { return split{make([]float64, n), make([]float64, n)} }

func (s split) slice(lo, hi int) split { return split{s.re[lo:hi], s.im[lo:hi]} }

func (s split) len() int { return len(s.re) }

// revTaps is an FIR filter's taps in reverse order, as split complex.
type revTaps split

func reversed(h []complex128) revTaps {
	t := revTaps(newSplit(len(h)))
	for j, c := range h {
		t.re[len(h)-1-j], t.im[len(h)-1-j] = real(c), imag(c)
	}
	return t
}

// Lengths of the prototype filters (Antoni's N = 16 and fix(3/2·N) = 24).
const (
	kurtHalfTaps  = 17
	kurtThirdTaps = 25
)

// NewKurtogram returns a kurtogram analyser for signals of n samples with
// levels decomposition levels (0: DefaultKurtogramLevels(n)); levels must
// lie in 1 … MaxKurtogramLevels(n).
func NewKurtogram(n, levels int) (*Kurtogram, error) {
	maxL := MaxKurtogramLevels(n)
	if maxL < 1 {
		return nil, fmt.Errorf("kurtogram: %d samples is too short (need at least 256)", n)
	}
	if levels == 0 {
		levels = DefaultKurtogramLevels(n)
	}
	if levels < 1 || levels > maxL {
		return nil, fmt.Errorf("kurtogram: %d levels for %d samples: want 1 … %d (floor(log2 n) − 7)", levels, n, maxL)
	}
	k := &Kurtogram{n: n, levels: levels}
	// h = fir1(16, 0.4) · exp(2iπ·n·0.125); g = h(1+mod(1−n,16))·(−1)^(1−n), n = 2…17.
	lp := firwinLowpass(kurtHalfTaps, 0.4)
	h := make([]complex128, kurtHalfTaps)
	for i, v := range lp {
		h[i] = complex(v, 0) * cexpi(2*math.Pi*float64(i)*0.125)
	}
	const nh = kurtHalfTaps - 1
	g := make([]complex128, nh)
	for j := range g {
		sign := -1.0
		if j%2 == 1 {
			sign = 1
		}
		g[j] = h[nh-1-j] * complex(sign, 0)
	}
	k.h, k.g = reversed(h), reversed(g)
	// h1 = fir1(24, 2/3·0.4) · exp(2iπ·n·0.25/3); h2 = h1·exp(2iπ·n/6); h3 = h1·exp(2iπ·n/3).
	lp3 := firwinLowpass(kurtThirdTaps, 2.0/3*0.4)
	var h3 [3][]complex128
	for b := range h3 {
		h3[b] = make([]complex128, kurtThirdTaps)
	}
	for i, v := range lp3 {
		h1 := complex(v, 0) * cexpi(2*math.Pi*float64(i)*0.25/3)
		h3[0][i] = h1
		h3[1][i] = h1 * cexpi(2*math.Pi*float64(i)/6)
		h3[2][i] = h1 * cexpi(2*math.Pi*float64(i)/3)
	}
	for b := range h3 {
		k.h3[b] = reversed(h3[b])
	}
	k.cur = newSplit(n)
	k.next = newSplit(n)
	k.third = newSplit(n/3 + 1)
	k.res.Levels = levels
	k.res.Rows = make([]KurtogramRow, 2*levels)
	for i := range k.res.Rows {
		var lev float64
		var bands int
		switch {
		case i == 0:
			lev, bands = 0, 1
		case i%2 == 1: // level (i+1)/2 of the binary tree
			l := (i + 1) / 2
			lev, bands = float64(l), 1<<l
		default: // three-way split of level i/2 − 1
			l := i/2 - 1
			lev, bands = float64(l)+math.Log2(3), 3<<l
		}
		k.res.Rows[i] = KurtogramRow{Level: lev, Kurtosis: make([]float64, bands)}
	}
	return k, nil
}

// Len returns the signal length n.
func (k *Kurtogram) Len() int { return k.n }

// Levels returns the number of decomposition levels.
func (k *Kurtogram) Levels() int { return k.levels }

// Compute returns the kurtogram of x (len n, finite samples) sampled at
// rateHz, after removing its mean. The result is owned by k and
// overwritten by the next call. It panics if len(x) != n.
func (k *Kurtogram) Compute(x []float64, rateHz float64) *KurtogramResult {
	if len(x) != k.n {
		panic("features: Kurtogram.Compute length mismatch")
	}
	var sum float64
	for _, v := range x {
		sum += v
	}
	mu := sum / float64(len(x))
	var m2, m4 float64
	for i, v := range x {
		d := v - mu
		k.cur.re[i], k.cur.im[i] = d, 0
		m2 += d * d
		m4 += d * d * d * d
	}
	res := &k.res
	res.RateHz = rateHz
	for i := range res.Rows {
		res.Rows[i].BandwidthHz = rateHz / math.Exp2(res.Rows[i].Level+1)
	}
	// Level 0: the real signal itself, whose mean is already 0.
	res.Rows[0].Kurtosis[0] = realKurtosis(k.n, m2, m4)

	length := k.n // length of every branch at the current level
	for lev := 0; lev <= k.levels; lev++ {
		branches := 1 << lev
		// Three-way split of every branch of this level (rows 2, 4, …).
		if lev <= k.levels-2 {
			row := res.Rows[2*lev+2].Kurtosis
			for b := range branches {
				src := k.cur.slice(b*length, (b+1)*length)
				for t := range 3 {
					out := k.third.slice(0, length/3)
					firDecimate(out, src, k.h3[t], 3)
					row[3*b+t] = complexKurtosis(out.slice(kurtHalfTaps-1, out.len()))
				}
			}
		}
		if lev == k.levels {
			break
		}
		// Two-way split into the next level (rows 1, 3, 5, …).
		half := length / 2
		row := res.Rows[2*lev+1].Kurtosis
		for b := range branches {
			src := k.cur.slice(b*length, (b+1)*length)
			a := k.next.slice(2*b*half, (2*b+1)*half)
			d := k.next.slice((2*b+1)*half, (2*b+2)*half)
			firDecimate(a, src, k.h, 2)
			firDecimate(d, src, k.g, 2)
			for m := 0; m < half; m += 2 {
				d.re[m], d.im[m] = -d.re[m], -d.im[m] // (−1)^(m+1), m from 0
			}
			row[2*b] = complexKurtosis(a.slice(len(k.h.re)-1, half))
			row[2*b+1] = complexKurtosis(d.slice(len(k.g.re)-1, half))
		}
		k.cur, k.next = k.next, k.cur
		length = half
	}
	best, _ := res.MaxWhere(nil)
	res.Max = best
	return res
}

// FastKurtogram returns the fast kurtogram of x sampled at rateHz with
// levels decomposition levels (0: DefaultKurtogramLevels(len(x))). It
// builds a Kurtogram for the call; reuse one for many signals.
func FastKurtogram(x []float64, rateHz float64, levels int) (*KurtogramResult, error) {
	if !(rateHz > 0) {
		return nil, fmt.Errorf("kurtogram: sample rate %g Hz is not positive", rateHz)
	}
	k, err := NewKurtogram(len(x), levels)
	if err != nil {
		return nil, err
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("kurtogram: signal holds NaN or infinite samples")
		}
	}
	return k.Compute(x, rateHz), nil
}

// firDecimate writes y[q·m + q − 1], m = 0 … dst.len()−1, of the causal
// FIR filter y[i] = Σ_j h[j]·x[i−j] (x = 0 before the start; MATLAB's
// filter(h, 1, x)) into dst: the samples q, 2q, 3q, … (from 1) that
// Antoni's DBFB and TBFB keep. h holds the taps reversed. Four outputs are
// accumulated at once so that their sums do not wait on each other.
func firDecimate(dst, x split, h revTaps, q int) {
	nh := len(h.re)
	hr, hi := h.re, h.im[:nh]
	total := dst.len()
	m := 0
	// Head: outputs whose window starts before the signal.
	for ; m < total && q*m+q-1 < nh-1; m++ {
		i := q*m + q - 1
		var ar, ai float64
		for j := nh - 1 - i; j < nh; j++ {
			xr, xi := x.re[i-nh+1+j], x.im[i-nh+1+j]
			ar += hr[j]*xr - hi[j]*xi
			ai += hr[j]*xi + hi[j]*xr
		}
		dst.re[m], dst.im[m] = ar, ai
	}
	for ; m+4 <= total; m += 4 {
		s := q*m + q - 1 - (nh - 1)
		x0r, x0i := x.re[s:s+nh], x.im[s:s+nh]
		x1r, x1i := x.re[s+q:s+q+nh], x.im[s+q:s+q+nh]
		x2r, x2i := x.re[s+2*q:s+2*q+nh], x.im[s+2*q:s+2*q+nh]
		x3r, x3i := x.re[s+3*q:s+3*q+nh], x.im[s+3*q:s+3*q+nh]
		var r0, i0, r1, i1, r2, i2, r3, i3 float64
		for j, a := range hr {
			b := hi[j]
			r0 += a*x0r[j] - b*x0i[j]
			i0 += a*x0i[j] + b*x0r[j]
			r1 += a*x1r[j] - b*x1i[j]
			i1 += a*x1i[j] + b*x1r[j]
			r2 += a*x2r[j] - b*x2i[j]
			i2 += a*x2i[j] + b*x2r[j]
			r3 += a*x3r[j] - b*x3i[j]
			i3 += a*x3i[j] + b*x3r[j]
		}
		dst.re[m], dst.im[m] = r0, i0
		dst.re[m+1], dst.im[m+1] = r1, i1
		dst.re[m+2], dst.im[m+2] = r2, i2
		dst.re[m+3], dst.im[m+3] = r3, i3
	}
	for ; m < total; m++ {
		s := q*m + q - 1 - (nh - 1)
		xr, xi := x.re[s:s+nh], x.im[s:s+nh]
		var ar, ai float64
		for j, a := range hr {
			ar += a*xr[j] - hi[j]*xi[j]
			ai += a*xi[j] + hi[j]*xr[j]
		}
		dst.re[m], dst.im[m] = ar, ai
	}
}

// complexKurtosis returns E|c−μ|⁴/(E|c−μ|²)² − 2 clipped at 0 (0 when the
// power is below machine epsilon or c is empty), μ the mean of c.
func complexKurtosis(c split) float64 {
	n := c.len()
	if n == 0 {
		return 0
	}
	nf := float64(n)
	var sr, si float64
	for i, v := range c.re {
		sr += v
		si += c.im[i]
	}
	mr, mi := sr/nf, si/nf
	var m2, m4 float64
	for i, v := range c.re {
		dr, di := v-mr, c.im[i]-mi
		p := dr*dr + di*di
		m2 += p
		m4 += p * p
	}
	e := m2 / nf
	if e < 0x1p-52 {
		return 0
	}
	return math.Max(0, m4/nf/(e*e)-2)
}

// realKurtosis returns E x⁴/(E x²)² − 3 clipped at 0 for a zero-mean real
// signal of n samples given Σx² and Σx⁴.
func realKurtosis(n int, sum2, sum4 float64) float64 {
	nf := float64(n)
	e := sum2 / nf
	if e < 0x1p-52 {
		return 0
	}
	return math.Max(0, sum4/nf/(e*e)-3)
}

// firwinLowpass returns scipy.signal.firwin(taps, cutoff) (= MATLAB
// fir1(taps−1, cutoff)): the ideal low-pass cutoff·sinc(cutoff·m),
// m = i − (taps−1)/2, cutoff relative to Nyquist, times a symmetric
// Hamming window 0.54 − 0.46·cos(2πi/(taps−1)), scaled to unit gain at
// DC.
func firwinLowpass(taps int, cutoff float64) []float64 {
	h := make([]float64, taps)
	alpha := float64(taps-1) / 2
	var sum float64
	for i := range h {
		m := float64(i) - alpha
		w := 0.54 - 0.46*math.Cos(2*math.Pi*float64(i)/float64(taps-1))
		h[i] = cutoff * sinc(cutoff*m) * w
		sum += h[i]
	}
	for i := range h {
		h[i] /= sum
	}
	return h
}

// sinc returns sin(πx)/(πx), 1 at 0 (numpy.sinc).
func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// cexpi returns exp(iθ).
func cexpi(theta float64) complex128 {
	s, c := math.Sincos(theta)
	return complex(c, s)
}
