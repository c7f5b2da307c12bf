package features

import (
	"fmt"
	"math"

	"github.com/windpm/windpm/fft"
)

// lineSpectrum computes the amplitude spectrum of a whole capture with
// ComputeSpectrum's conventions (mean removed, periodic Hann window,
// peak scaling: a tone of amplitude A centred on a bin reads A), keeping
// its analyser and buffers for the last capture length.
type lineSpectrum struct {
	plans *plans
	buf   []float64
	s     Spectrum
	// shared marks the spectrum the order and gear groups of one
	// Extractor share: the first of them to ask computes it, the other
	// reads it (fresh), and the Extractor clears fresh before every input.
	shared, fresh bool
	rateHz        float64
}

// compute returns the spectrum of x at rateHz; it stays valid until the
// next call.
func (l *lineSpectrum) compute(x []float64, rateHz float64) (*Spectrum, error) {
	n := len(x)
	if l.shared && l.fresh && len(l.buf) == n && l.rateHz == rateHz {
		return &l.s, nil
	}
	amp, err := l.plans.hann(n)
	if err != nil {
		return nil, err
	}
	if len(l.buf) != n {
		l.buf = make([]float64, n)
		l.s = Spectrum{FreqHz: make([]float64, n/2+1), Amplitude: make([]float64, n/2+1), Window: fft.Hann}
	}
	fft.BinFrequencies(l.s.FreqHz, n, rateHz)
	centreInto(l.buf, x)
	amp.Compute(l.s.Amplitude, l.buf)
	l.fresh, l.rateHz = true, rateHz
	return &l.s, nil
}

// orderTolerance returns the half-width in hertz of the search window of a
// line at freqHz: ±2 % of the line frequency (speed wander within a
// capture; the ±1–2 % slip of Randall & Antoni 2011 §2.1), but at least
// ±2 bins, the main lobe of the Hann window.
func orderTolerance(freqHz, binHz float64) float64 {
	return math.Max(0.02*freqHz, 2*binHz)
}

// OrderBandCentres are the centres, in orders of the reference shaft
// speed, of the octave bands of the order-normalised energy fractions:
// band c spans c/√2 ≤ order < c·√2, so no integer harmonic sits on an
// edge (1× in 0.71–1.41×, 2× in 1.41–2.83×, 3× and 4× in 2.83–5.66×, …).
// Below them, order_energy_subsync covers 0 < order < 1/√2.
var OrderBandCentres = []float64{1, 2, 4, 8, 16, 32, 64, 128}

// orderHarmonics is the number of shaft harmonics whose amplitude is a
// column.
const orderHarmonics = 3

// orderGroup computes shaft-order features when the speed is known
// (Kinematics.RPM > 0; otherwise every column is NaN), on the Hann
// amplitude spectrum A_k of the whole capture (lineSpectrum), f_s = rpm/60:
//
//	order_hx           max A_k within ±orderTolerance of h·f_s (h = 1, 2, 3)
//	order_energy_cx    Σ_{c/√2·f_s ≤ f_k < c·√2·f_s} P_k / Σ_{k≥1} P_k
//	order_energy_subsync  the same over 0 < f_k < f_s/√2
//
// with P_k = A_k²/2 (A_k² at Nyquist) the power of bin k, DC left out,
// and c in OrderBandCentres.
// The fractions depend on the spectrum's shape relative to the shaft speed,
// not on the speed or the level, so they transfer across operating points;
// they sum to less than 1 when energy lies above 181× (128·√2) or above
// the last band that fits below Nyquist. A line or band above Nyquist is NaN.
type orderGroup struct{ spec *lineSpectrum }

// newOrderGroup returns an order group with its own spectrum, or with
// spec when given (shared with the gear group).
func newOrderGroup(spec ...*lineSpectrum) *orderGroup {
	if len(spec) > 0 {
		return &orderGroup{spec: spec[0]}
	}
	return &orderGroup{spec: &lineSpectrum{plans: &plans{}}}
}

var orderColumns = func() []Column {
	var cols []Column
	for h := 1; h <= orderHarmonics; h++ {
		cols = append(cols, Column{fmt.Sprintf("order_%dx", h), SignalUnit,
			fmt.Sprintf("largest Hann amplitude-spectrum bin within ±max(2 %%, 2 bins) of %d× shaft speed (peak amplitude of the line)", h)})
	}
	cols = append(cols, Column{"order_energy_subsync", "",
		"fraction of the spectrum's power (bins k ≥ 1) below 1/√2 × shaft speed"})
	for _, c := range OrderBandCentres {
		cols = append(cols, Column{fmt.Sprintf("order_energy_%gx", c), "",
			fmt.Sprintf("fraction of the spectrum's power (bins k ≥ 1) in the octave %g/√2 ≤ order < %g·√2 of shaft speed; null if its top is above Nyquist", c, c)})
	}
	return cols
}()

func (g *orderGroup) columns() []Column { return orderColumns }

func (g *orderGroup) compute(dst []float64, in *Input) error {
	if !(in.Kin.RPM > 0) {
		return nil
	}
	s, err := g.spec.compute(in.X, in.RateHz)
	if err != nil {
		return fmt.Errorf("order features: %w", err)
	}
	shaftHz := in.Kin.RPM / 60
	nyq := in.RateHz / 2
	binHz := s.FreqHz[1]
	for h := 1; h <= orderHarmonics; h++ {
		f := float64(h) * shaftHz
		if f <= nyq {
			dst[h-1] = s.LineAmplitude(f, orderTolerance(f, binHz))
		}
	}
	orderEnergies(dst[orderHarmonics:], s, shaftHz, nyq, len(in.X))
	return nil
}

// orderEnergies writes the fractions of the power of spectrum s (of an
// n-sample capture with Nyquist frequency nyqHz) in the order bands of
// bands of OrderBandCentres (after the sub-synchronous band) at shaft
// rate shaftHz.
func orderEnergies(dst []float64, s *Spectrum, shaftHz, nyqHz float64, n int) {
	power := func(k int) float64 {
		a := s.Amplitude[k]
		if 2*k == n {
			return a * a
		}
		return a * a / 2
	}
	var total float64
	for k := 1; k < len(s.Amplitude); k++ {
		total += power(k)
	}
	if !(total > 0) {
		return
	}
	for i := -1; i < len(OrderBandCentres); i++ {
		lo, hi := 0.0, shaftHz/math.Sqrt2
		if i >= 0 {
			lo, hi = OrderBandCentres[i]*shaftHz/math.Sqrt2, OrderBandCentres[i]*shaftHz*math.Sqrt2
		}
		if hi > nyqHz {
			continue
		}
		var sum float64
		for k := 1; k < len(s.Amplitude) && s.FreqHz[k] < hi; k++ {
			if s.FreqHz[k] >= lo {
				sum += power(k)
			}
		}
		dst[i+1] = sum / total
	}
}
