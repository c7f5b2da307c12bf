package features

import "github.com/windpm/windpm/fft"

// plans holds the whole-capture FFT plans that several feature groups of
// one Extractor use — a Hann amplitude spectrum (the order and gear
// groups' line spectrum, the bearing and envelope-share groups' envelope
// spectra) and a Hilbert envelope (bearing, envelope shares) of the
// capture's length — so that a worker builds and keeps each once: at
// 256,000 samples they hold 14.8 and 12.8 MB. The groups of an Extractor
// run one after another in one goroutine, and a plan keeps nothing from
// one call to the next, so one plan serves them all. A plan is rebuilt
// when the length changes.
type plans struct {
	amp *fft.AmplitudeSpectrum
	hil *fft.Hilbert
}

// hann returns the Hann amplitude-spectrum plan for n samples.
func (p *plans) hann(n int) (*fft.AmplitudeSpectrum, error) {
	if p.amp == nil || p.amp.Len() != n {
		p.amp = nil // dropped before the next is built
		a, err := fft.NewAmplitudeSpectrum(n, fft.Hann)
		if err != nil {
			return nil, err
		}
		p.amp = a
	}
	return p.amp, nil
}

// hilbert returns the Hilbert-envelope plan for n samples.
func (p *plans) hilbert(n int) (*fft.Hilbert, error) {
	if p.hil == nil || p.hil.Len() != n {
		p.hil = nil
		h, err := fft.NewHilbert(n)
		if err != nil {
			return nil, err
		}
		p.hil = h
	}
	return p.hil, nil
}
