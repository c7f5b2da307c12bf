package fft

import (
	"fmt"
	"slices"
)

// PSDScaling chooses the unit of a Welch estimate.
type PSDScaling int

const (
	// Density gives the power spectral density in unit²/Hz (scipy
	// scaling='density'): |X_k|²/(rateHz·Σw²), one-sided bins doubled.
	Density PSDScaling = iota
	// Power gives the power spectrum in unit² (scipy scaling='spectrum'):
	// |X_k|²/(Σw)², one-sided bins doubled; a tone of amplitude A centred
	// on a bin reads A²/2.
	Power
)

// Averaging chooses how Welch combines the periodograms of its segments.
type Averaging int

const (
	// Mean averages the segments (scipy average='mean').
	Mean Averaging = iota
	// Median takes the per-bin median divided by the bias of the median
	// of χ²₂ samples (scipy average='median'), robust to transients.
	Median
)

// Detrending chooses what Welch removes from each segment before
// windowing.
type Detrending int

const (
	// DetrendConstant removes each segment's mean (scipy 'constant').
	DetrendConstant Detrending = iota
	// DetrendNone leaves segments as they are (scipy detrend=False).
	DetrendNone
)

// NoOverlap requests segments that do not overlap in WelchOptions.Overlap.
const NoOverlap = -1

// WelchOptions configure a Welch estimator. The zero value gives
// scipy.signal.welch's defaults: periodic Hann window, overlap of half a
// segment, constant detrending, density scaling, mean averaging.
type WelchOptions struct {
	// Window is the (periodic) window applied to each segment.
	Window WindowKind
	// Overlap is the number of samples shared by consecutive segments:
	// 0 means Segment/2 (scipy's default), NoOverlap means none, otherwise
	// 0 < Overlap < Segment.
	Overlap int
	// Detrend is what is removed from each segment.
	Detrend Detrending
	// Scaling is Density (unit²/Hz) or Power (unit²).
	Scaling PSDScaling
	// Average is Mean or Median.
	Average Averaging
}

// Welch estimates power spectra by Welch's method (Welch 1967) with the
// conventions of scipy.signal.welch: the input is cut into segments of
// Segment samples advancing by Segment−Overlap (a trailing partial segment
// is dropped), each segment is detrended, windowed and transformed
// (nfft = Segment), the one-sided periodograms are scaled and averaged. A
// Welch holds its plan and scratch and belongs to one goroutine. Compute
// allocates nothing once it has seen its longest input (Median keeps all
// periodograms and grows its store to the largest segment count seen).
type Welch struct {
	nseg    int
	step    int
	overlap int
	rateHz  float64
	opt     WelchOptions
	plan    *Plan
	w       []float64
	buf     []float64
	spec    []complex128
	scale   float64
	store   []float64 // Median: periodograms, segment-major
	col     []float64 // Median: one bin across segments
}

// NewWelch returns a Welch estimator for segments of segment >= 1 samples
// taken at rateHz > 0.
func NewWelch(segment int, rateHz float64, opt WelchOptions) (*Welch, error) {
	if segment < 1 {
		return nil, fmt.Errorf("fft: welch segment length %d < 1", segment)
	}
	if !(rateHz > 0) {
		return nil, fmt.Errorf("fft: welch sample rate %g Hz is not positive", rateHz)
	}
	if opt.Window < 0 || int(opt.Window) >= len(windowNames) {
		return nil, fmt.Errorf("fft: welch: unknown window %v", opt.Window)
	}
	overlap := opt.Overlap
	switch {
	case overlap == 0:
		overlap = segment / 2
	case overlap == NoOverlap:
		overlap = 0
	case overlap < 0 || overlap >= segment:
		return nil, fmt.Errorf("fft: welch overlap %d not in [0, %d)", opt.Overlap, segment)
	}
	switch opt.Detrend {
	case DetrendConstant, DetrendNone:
	default:
		return nil, fmt.Errorf("fft: welch: unknown detrending %d", opt.Detrend)
	}
	switch opt.Average {
	case Mean, Median:
	default:
		return nil, fmt.Errorf("fft: welch: unknown averaging %d", opt.Average)
	}
	w := Window(make([]float64, segment), opt.Window, false)
	var s, s2 float64
	for _, v := range w {
		s += v
		s2 += v * v
	}
	var scale float64
	switch opt.Scaling {
	case Density:
		scale = 1 / (rateHz * s2)
	case Power:
		scale = 1 / (s * s)
	default:
		return nil, fmt.Errorf("fft: welch: unknown scaling %d", opt.Scaling)
	}
	return &Welch{
		nseg:    segment,
		step:    segment - overlap,
		overlap: overlap,
		rateHz:  rateHz,
		opt:     opt,
		plan:    NewPlan(segment),
		w:       w,
		buf:     make([]float64, segment),
		spec:    make([]complex128, segment/2+1),
		scale:   scale,
	}, nil
}

// Bins returns the number of output bins, Segment/2+1.
func (wl *Welch) Bins() int { return wl.nseg/2 + 1 }

// Segment returns the segment length in samples.
func (wl *Welch) Segment() int { return wl.nseg }

// Overlap returns the overlap between segments in samples.
func (wl *Welch) Overlap() int { return wl.overlap }

// Segments returns how many segments Compute averages for an input of n
// samples: (n−Overlap)/(Segment−Overlap), or 0 if n < Segment.
func (wl *Welch) Segments(n int) int {
	if n < wl.nseg {
		return 0
	}
	return (n - wl.overlap) / wl.step
}

// Frequencies writes the bin frequencies in hertz, k·rateHz/Segment, into
// dst (len Segment/2+1) and returns dst.
func (wl *Welch) Frequencies(dst []float64) []float64 {
	return BinFrequencies(dst, wl.nseg, wl.rateHz)
}

// Compute writes the one-sided Welch estimate of x into dst
// (len Segment/2+1), in unit²/Hz (Density) or unit² (Power). For
// Density, Σ_k dst[k]·rateHz/Segment approximates the variance of x
// (Parseval). It returns an error if x is shorter than one segment (scipy
// would shorten the segment instead) and panics if len(dst) is wrong.
func (wl *Welch) Compute(dst, x []float64) error {
	if len(dst) != wl.Bins() {
		panic("fft: Welch.Compute length mismatch")
	}
	nseg := wl.Segments(len(x))
	if nseg == 0 {
		return fmt.Errorf("fft: welch: input of %d samples is shorter than one segment (%d)", len(x), wl.nseg)
	}
	nb := wl.Bins()
	median := wl.opt.Average == Median && nseg > 1
	if median {
		if cap(wl.store) < nseg*nb {
			wl.store = make([]float64, nseg*nb)
			wl.col = make([]float64, nseg)
		}
		wl.store = wl.store[:nseg*nb]
		wl.col = wl.col[:nseg]
	} else {
		clear(dst)
	}
	even := wl.nseg%2 == 0
	for s := 0; s < nseg; s++ {
		seg := x[s*wl.step : s*wl.step+wl.nseg]
		mean := 0.0
		if wl.opt.Detrend == DetrendConstant {
			mean = pairwiseSum(seg) / float64(len(seg))
		}
		for i, v := range seg {
			wl.buf[i] = wl.w[i] * (v - mean)
		}
		wl.plan.Forward(wl.spec, wl.buf)
		out := dst
		if median {
			out = wl.store[s*nb : (s+1)*nb]
		}
		for k, c := range wl.spec {
			p := (real(c)*real(c) + imag(c)*imag(c)) * wl.scale
			if k != 0 && !(even && k == nb-1) {
				p *= 2
			}
			if median {
				out[k] = p
			} else {
				out[k] += p
			}
		}
	}
	if !median {
		inv := float64(nseg)
		for k := range dst {
			dst[k] /= inv
		}
		return nil
	}
	bias := medianBias(nseg)
	for k := 0; k < nb; k++ {
		for s := 0; s < nseg; s++ {
			wl.col[s] = wl.store[s*nb+k]
		}
		slices.Sort(wl.col)
		var m float64
		if nseg%2 == 1 {
			m = wl.col[nseg/2]
		} else {
			m = (wl.col[nseg/2-1] + wl.col[nseg/2]) / 2
		}
		dst[k] = m / bias
	}
	return nil
}

// medianBias returns the bias of the median of n χ²₂ samples relative to
// their mean, 1 + Σ_{i=1}^{(n−1)/2} (1/(2i+1) − 1/(2i)), as in scipy's
// _median_bias.
func medianBias(n int) float64 {
	b := 1.0
	for i := 1; i <= (n-1)/2; i++ {
		ii := float64(2 * i)
		b += 1/(ii+1) - 1/ii
	}
	return b
}

// pairwiseSum sums x like numpy's pairwise summation, so that means agree
// with numpy to the last bits on long inputs.
func pairwiseSum(x []float64) float64 {
	if len(x) < 8 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s
	}
	if len(x) <= 128 {
		var r [8]float64
		copy(r[:], x[:8])
		i := 8
		for ; i+8 <= len(x); i += 8 {
			for j := 0; j < 8; j++ {
				r[j] += x[i+j]
			}
		}
		s := ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
		for ; i < len(x); i++ {
			s += x[i]
		}
		return s
	}
	n2 := len(x) / 2
	n2 -= n2 % 8
	return pairwiseSum(x[:n2]) + pairwiseSum(x[n2:])
}
