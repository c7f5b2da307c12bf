package features

import (
	"fmt"
	"math"

	"github.com/windpm/windpm/fft"
)

// ThirdOctaveNominalHz are the nominal centre frequencies of the
// third-octave bands of the band-share group (ISO 266 preferred numbers,
// 100 Hz to 10 kHz). The exact band is base 10 (IEC 61260-1:2014, §5.2,
// 5.4): centre f_m = 1000·10^(n/10) Hz for n = −10 … 10, edges
// f_m·10^(±1/20).
var ThirdOctaveNominalHz = []int{100, 125, 160, 200, 250, 315, 400, 500, 630, 800,
	1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000}

// thirdOctaveFirst is the index n of the first band (100 Hz) in
// f_m = 1000·10^(n/10).
const thirdOctaveFirst = -10

// ThirdOctaveEdges returns the exact lower and upper edge in hertz of
// band i of ThirdOctaveNominalHz (IEC 61260-1 base-10 third octaves).
func ThirdOctaveEdges(i int) (lo, hi float64) {
	fm := 1000 * math.Pow(10, float64(thirdOctaveFirst+i)/10)
	return fm * math.Pow(10, -1.0/20), fm * math.Pow(10, 1.0/20)
}

// bandShareColumns are the band-share group's columns, one per
// ThirdOctaveNominalHz entry.
var bandShareColumns = func() []Column {
	cols := make([]Column, len(ThirdOctaveNominalHz))
	for i, c := range ThirdOctaveNominalHz {
		lo, hi := ThirdOctaveEdges(i)
		cols[i] = Column{fmt.Sprintf("third_octave_share_%d_hz", c), "",
			fmt.Sprintf("fraction of the Welch PSD's power (bins k ≥ 1) in the base-10 third octave of nominal centre %d Hz, %.4g Hz ≤ f_k < %.4g Hz (IEC 61260-1): Σ_band P_k / Σ_{k≥1} P_k; null when the band's top is above Nyquist or it holds no bin", c, lo, hi)}
	}
	return cols
}()

// bandShareGroup computes the shape of the spectrum independent of its
// level: the share of the signal's power in each third-octave band,
// S_b = Σ_{lo_b ≤ f_k < hi_b} P_k / Σ_{k≥1} P_k, on the Welch PSD of the
// spectral group (scipy.signal.welch defaults, segments of
// WelchSegmentSec, so 1 Hz bins at every rate). Scaling the signal by any
// constant leaves every share unchanged: they describe which structural
// resonances the machine's excitation reaches (how a defect's impacts
// travel to the sensor), not how strong the excitation is, which is what
// a fault's size changes. Third octaves are the standard acoustic and
// vibration analysis bands (IEC 61260-1), fine enough to separate
// resonances a few hundred hertz apart at kilohertz frequencies. A band
// is NaN when its upper edge is above Nyquist or it holds no bin, and
// every band is NaN when the power above DC is 0. The group keeps its
// Welch estimator per segment length and rate.
type bandShareGroup struct {
	welch     *fft.Welch
	rateHz    float64
	psd, freq []float64
}

func newBandShareGroup() *bandShareGroup { return &bandShareGroup{} }

func (g *bandShareGroup) columns() []Column { return bandShareColumns }

func (g *bandShareGroup) compute(dst []float64, in *Input) error {
	seg := min(len(in.X), max(1, int(math.Round(WelchSegmentSec*in.RateHz))))
	if g.welch == nil || g.welch.Segment() != seg || g.rateHz != in.RateHz {
		w, err := fft.NewWelch(seg, in.RateHz, fft.WelchOptions{})
		if err != nil {
			return fmt.Errorf("band-share features: %w", err)
		}
		g.welch, g.rateHz = w, in.RateHz
		g.psd = make([]float64, w.Bins())
		g.freq = w.Frequencies(make([]float64, w.Bins()))
	}
	if err := g.welch.Compute(g.psd, in.X); err != nil {
		return fmt.Errorf("band-share features: %w", err)
	}
	var total float64
	for _, v := range g.psd[1:] {
		total += v
	}
	if !(total > 0) {
		return nil
	}
	nyq := in.RateHz / 2
	for i := range ThirdOctaveNominalHz {
		lo, hi := ThirdOctaveEdges(i)
		if s := bandSum(g.psd[1:], g.freq[1:], lo, hi, nyq); !math.IsNaN(s) {
			dst[i] = s / total
		}
	}
	return nil
}
