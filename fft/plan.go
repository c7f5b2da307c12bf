package fft

import "gonum.org/v1/gonum/dsp/fourier"

// TEMPORARY: backed by gonum until the project's own FFT lands. The API is
// the contract: keep it.

// Plan computes real FFTs of one length n. A Plan belongs to one
// goroutine.
type Plan struct {
	n int
	g *fourier.FFT
}

// NewPlan returns a plan for real transforms of length n (n >= 1).
// It panics if n < 1.
func NewPlan(n int) *Plan {
	if n < 1 {
		panic("fft: NewPlan length < 1")
	}
	return &Plan{n: n, g: fourier.NewFFT(n)}
}

// Len returns the transform length n.
func (p *Plan) Len() int { return p.n }

// Forward computes the unnormalised forward transform of the real
// sequence src (len n) into dst (len n/2+1):
// dst[k] = Σ_j src[j]·exp(−2πi·jk/n), the convention of numpy.fft.rfft.
// It panics if the lengths are wrong.
func (p *Plan) Forward(dst []complex128, src []float64) {
	if len(src) != p.n || len(dst) != p.n/2+1 {
		panic("fft: Forward length mismatch")
	}
	p.g.Coefficients(dst, src)
}

// Inverse computes the inverse of Forward, including the 1/n factor
// (numpy.fft.irfft with n given): src (len n/2+1) into dst (len n). The
// imaginary parts of src[0] (and of src[n/2] for even n) are ignored.
// It panics if the lengths are wrong.
func (p *Plan) Inverse(dst []float64, src []complex128) {
	if len(dst) != p.n || len(src) != p.n/2+1 {
		panic("fft: Inverse length mismatch")
	}
	p.g.Sequence(dst, src)
	s := 1 / float64(p.n)
	for i := range dst {
		dst[i] *= s
	}
}
