package features

import (
	"fmt"
	"math"

	"github.com/windpm/windpm/fft"
)

// Preparer brings captures to the form the feature table wants: one
// sample rate (--resample) and windows of a fixed duration (--segment).
// It keeps its resamplers per rate ratio and belongs to one goroutine.
type Preparer struct {
	resampleHz, segmentS float64
	rs                   map[[2]int]*fft.Resampler
}

// NewPreparer returns a preparer that resamples to resampleHz (0: keep the
// capture's rate) and cuts windows of segmentSeconds (0: the whole
// capture is one segment).
func NewPreparer(resampleHz, segmentSeconds float64) (*Preparer, error) {
	if resampleHz < 0 || math.IsNaN(resampleHz) || resampleHz != math.Trunc(resampleHz) {
		return nil, fmt.Errorf("resample rate %g Hz: want a whole number of hertz", resampleHz)
	}
	if segmentSeconds < 0 || math.IsNaN(segmentSeconds) || math.IsInf(segmentSeconds, 0) {
		return nil, fmt.Errorf("segment length %g s: want a positive duration", segmentSeconds)
	}
	return &Preparer{resampleHz: resampleHz, segmentS: segmentSeconds, rs: map[[2]int]*fft.Resampler{}}, nil
}

// SegmentSeconds returns the segment duration, 0 when captures are not
// cut.
func (p *Preparer) SegmentSeconds() float64 { return p.segmentS }

// Prepare returns the segments of x (sampled at rateHz) and their rate.
// Resampling is polyphase with an anti-aliasing filter that leaves every
// component above the new Nyquist frequency 75 dB down
// (fft.CleanDecimation); it needs whole-number rates. Segments are
// consecutive, non-overlapping windows of the segment duration; a
// remainder shorter than a window is dropped, and a capture shorter than
// one window gives none. The segments share memory with x when no
// resampling is done.
func (p *Preparer) Prepare(x []float64, rateHz float64) ([][]float64, float64, error) {
	if p.resampleHz > 0 && rateHz != p.resampleHz {
		if rateHz != math.Trunc(rateHz) {
			return nil, 0, fmt.Errorf("cannot resample from %g Hz: not a whole number of hertz", rateHz)
		}
		in, out := int(rateHz), int(p.resampleHz)
		g := gcd(in, out)
		up, down := out/g, in/g
		if up > 1000 || down > 1000 {
			return nil, 0, fmt.Errorf("cannot resample %d Hz to %d Hz: the ratio %d/%d is too fine", in, out, up, down)
		}
		key := [2]int{up, down}
		r := p.rs[key]
		if r == nil {
			var err error
			if r, err = fft.NewResamplerWith(up, down, fft.CleanDecimation); err != nil {
				return nil, 0, err
			}
			p.rs[key] = r
		}
		y := make([]float64, r.OutLen(len(x)))
		r.Apply(y, x)
		x, rateHz = y, p.resampleHz
	}
	if p.segmentS == 0 {
		return [][]float64{x}, rateHz, nil
	}
	n := int(math.Round(p.segmentS * rateHz))
	if n < minSamples {
		return nil, 0, fmt.Errorf("segment of %g s at %g Hz is %d samples, fewer than the %d features need", p.segmentS, rateHz, n, minSamples)
	}
	var segs [][]float64
	for start := 0; start+n <= len(x); start += n {
		segs = append(segs, x[start:start+n:start+n])
	}
	return segs, rateHz, nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
