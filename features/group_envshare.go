package features

import (
	"fmt"
	"math"

	"github.com/windpm/windpm/fft"
)

// EnvelopeShareBands are the demodulation bands of the envelope-share
// group, as fractions of the sample rate: the lower and the upper part of
// the usable spectrum and both together. Fixed bands rather than the
// kurtogram's choice: on CWRU the kurtogram often picks a band of little
// spectral kurtosis where the defect lines barely clear the floor
// (docs/evaluation.md, diagnose), and reading several bands lets the
// lines show in whichever resonance carries them. Their lower edges leave
// out the shaft and gear lines (below rate/24, 500 Hz at 12 kHz), their
// upper edges the anti-aliasing roll-off (0.45 × rate, as the bearing
// group).
var EnvelopeShareBands = []struct {
	Name           string
	LoFrac, HiFrac float64
}{
	{"low", 1.0 / 24, 1.0 / 4},
	{"high", 1.0 / 4, bearingNyquistFraction},
	{"wide", 1.0 / 12, bearingNyquistFraction},
}

// envShareFamilies are the defect families the envelope-share group
// compares, each read at harmonics 1..envShareHarmonics of its
// fundamental: BPFO, BPFI, 2×BSF (a ball defect strikes both races once
// per spin revolution, so its impacts repeat at 2×BSF) and FTF.
var envShareFamilies = []struct {
	name string
	doc  string
	// order returns the fundamental in shaft orders.
	order func(DefectOrders) float64
}{
	{"bpfo", "BPFO (outer race)", func(o DefectOrders) float64 { return o.BPFO }},
	{"bpfi", "BPFI (inner race)", func(o DefectOrders) float64 { return o.BPFI }},
	{"bsf", "2×BSF (ball)", func(o DefectOrders) float64 { return 2 * o.BSF }},
	{"ftf", "FTF (cage)", func(o DefectOrders) float64 { return o.FTF }},
}

// envShareHarmonics is the number of harmonics read per family.
const envShareHarmonics = 3

var envShareColumns = func() []Column {
	var cols []Column
	for _, b := range EnvelopeShareBands {
		for _, f := range envShareFamilies {
			cols = append(cols, Column{fmt.Sprintf("env_share_%s_%s", f.name, b.Name), "",
				fmt.Sprintf("share of the %s family in the envelope spectrum of the %s band (%.4g–%.4g × rate): E_%s/Σ_F E_F over BPFO, BPFI, 2×BSF and FTF, E_F = Σ_{h=1..3} max(A_h² − floor_h², 0), A_h the largest bin within ±2 %% of h × the fundamental and floor_h its local median floor as in bpfo_db; null when no line stands above its floor",
					f.doc, b.Name, b.LoFrac, b.HiFrac, f.name)})
		}
	}
	return cols
}()

// envShareGroup computes amplitude-free envelope features when the
// bearing and the speed are known (Kinematics.Bearing != nil and RPM > 0;
// otherwise every column is NaN): how the energy of the envelope
// spectrum's defect lines is shared between the defect families. For each
// band of EnvelopeShareBands:
//
//  1. the envelope of the mean-removed signal band-passed to the band,
//     as in the bearing group (4th-order Butterworth forwards and
//     backwards, modulus of the analytic signal, mean removed), and its
//     Hann amplitude spectrum A;
//  2. for each family F (BPFO, BPFI, 2×BSF, FTF) and harmonic h = 1..3 at
//     f = h·order_F·rpm/60, the line amplitude A_h (the largest bin
//     within ±floor(t/Δf) bins of f, t = 2 % of f) and its local floor
//     (lineFloor: the median of the surrounding bins), exactly as the
//     bearing group's bpfo_db…ftf_3x_db; a harmonic whose window reaches
//     within 3 bins of DC, beyond the spectrum, or whose f + t exceeds the
//     band's width is left out;
//  3. E_F = Σ_h max(A_h² − floor_h², 0), the power of the family's lines
//     above the floor, and the share S_F = E_F / Σ_F' E_F'.
//
// The shares sum to 1 in each band and are NaN when no line stands above
// its floor. They are unchanged when the signal is scaled: a larger
// defect of the same kind raises all of its lines (and the floor) but
// not which family holds them, which is what names the fault (Randall &
// Antoni 2011, §3). The group keeps its filters, Hilbert transform and
// spectrum per signal length and rate, and belongs to one goroutine.
type envShareGroup struct {
	n      int
	rateHz float64
	x, env []float64
	spec   []float64
	plans  *plans
	zp     []*fft.ZeroPhase
	scr    []float64
}

// newEnvShareGroup returns an envelope-share group with its own plans, or
// with p when given (an Extractor's, shared with other groups).
func newEnvShareGroup(p ...*plans) *envShareGroup {
	if len(p) > 0 {
		return &envShareGroup{plans: p[0]}
	}
	return &envShareGroup{plans: &plans{}}
}

func (g *envShareGroup) columns() []Column { return envShareColumns }

// prepare builds the group's plans and filters for n samples at fs.
func (g *envShareGroup) prepare(n int, fs float64) error {
	if n == g.n && fs == g.rateHz {
		return nil
	}
	g.n, g.rateHz = 0, 0
	zp := make([]*fft.ZeroPhase, len(EnvelopeShareBands))
	for i, b := range EnvelopeShareBands {
		sos, err := fft.Butterworth(4, fft.Bandpass, []float64{b.LoFrac * fs, b.HiFrac * fs}, fs)
		if err == nil {
			zp[i], err = fft.NewZeroPhase(sos, n)
		}
		if err != nil {
			return fmt.Errorf("envelope-share features: band %s: %w", b.Name, err)
		}
	}
	g.zp = zp
	g.x, g.env, g.spec = make([]float64, n), make([]float64, n), make([]float64, n/2+1)
	g.n, g.rateHz = n, fs
	return nil
}

func (g *envShareGroup) compute(dst []float64, in *Input) error {
	if in.Kin.Bearing == nil || !(in.Kin.RPM > 0) {
		return nil
	}
	n, fs := len(in.X), in.RateHz
	if err := g.prepare(n, fs); err != nil {
		return err
	}
	centreInto(g.x, in.X)
	amp, err := g.plans.hann(n)
	if err != nil {
		return fmt.Errorf("envelope-share features: %w", err)
	}
	hil, err := g.plans.hilbert(n)
	if err != nil {
		return fmt.Errorf("envelope-share features: %w", err)
	}
	fr := in.Kin.RPM / 60
	binHz := fs / float64(n)
	nf := len(envShareFamilies)
	for b, band := range EnvelopeShareBands {
		g.zp[b].Apply(g.env, g.x)
		hil.Magnitude(g.env, g.env)
		var s float64
		for _, v := range g.env {
			s += v
		}
		m := s / float64(n)
		for i := range g.env {
			g.env[i] -= m
		}
		amp.Compute(g.spec, g.env)
		width := (band.HiFrac - band.LoFrac) * fs
		part := dst[b*nf : (b+1)*nf]
		var total float64
		for f, fam := range envShareFamilies {
			var e float64
			for h := 1; h <= envShareHarmonics; h++ {
				freq := float64(h) * fam.order(*in.Kin.Bearing) * fr
				var p float64
				p, g.scr = linePowerAboveFloor(g.spec, binHz, freq, bearingSlip*freq, width, g.scr)
				e += p
			}
			part[f] = e
			total += e
		}
		for f := range part {
			if total > 0 {
				part[f] /= total
			} else {
				part[f] = math.NaN()
			}
		}
	}
	return nil
}

// linePowerAboveFloor returns max(A² − floor², 0) for the line at f
// (tolerance tol) of the amplitude spectrum a, with A and floor as lineDB
// reads them, or 0 when lineDB would give NaN (the line is not readable).
// scr is scratch for the floor's median; the possibly grown scratch is
// returned.
func linePowerAboveFloor(a []float64, binHz, f, tol, widthHz float64, scr []float64) (float64, []float64) {
	last := len(a) - 1
	k0 := int(math.Floor(f/binHz + 0.5))
	w := int(tol / binHz)
	if !(f > 0) || f+tol > widthHz || k0-w < bearingDCBins || k0+w > last {
		return 0, scr
	}
	amp := 0.0
	for k := k0 - w; k <= k0+w; k++ {
		amp = math.Max(amp, a[k])
	}
	floor, scr := lineFloor(a, k0, w, tol/binHz, scr)
	if !(floor > 0) {
		return 0, scr
	}
	return math.Max(amp*amp-floor*floor, 0), scr
}
