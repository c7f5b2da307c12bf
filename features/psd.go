package features

import (
	"fmt"
	"math"

	"github.com/windpm/windpm/fft"
)

// PSD computes the power spectral density stored with a feature row
// (windpm features --spectra): Welch's method as the spectral group uses
// it — segments of WelchSegmentSec (1 Hz resolution), Hann, half overlap,
// mean removed per segment, one-sided density in signal unit²/Hz
// (scipy.signal.welch's defaults). All rows of a table share one
// frequency axis, so a PSD is made for one sample rate. A PSD belongs to
// one goroutine.
type PSD struct {
	rateHz float64
	w      *fft.Welch
	buf    []float64
}

// NewPSD returns a PSD for captures sampled at rateHz.
func NewPSD(rateHz float64) (*PSD, error) {
	if !(rateHz > 0) || math.IsInf(rateHz, 0) {
		return nil, fmt.Errorf("PSD: sample rate %g Hz is not positive", rateHz)
	}
	seg := int(math.Round(WelchSegmentSec * rateHz))
	w, err := fft.NewWelch(seg, rateHz, fft.WelchOptions{})
	if err != nil {
		return nil, fmt.Errorf("PSD: %w", err)
	}
	return &PSD{rateHz: rateHz, w: w, buf: make([]float64, w.Bins())}, nil
}

// Frequencies returns the frequency of each PSD bin in hertz.
func (p *PSD) Frequencies() []float64 {
	return p.w.Frequencies(make([]float64, p.w.Bins()))
}

// Compute writes the PSD of x, sampled at rateHz, into dst (len
// len(Frequencies())) as float32. It is an error if rateHz is not the
// PSD's rate or x is shorter than one segment.
func (p *PSD) Compute(dst []float32, x []float64, rateHz float64) error {
	if rateHz != p.rateHz {
		return fmt.Errorf("sample rate %g Hz differs from the table's PSD rate %g Hz (use --resample)", rateHz, p.rateHz)
	}
	if len(x) < p.w.Segment() {
		return fmt.Errorf("%d samples are shorter than one %g s PSD segment", len(x), WelchSegmentSec)
	}
	if len(dst) != len(p.buf) {
		panic("features: PSD.Compute: dst length differs from Frequencies()")
	}
	if err := p.w.Compute(p.buf, x); err != nil {
		return err
	}
	for i, v := range p.buf {
		dst[i] = float32(v)
	}
	return nil
}
