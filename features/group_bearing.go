package features

import (
	"fmt"
	"math"

	"github.com/windpm/windpm/fft"
)

// Rules of the bearing feature group; testdata/kurtogram/kurtogram.py
// applies the same ones.
const (
	// bearingSlip is the relative tolerance of the line search: rolling
	// elements slip, so a measured defect frequency differs from the
	// kinematic one by 1–2 % (Randall & Antoni 2011, §2.1).
	bearingSlip = 0.02
	// bearingNyquistFraction caps the upper edge of a kurtogram band:
	// sensors' anti-aliasing filters roll off above about 0.4–0.45 of the
	// sample rate, so demodulating up to Nyquist would mostly envelope
	// the filter's transition band.
	bearingNyquistFraction = 0.45
	// bearingDCBins: a line nearer than this many bins to 0 Hz (its search
	// window included) sits in the Hann main lobe of the envelope's DC
	// and slow trends, and is not read.
	bearingDCBins = 3
	// bearingFloorGuard and bearingFloorMinBins shape the noise-floor
	// window (see lineDB); bearingFloorSpan is its half-width in units of
	// the search tolerance.
	bearingFloorGuard   = 2
	bearingFloorMinBins = 10
	bearingFloorSpan    = 5
)

// bearingLine is one envelope-spectrum line the group reads.
type bearingLine struct {
	name, doc string
	// family picks the defect frequency, harmonic multiplies it; side is
	// −1 or +1 for the shaft-rate sidebands of BPFI, 0 otherwise.
	family   string
	harmonic int
	side     int
}

// nBearingLines is the number of lines the group reads.
const nBearingLines = 16

var bearingLines = [nBearingLines]bearingLine{
	{"bpfo_db", "BPFO", "BPFO", 1, 0},
	{"bpfo_2x_db", "2×BPFO", "BPFO", 2, 0},
	{"bpfo_3x_db", "3×BPFO", "BPFO", 3, 0},
	{"bpfi_db", "BPFI", "BPFI", 1, 0},
	{"bpfi_2x_db", "2×BPFI", "BPFI", 2, 0},
	{"bpfi_3x_db", "3×BPFI", "BPFI", 3, 0},
	{"bpfi_sb_minus_db", "BPFI − 1× shaft, the lower shaft-rate sideband of an inner-race defect turning through the load zone", "BPFI", 1, -1},
	{"bpfi_sb_plus_db", "BPFI + 1× shaft, the upper shaft-rate sideband", "BPFI", 1, +1},
	{"bsf_db", "BSF, the classical ball-spin frequency D/(2d)·(1 − r²)·shaft", "BSF", 1, 0},
	{"bsf_2x_db", "2×BSF: both the second harmonic of BSF and the fundamental of a ball defect striking both races (what CWRU calls \"BSF\")", "BSF", 2, 0},
	{"bsf_3x_db", "3×BSF", "BSF", 3, 0},
	{"bsf_4x_db", "4×BSF, the second harmonic of a ball defect's 2×BSF", "BSF", 4, 0},
	{"bsf_6x_db", "6×BSF, the third harmonic of a ball defect's 2×BSF", "BSF", 6, 0},
	{"ftf_db", "FTF, the cage frequency", "FTF", 1, 0},
	{"ftf_2x_db", "2×FTF", "FTF", 2, 0},
	{"ftf_3x_db", "3×FTF", "FTF", 3, 0},
}

// bearingColumns are the group's columns: one per bearingLines entry,
// then the demodulation band and its spectral kurtosis.
var bearingColumns = func() []Column {
	cols := make([]Column, 0, len(bearingLines)+3)
	for _, l := range bearingLines {
		t := "2 % of the line"
		if l.side != 0 {
			t = "2 % of BPFI"
		}
		cols = append(cols, Column{l.name, "dB",
			"envelope-spectrum line at " + l.doc + ", above its local noise floor: 20·log10(largest bin within ±t of the line / median of the bins within ±max(5t, t + 12 bins) outside ±(t + 2 bins)), t = " + t +
				"; NaN when line + t exceeds the demodulation bandwidth or the search reaches within 3 bins of 0 Hz"})
	}
	return append(cols,
		Column{"envelope_band_lo_hz", "Hz", "lower edge of the envelope demodulation band: the fast-kurtogram band of largest spectral kurtosis not touching 0 Hz and at least as wide as the highest line read, or the configured band"},
		Column{"envelope_band_hi_hz", "Hz", "upper edge of the envelope demodulation band, at most 0.45× the sample rate for a kurtogram band"},
		Column{"envelope_band_kurtosis", "", "spectral kurtosis of the demodulated band: E|c|⁴/(E|c|²)² − 2 of its analytic signal c (the Butterworth band-passed signal plus i× its Hilbert transform); 0 for Gaussian noise"},
	)
}()

// bearingGroup computes envelope-analysis features when the bearing and
// the speed are known (Kinematics.Bearing != nil and RPM > 0; otherwise
// every column is NaN). With f_r = rpm/60 and the defect orders of
// Kinematics.Bearing:
//
//  1. The signal's mean is removed.
//  2. The demodulation band is Config.EnvelopeLoHz–EnvelopeHiHz when given
//     (the group is NaN when it does not fit below Nyquist; a band with
//     only one edge is a low- or high-pass as in fft.NewEnvelope);
//     otherwise the fast kurtogram (Kurtogram, Antoni 2007) chooses it:
//     among the bands whose lower edge is above 0 Hz (so that shaft and
//     gear lines near DC do not pull the choice) and whose width, after
//     capping the upper edge at 0.45× the rate, is at least the highest
//     line read below (the envelope of a band of width B holds no
//     frequency above B, so a narrower band would erase the lines the
//     group measures), the one of largest spectral kurtosis; ties go to
//     the coarser level, then the lower band. The kurtogram has
//     min(DefaultKurtogramLevels(n), floor(log2(rate/B_min) − 1) + 1)
//     levels, the fewest that hold every admissible band. When no band
//     qualifies, DefaultEnvelopeBand is used.
//  3. The envelope over the whole capture, as fft.NewEnvelopeWith makes it
//     (4th-order Butterworth band-pass applied forwards and backwards like
//     scipy's sosfiltfilt, then the modulus of the analytic signal), and
//     its spectrum: the Hann amplitude spectrum of the envelope minus its
//     mean, peak-scaled.
//  4. For each line at frequency f with tolerance t = 2 % of f (of BPFI for
//     the sidebands BPFI ± f_r), the amplitude A is the largest bin within
//     ±floor(t/Δf) bins of the bin nearest f, and the local noise floor
//     the median of the bins within ±max(floor(5t/Δf), w + 12) of it,
//     leaving out the search window and its 2-bin guard (w + 2, w the
//     search half-width; the Hann main lobe) and the DC bin. The column is
//     20·log10(A/floor) in dB. It is NaN when f + t exceeds the band's
//     width, when the search window reaches within 3 bins of 0 Hz, or
//     when the floor is 0.
//
// Lines of different families may fall within each other's windows (at
// CWRU's 6205, 3×BSF lies 1.3 % from 2×BPFO); a column then reads the
// larger of the two, which the tolerance cannot avoid. The group keeps its
// kurtogram analyser and envelope per signal length (the envelope also per
// band, rebuilt when the band changes) and belongs to one goroutine.
type bearingGroup struct {
	cfg Config

	n      int
	x, env []float64
	spec   []float64
	scr    []float64
	plans  *plans

	kurt *Kurtogram

	// zp is the band-pass of the last band, zpRate, zpLo, zpHi its design.
	zp                 *fft.ZeroPhase
	zpRate, zpLo, zpHi float64
}

// newBearingGroup returns a bearing group with its own plans, or with p
// when given (an Extractor's, shared with other groups).
func newBearingGroup(cfg Config, p ...*plans) *bearingGroup {
	if len(p) > 0 {
		return &bearingGroup{cfg: cfg, plans: p[0]}
	}
	return &bearingGroup{cfg: cfg, plans: &plans{}}
}

func (g *bearingGroup) columns() []Column { return bearingColumns }

// bearingLineFreqs returns the frequency and search tolerance of each
// bearingLines entry at shaft rate fr.
func bearingLineFreqs(o DefectOrders, fr float64) (freq, tol [nBearingLines]float64) {
	for i, l := range bearingLines {
		var order float64
		switch l.family {
		case "BPFO":
			order = o.BPFO
		case "BPFI":
			order = o.BPFI
		case "BSF":
			order = o.BSF
		case "FTF":
			order = o.FTF
		}
		f := float64(l.harmonic) * order * fr
		tol[i] = bearingSlip * f
		freq[i] = f + float64(l.side)*fr
	}
	return freq, tol
}

func (g *bearingGroup) compute(dst []float64, in *Input) error {
	if in.Kin.Bearing == nil || !(in.Kin.RPM > 0) {
		return nil
	}
	n, fs := len(in.X), in.RateHz
	if n != g.n {
		g.n = n
		g.x = make([]float64, n)
		g.env = make([]float64, n)
		g.spec = make([]float64, n/2+1)
		g.kurt, g.zp = nil, nil
	}
	amp, err := g.plans.hann(n)
	if err != nil {
		return fmt.Errorf("bearing features: %w", err)
	}
	hil, err := g.plans.hilbert(n)
	if err != nil {
		return fmt.Errorf("bearing features: %w", err)
	}
	centreInto(g.x, in.X)

	freq, tol := bearingLineFreqs(*in.Kin.Bearing, in.Kin.RPM/60)
	minBW := 0.0
	for i := range freq {
		minBW = math.Max(minBW, freq[i]+tol[i])
	}
	if !(minBW > 0) {
		return nil // no defect frequency is positive: nothing to read
	}

	lo, hi := g.cfg.EnvelopeLoHz, g.cfg.EnvelopeHiHz
	var width float64
	if lo == 0 && hi == 0 {
		var err error
		if lo, hi, err = g.kurtogramBand(fs, minBW); err != nil {
			return err
		}
		width = hi - lo
	} else {
		if lo >= fs/2 || hi >= fs/2 {
			return nil // the configured band does not exist at this rate
		}
		switch {
		case hi == 0:
			width = fs/2 - lo
		default:
			width = hi - lo
		}
	}

	// The envelope is fft.Envelope's (NewEnvelopeWith, order 4):
	// sosfiltfilt with the Butterworth design, then |hilbert|. It is put
	// together here from its parts so that the Hilbert plan is kept across
	// bands: a new fft.Envelope per band costs 14 ms and 29 MB at 256,000
	// samples, the filter alone 0.6 ms.
	if g.zp == nil || g.zpRate != fs || g.zpLo != lo || g.zpHi != hi {
		var sos fft.SOS
		var err error
		switch {
		case lo == 0:
			sos, err = fft.Butterworth(4, fft.Lowpass, []float64{hi}, fs)
		case hi == 0:
			sos, err = fft.Butterworth(4, fft.Highpass, []float64{lo}, fs)
		default:
			sos, err = fft.Butterworth(4, fft.Bandpass, []float64{lo, hi}, fs)
		}
		if err == nil {
			g.zp, err = fft.NewZeroPhase(sos, n)
		}
		if err != nil {
			return fmt.Errorf("bearing features: envelope band %g–%g Hz: %w", lo, hi, err)
		}
		g.zpRate, g.zpLo, g.zpHi = fs, lo, hi
	}
	g.zp.Apply(g.env, g.x)
	hil.Magnitude(g.env, g.env)
	sk := centreEnvelope(g.env)
	nf := float64(n)
	amp.Compute(g.spec, g.env)

	binHz := fs / nf
	for i := range bearingLines {
		var v float64
		v, g.scr = lineDB(g.spec, binHz, freq[i], tol[i], width, g.scr)
		dst[i] = v
	}
	k := len(bearingLines)
	dst[k], dst[k+1], dst[k+2] = lo, hi, sk
	return nil
}

// kurtogramBand returns the demodulation band the fast kurtogram chooses
// for lines up to minBW (see bearingGroup).
func (g *bearingGroup) kurtogramBand(fs, minBW float64) (lo, hi float64, err error) {
	levels := min(DefaultKurtogramLevels(g.n), int(math.Floor(math.Log2(fs/minBW)-1))+1)
	if levels >= 1 {
		if g.kurt == nil || g.kurt.Levels() != levels {
			if g.kurt, err = NewKurtogram(g.n, levels); err != nil {
				return 0, 0, fmt.Errorf("bearing features: %w", err)
			}
		}
		res := g.kurt.Compute(g.x, fs)
		capHz := bearingNyquistFraction * fs
		b, ok := res.MaxWhere(func(b KurtogramBand) bool {
			return b.LoHz > 0 && math.Min(b.HiHz, capHz)-b.LoHz >= minBW
		})
		if ok {
			return b.LoHz, math.Min(b.HiHz, capHz), nil
		}
	}
	lo, hi = DefaultEnvelopeBand(fs)
	return lo, hi, nil
}

// lineDB returns the level in dB of the envelope-spectrum line at f
// (tolerance tol, both in Hz) above its local noise floor, in a spectrum a
// of bins binHz apart that holds frequencies up to widthHz, or NaN (see
// bearingGroup for the rule). scr is scratch for the floor's median; the
// possibly grown scratch is returned.
func lineDB(a []float64, binHz, f, tol, widthHz float64, scr []float64) (float64, []float64) {
	last := len(a) - 1
	k0 := int(math.Floor(f/binHz + 0.5))
	w := int(tol / binHz)
	if f+tol > widthHz || k0-w < bearingDCBins || k0+w > last {
		return math.NaN(), scr
	}
	amp := 0.0
	for k := k0 - w; k <= k0+w; k++ {
		amp = math.Max(amp, a[k])
	}
	floor, scr := lineFloor(a, k0, w, tol/binHz, scr)
	if !(floor > 0) || !(amp > 0) {
		return math.NaN(), scr
	}
	return 20 * math.Log10(amp/floor), scr
}

// lineFloor returns the local noise floor of a line searched in the
// window k0 ± w of the spectrum a: the median of the bins within
// ±max(bearingFloorSpan·tolBins, w + bearingFloorGuard +
// bearingFloorMinBins) of k0, leaving out the window and its guard of
// bearingFloorGuard bins, and DC; 0 when no bin is left. scr is scratch
// for the median; the possibly grown scratch is returned.
func lineFloor(a []float64, k0, w int, tolBins float64, scr []float64) (float64, []float64) {
	last := len(a) - 1
	guard := w + bearingFloorGuard
	span := max(int(bearingFloorSpan*tolBins), guard+bearingFloorMinBins)
	scr = scr[:0]
	for k := max(1, k0-span); k <= min(last, k0+span); k++ {
		if k < k0-guard || k > k0+guard {
			scr = append(scr, a[k])
		}
	}
	return medianOf(scr), scr
}

// centreEnvelope returns the spectral kurtosis of the envelope env,
// E|e|⁴ / (E|e|²)² − 2 (NaN for an all-zero envelope), and removes env's
// mean in place, so that its amplitude spectrum shows the lines and not
// the mean.
func centreEnvelope(env []float64) float64 {
	var s1, s2, s4 float64
	for _, v := range env {
		s1 += v
		p := v * v
		s2 += p
		s4 += p * p
	}
	nf := float64(len(env))
	sk := math.NaN()
	if s2 > 0 {
		sk = (s4/nf)/((s2/nf)*(s2/nf)) - 2
	}
	m := s1 / nf
	for i := range env {
		env[i] -= m
	}
	return sk
}
