package fft

import (
	"fmt"
	"math"
)

// Hilbert computes the analytic signal of blocks of n samples through an
// FFT of the full length, like scipy.signal.hilbert: with X = fft(x), the
// analytic signal is ifft(X·h), h = 1 at DC (and at Nyquist for even n),
// 2 for positive frequencies, 0 for negative ones. Its real part is x and
// its imaginary part is the Hilbert transform of x. A Hilbert holds its
// plan and scratch, allocates nothing per call, and belongs to one
// goroutine.
type Hilbert struct {
	n    int
	plan *Plan
	spec []complex128
	im   []float64
}

// NewHilbert returns a Hilbert transformer for blocks of n >= 1 samples.
func NewHilbert(n int) (*Hilbert, error) {
	if n < 1 {
		return nil, fmt.Errorf("fft: hilbert length %d < 1", n)
	}
	return &Hilbert{
		n:    n,
		plan: NewPlan(n),
		spec: make([]complex128, n/2+1),
		im:   make([]float64, n),
	}, nil
}

// Len returns the block length n.
func (h *Hilbert) Len() int { return h.n }

// Transform writes the Hilbert transform of x (len n), the imaginary part
// of scipy.signal.hilbert(x), into dst (len n). It is computed with real
// transforms: the inverse rfft of −i·X_k for 0 < k < n/2 and 0 at DC and
// Nyquist, which equals Im(ifft(X·h)). dst and x may be the same slice.
// It panics if the lengths are wrong.
func (h *Hilbert) Transform(dst, x []float64) {
	if len(x) != h.n || len(dst) != h.n {
		panic("fft: Hilbert.Transform length mismatch")
	}
	h.plan.Forward(h.spec, x)
	h.spec[0] = 0
	for k := 1; k < len(h.spec); k++ {
		c := h.spec[k]
		h.spec[k] = complex(imag(c), -real(c))
	}
	if h.n%2 == 0 {
		h.spec[h.n/2] = 0
	}
	h.plan.Inverse(dst, h.spec)
}

// Magnitude writes the envelope |x + i·H{x}| of x (len n), the modulus of
// scipy.signal.hilbert(x), into dst (len n). dst and x may be the same
// slice. It panics if the lengths are wrong.
func (h *Hilbert) Magnitude(dst, x []float64) {
	if len(x) != h.n || len(dst) != h.n {
		panic("fft: Hilbert.Magnitude length mismatch")
	}
	h.Transform(h.im, x)
	for i, v := range x {
		dst[i] = math.Hypot(v, h.im[i])
	}
}

// EnvelopeOptions configure an Envelope. The zero value gives a
// Butterworth band-pass of order 4 and a Hann-windowed envelope spectrum.
type EnvelopeOptions struct {
	// Order is the Butterworth design order (0 means 4). The filter is
	// applied forwards and backwards, so the effective order doubles.
	Order int
	// Window is the (periodic) window of the envelope spectrum.
	Window WindowKind
}

// Envelope demodulates blocks of n samples for bearing diagnosis
// (Randall & Antoni 2011): an optional zero-phase Butterworth band-pass
// (scipy.signal.butter(order, [lo, hi], 'bandpass', fs=rateHz,
// output='sos') applied with sosfiltfilt), then the modulus of the
// analytic signal (scipy.signal.hilbert). An Envelope holds its plans and
// scratch, allocates nothing per call, and belongs to one goroutine.
type Envelope struct {
	n      int
	rateHz float64
	sos    SOS
	zp     *ZeroPhase
	hil    *Hilbert
	amp    *AmplitudeSpectrum
	buf    []float64
}

// NewEnvelope returns an envelope analyser for blocks of n samples at
// rateHz with the default options. The band [loHz, hiHz] selects the
// filter: both 0 means no filter, loHz = 0 a low-pass at hiHz, hiHz = 0 a
// high-pass at loHz, otherwise a band-pass; cutoffs must lie in
// (0, rateHz/2).
func NewEnvelope(n int, rateHz, loHz, hiHz float64) (*Envelope, error) {
	return NewEnvelopeWith(n, rateHz, loHz, hiHz, EnvelopeOptions{})
}

// NewEnvelopeWith is NewEnvelope with options.
func NewEnvelopeWith(n int, rateHz, loHz, hiHz float64, opt EnvelopeOptions) (*Envelope, error) {
	if n < 2 {
		return nil, fmt.Errorf("fft: envelope length %d < 2", n)
	}
	if !(rateHz > 0) {
		return nil, fmt.Errorf("fft: envelope sample rate %g Hz is not positive", rateHz)
	}
	order := opt.Order
	if order == 0 {
		order = 4
	}
	e := &Envelope{n: n, rateHz: rateHz, buf: make([]float64, n)}
	var err error
	switch {
	case loHz == 0 && hiHz == 0:
	case loHz == 0:
		e.sos, err = Butterworth(order, Lowpass, []float64{hiHz}, rateHz)
	case hiHz == 0:
		e.sos, err = Butterworth(order, Highpass, []float64{loHz}, rateHz)
	default:
		e.sos, err = Butterworth(order, Bandpass, []float64{loHz, hiHz}, rateHz)
	}
	if err != nil {
		return nil, fmt.Errorf("fft: envelope band %g–%g Hz: %w", loHz, hiHz, err)
	}
	if e.sos != nil {
		if e.zp, err = NewZeroPhase(e.sos, n); err != nil {
			return nil, fmt.Errorf("fft: envelope: %w", err)
		}
	}
	if e.hil, err = NewHilbert(n); err != nil {
		return nil, err
	}
	if e.amp, err = NewAmplitudeSpectrum(n, opt.Window); err != nil {
		return nil, fmt.Errorf("fft: envelope spectrum: %w", err)
	}
	return e, nil
}

// Len returns the block length n.
func (e *Envelope) Len() int { return e.n }

// Bins returns the number of envelope-spectrum bins, n/2+1.
func (e *Envelope) Bins() int { return e.n/2 + 1 }

// Filter returns the band-pass cascade, nil when there is none.
func (e *Envelope) Filter() SOS { return e.sos }

// Compute writes the envelope of x (len n), |hilbert(sosfiltfilt(sos, x))|,
// into dst (len n), in the unit of x. dst and x may be the same slice. It
// panics if the lengths are wrong.
func (e *Envelope) Compute(dst, x []float64) {
	if len(x) != e.n || len(dst) != e.n {
		panic("fft: Envelope.Compute length mismatch")
	}
	src := x
	if e.zp != nil {
		e.zp.Apply(e.buf, x)
		src = e.buf
	}
	e.hil.Magnitude(dst, src)
}

// Spectrum writes the envelope spectrum of x (len n) into dst
// (len n/2+1): the AmplitudePeak-scaled amplitude spectrum (see
// AmplitudeSpectrum.Compute) of the envelope minus its mean, in the unit
// of x; bin k is at k·rateHz/n. It panics if the lengths are wrong.
func (e *Envelope) Spectrum(dst, x []float64) {
	if len(x) != e.n || len(dst) != e.n/2+1 {
		panic("fft: Envelope.Spectrum length mismatch")
	}
	e.Compute(e.buf, x)
	m := pairwiseSum(e.buf) / float64(e.n)
	for i := range e.buf {
		e.buf[i] -= m
	}
	e.amp.Compute(dst, e.buf)
}

// Frequencies writes the envelope-spectrum bin frequencies in hertz into
// dst (len n/2+1) and returns dst.
func (e *Envelope) Frequencies(dst []float64) []float64 {
	return BinFrequencies(dst, e.n, e.rateHz)
}
