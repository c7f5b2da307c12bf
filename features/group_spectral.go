package features

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/windpm/windpm/fft"
)

// SignalUnitSquared marks a column in the square of the capture's own unit
// (a power: g², (m/s²)², (mm/s)²).
const SignalUnitSquared = "signal^2"

// WelchSegmentSec is the Welch segment length of the spectral group in
// seconds: segments of round(WelchSegmentSec·rate) samples (the whole
// capture when it is shorter), so the PSD has bins 1 Hz apart at every
// sample rate and band powers do not depend on the rate.
const WelchSegmentSec = 1.0

// SpectralBandsHz are the edges of the spectral group's band powers: ten
// octave bands from 10 Hz to 10 240 Hz (10·2^k Hz), the same at every
// sample rate so that columns keep their meaning across captures.
var SpectralBandsHz = []float64{10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240}

// spectralPeaks is the number of dominant PSD peaks the group reports.
const spectralPeaks = 3

// spectralGroup computes features of the Welch PSD (Welch 1967) with
// scipy.signal.welch's defaults: periodic Hann window, segments of
// WelchSegmentSec overlapping by half (⌊segment/2⌋ samples), each segment's
// mean removed, one-sided density scaling, mean averaging. With P_k the
// PSD at f_k = k·Δf (Δf = rate/segment) and bins k ≥ 1 (the DC bin, near 0
// after detrending, is left out of every statistic but the total power):
//
//	total power     Σ_{k≥0} P_k·Δf (≈ the variance of x; Parseval)
//	band power      Σ_{lo ≤ f_k < hi} P_k·Δf
//	centroid        c = Σ f_k·P_k / Σ P_k
//	spread          √(Σ (f_k−c)²·P_k / Σ P_k)
//	entropy         −Σ p_k·ln p_k / ln K, p_k = P_k/Σ P_k, K bins (0..1)
//	flatness        exp(mean ln P_k) / mean P_k (0..1; 0 if any P_k = 0)
//
// (Peeters 2004, "A large set of audio features for sound description",
// for centroid, spread and flatness; Powell & Percival 1979 for the
// normalised spectral entropy.)
// It keeps one Welch estimator, rebuilt when the rate or the segment
// length changes, and its scratch, so captures of one length allocate
// nothing after the first.
type spectralGroup struct {
	bands     []string
	cols      []Column
	welch     *fft.Welch
	rateHz    float64
	psd, freq []float64
	cand      []int
	taken     []int
}

// newSpectralGroup returns the group with a band_power_<name> column for
// each component band, after the fixed spectral columns.
func newSpectralGroup(bands []string) *spectralGroup {
	g := &spectralGroup{bands: bands, cols: spectralColumns}
	if len(bands) > 0 {
		g.cols = slices.Clip(spectralColumns)
		for _, name := range bands {
			g.cols = append(g.cols, Column{
				"band_power_" + name, SignalUnitSquared,
				fmt.Sprintf("Σ P_k·Δf over Welch bins lo ≤ f_k < hi of the component band %s from the assets file (edges per sensor); null when the sensor has no such band or hi is above Nyquist", name),
			})
		}
	}
	return g
}

// spectralColumns are built once from SpectralBandsHz.
var spectralColumns = func() []Column {
	cols := []Column{{"total_power", SignalUnitSquared, "Σ_k P_k·Δf over the one-sided Welch PSD (Hann, 1 s segments, 50 % overlap, density): the variance of the signal"}}
	for i := 0; i+1 < len(SpectralBandsHz); i++ {
		lo, hi := SpectralBandsHz[i], SpectralBandsHz[i+1]
		cols = append(cols, Column{
			fmt.Sprintf("band_power_%g_%g_hz", lo, hi), SignalUnitSquared,
			fmt.Sprintf("Σ P_k·Δf over Welch bins %g Hz ≤ f_k < %g Hz; null when %g Hz is above Nyquist", lo, hi, hi),
		})
	}
	cols = append(cols,
		Column{"spectral_centroid_hz", "Hz", "Σ f_k·P_k / Σ P_k over Welch bins k ≥ 1"},
		Column{"spectral_spread_hz", "Hz", "√(Σ (f_k − centroid)²·P_k / Σ P_k) over Welch bins k ≥ 1"},
		Column{"spectral_entropy", "", "−Σ p_k ln p_k / ln K, p_k = P_k/Σ P_k over the K Welch bins k ≥ 1 (0 for a single line, 1 for white noise)"},
		Column{"spectral_flatness", "", "geometric mean / arithmetic mean of P_k over Welch bins k ≥ 1 (0..1)"},
	)
	for i := 1; i <= spectralPeaks; i++ {
		cols = append(cols,
			Column{fmt.Sprintf("peak%d_freq_hz", i), "Hz", fmt.Sprintf("frequency of the %s largest local maximum of the Welch PSD (at least 3 bins from a larger one), the P-weighted mean of its bin and the two neighbours", ordinal(i))},
			Column{fmt.Sprintf("peak%d_amp", i), SignalUnit, fmt.Sprintf("amplitude of the %s PSD peak, √(2·(P_{k−1}+P_k+P_{k+1})·Δf): a sinusoid of amplitude A reads A on a bin, 1.1 %% low half a bin off", ordinal(i))},
		)
	}
	return cols
}()

func ordinal(i int) string {
	switch i {
	case 1:
		return "1st"
	case 2:
		return "2nd"
	case 3:
		return "3rd"
	}
	return fmt.Sprintf("%dth", i)
}

func (g *spectralGroup) columns() []Column { return g.cols }

// estimator returns the Welch estimator for n samples at rateHz, building
// it (and the group's scratch) when the segment length or rate changes.
func (g *spectralGroup) estimator(n int, rateHz float64) (*fft.Welch, error) {
	seg := min(n, max(1, int(math.Round(WelchSegmentSec*rateHz))))
	if g.welch != nil && g.welch.Segment() == seg && g.rateHz == rateHz {
		return g.welch, nil
	}
	w, err := fft.NewWelch(seg, rateHz, fft.WelchOptions{})
	if err != nil {
		return nil, fmt.Errorf("spectral features: %w", err)
	}
	g.welch, g.rateHz = w, rateHz
	g.psd = make([]float64, w.Bins())
	g.freq = w.Frequencies(make([]float64, w.Bins()))
	g.cand = make([]int, 0, w.Bins())
	g.taken = make([]int, 0, spectralPeaks)
	return w, nil
}

func (g *spectralGroup) compute(dst []float64, in *Input) error {
	w, err := g.estimator(len(in.X), in.RateHz)
	if err != nil {
		return err
	}
	if err := w.Compute(g.psd, in.X); err != nil {
		return fmt.Errorf("spectral features: %w", err)
	}
	p, f := g.psd, g.freq
	df := in.RateHz / float64(w.Segment())
	nyq := in.RateHz / 2
	i := 0
	var total float64
	for _, v := range p {
		total += v
	}
	dst[i] = total * df
	i++
	for b := 0; b+1 < len(SpectralBandsHz); b++ {
		lo, hi := SpectralBandsHz[b], SpectralBandsHz[b+1]
		dst[i] = bandSum(p, f, lo, hi, nyq) * df
		i++
	}
	shape := dst[i : i+4]
	i += 4
	spectralShape(shape, p[1:], f[1:])
	g.peaks(dst[i:i+2*spectralPeaks], df)
	i += 2 * spectralPeaks
	for j, name := range g.bands {
		for _, own := range in.Kin.Bands {
			if own.Name == name {
				dst[i+j] = bandSum(p, f, own.LoHz, own.HiHz, nyq) * df
			}
		}
	}
	return nil
}

// bandSum returns Σ p_k over lo ≤ f_k < hi, NaN when hi is above nyqHz or
// no bin falls in the band.
func bandSum(p, f []float64, lo, hi, nyqHz float64) float64 {
	if hi > nyqHz {
		return math.NaN()
	}
	var sum float64
	found := false
	for k, fk := range f {
		if fk >= lo && fk < hi {
			sum += p[k]
			found = true
		}
	}
	if !found {
		return math.NaN()
	}
	return sum
}

// spectralShape writes centroid, spread, entropy and flatness of the PSD p
// at frequencies f into dst (len 4); NaN for a PSD that sums to 0.
func spectralShape(dst, p, f []float64) {
	var sum, fsum float64
	zero := false
	for k, v := range p {
		sum += v
		fsum += f[k] * v
		if v <= 0 {
			zero = true
		}
	}
	if !(sum > 0) {
		return
	}
	c := fsum / sum
	var s2, h, logSum float64
	for k, v := range p {
		d := f[k] - c
		s2 += d * d * v
		if v > 0 {
			q := v / sum
			h -= q * math.Log(q)
			logSum += math.Log(v)
		}
	}
	K := float64(len(p))
	dst[0] = c
	dst[1] = math.Sqrt(s2 / sum)
	dst[2] = math.NaN()
	if len(p) > 1 {
		dst[2] = h / math.Log(K)
	}
	if zero {
		dst[3] = 0
	} else {
		dst[3] = math.Exp(logSum/K) / (sum / K)
	}
}

// peaks writes the frequency and amplitude of the largest PSD peaks into
// dst (freq, amp pairs); pairs with no peak stay NaN. A peak is a bin
// strictly above its left neighbour and not below its right one, bins 1 to
// K−2; peaks are taken from the highest down (the lower bin first among
// equals) and dropped when closer than 3 bins to one already taken, which
// keeps one line's Hann main lobe (±2 bins) from being reported twice.
func (g *spectralGroup) peaks(dst []float64, df float64) {
	p, f := g.psd, g.freq
	g.cand = g.cand[:0]
	for k := 1; k+1 < len(p); k++ {
		if p[k] > p[k-1] && p[k] >= p[k+1] {
			g.cand = append(g.cand, k)
		}
	}
	slices.SortStableFunc(g.cand, func(a, b int) int { return cmp.Compare(p[b], p[a]) })
	g.taken = g.taken[:0]
	for _, k := range g.cand {
		if len(g.taken) == spectralPeaks {
			break
		}
		near := false
		for _, j := range g.taken {
			if k-j < 3 && j-k < 3 {
				near = true
				break
			}
		}
		if near {
			continue
		}
		g.taken = append(g.taken, k)
		pw := p[k-1] + p[k] + p[k+1]
		i := 2 * (len(g.taken) - 1)
		dst[i] = math.NaN()
		if pw > 0 {
			dst[i] = (f[k-1]*p[k-1] + f[k]*p[k] + f[k+1]*p[k+1]) / pw
		}
		dst[i+1] = math.Sqrt(2 * pw * df)
	}
}
