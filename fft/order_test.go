package fft

import (
	"fmt"
	"math"
	"testing"
)

func TestOrderResampleMatchesNumpy(t *testing.T) {
	var ref struct {
		Fs            float64
		RPM, Angle, X []float64
		Cases         []struct {
			SPR int
			Y   []float64
		}
	}
	loadReference(t, "order.json", &ref)
	angle := ShaftAngle(make([]float64, len(ref.RPM)), ref.RPM, ref.Fs)
	checkClose(t, "cumulative_trapezoid shaft angle", angle, ref.Angle, refTol)
	for _, c := range ref.Cases {
		o, err := NewOrderResampler(c.SPR)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]float64, o.OutLen(ref.Angle[len(ref.Angle)-1])+5)
		// The reference angle, so that the interpolation alone is compared.
		got, err := o.Resample(dst, ref.X, ref.Angle)
		if err != nil {
			t.Fatal(err)
		}
		checkClose(t, fmt.Sprintf("numpy.interp spr=%d", c.SPR), got, c.Y, refTol)
	}
	rpmAt := func(tSec float64) float64 { return 1200 + 600*tSec/(float64(len(ref.RPM)-1)/ref.Fs) }
	af := ShaftAngleFunc(make([]float64, len(ref.RPM)), ref.Fs, rpmAt)
	checkClose(t, "ShaftAngleFunc", af, ref.Angle, 1e-12)
}

// TestOrderTrackingRamp checks the physics: a 3rd-order component under a
// speed ramp from 1200 to 1800 rpm smears over 60–90 Hz in the time
// domain but lands in the 3.0 order bin after order resampling.
func TestOrderTrackingRamp(t *testing.T) {
	const rate, dur = 25600.0, 4.0
	n := int(rate * dur)
	rpm := make([]float64, n)
	for i := range rpm {
		rpm[i] = 1200 + 600*float64(i)/float64(n-1)
	}
	angle := ShaftAngle(make([]float64, n), rpm, rate)
	x := make([]float64, n)
	for i := range x {
		x[i] = 0.8*math.Sin(2*math.Pi*3*angle[i]) + 0.1*math.Sin(2*math.Pi*7.5*angle[i])
	}
	const spr = 64
	o, _ := NewOrderResampler(spr)
	y, err := o.Resample(make([]float64, o.OutLen(angle[n-1])), x, angle)
	if err != nil {
		t.Fatal(err)
	}
	revs := len(y) / spr // whole revolutions: order k/revs per bin
	y = y[:revs*spr]
	a, err := NewAmplitudeSpectrum(len(y), Hann)
	if err != nil {
		t.Fatal(err)
	}
	spec := make([]float64, a.Bins())
	a.Compute(spec, y)
	k3 := 3 * revs // the bin of order 3.0: k·spr/len(y) = k/revs orders
	best := 0
	for k := range spec {
		if spec[k] > spec[best] {
			best = k
		}
	}
	order := float64(best) * spr / float64(len(y))
	t.Logf("%d revolutions; peak at order %.4f, amplitude %.4f", revs, order, spec[best])
	if best != k3 {
		t.Errorf("peak at order %.4f (bin %d), want 3.0 (bin %d)", order, best, k3)
	}
	if math.Abs(spec[k3]-0.8) > 0.01 {
		t.Errorf("order-3 amplitude %.4f, want 0.8", spec[k3])
	}
	// Without order tracking the same component spreads over ~30 Hz.
	at, _ := NewAmplitudeSpectrum(n, Hann)
	st := make([]float64, at.Bins())
	at.Compute(st, x)
	mx := 0.0
	for _, v := range st {
		mx = math.Max(mx, v)
	}
	if mx > 0.3 {
		t.Errorf("time-domain spectrum peak %.3f: expected the ramp to smear it below 0.3", mx)
	}
}

func TestOrderResampleErrors(t *testing.T) {
	if _, err := NewOrderResampler(0); err == nil {
		t.Error("NewOrderResampler(0): no error")
	}
	o, _ := NewOrderResampler(8)
	if _, err := o.Resample(make([]float64, 10), []float64{1, 2}, []float64{0}); err == nil {
		t.Error("length mismatch: no error")
	}
	if _, err := o.Resample(make([]float64, 10), []float64{1, 2, 3}, []float64{0, 0.5, 0.2}); err == nil {
		t.Error("decreasing angle: no error")
	}
	if _, err := o.Resample(make([]float64, 10), []float64{1, 2}, []float64{0, math.NaN()}); err == nil {
		t.Error("NaN angle: no error")
	}
	for _, v := range []float64{-1, math.NaN(), math.Inf(1)} {
		if n := o.OutLen(v); n != 0 {
			t.Errorf("OutLen(%v) = %d", v, n)
		}
	}
	if n := o.OutLen(1); n != 9 {
		t.Errorf("OutLen(1) = %d, want 9", n)
	}
	x := make([]float64, 1000)
	ang := make([]float64, 1000)
	for i := range ang {
		ang[i] = float64(i) / 100
	}
	dst := make([]float64, o.OutLen(ang[999]))
	if n := testing.AllocsPerRun(5, func() { _, _ = o.Resample(dst, x, ang) }); n != 0 {
		t.Errorf("Resample allocates %v times per call", n)
	}
}

// FuzzOrderResample feeds arbitrary angle tracks: never a panic; a
// successful result is bounded by dst and every value lies between the
// extremes of x (linear interpolation cannot overshoot).
func FuzzOrderResample(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5}, uint8(4), 0.5)
	f.Add([]byte{0, 0, 0, 9}, uint8(1), 1e300)
	f.Add([]byte{3, 2, 1}, uint8(7), -1.0)
	f.Fuzz(func(t *testing.T, data []byte, spr uint8, scale float64) {
		o, err := NewOrderResampler(int(spr))
		if err != nil {
			return
		}
		x := make([]float64, len(data))
		ang := make([]float64, len(data))
		acc := 0.0
		lo, hi := math.Inf(1), math.Inf(-1)
		for i, b := range data {
			x[i] = float64(b) - 100
			lo, hi = math.Min(lo, x[i]), math.Max(hi, x[i])
			if i > 0 {
				acc += float64(b%5) * scale
			}
			ang[i] = acc
		}
		dst := make([]float64, 64)
		y, err := o.Resample(dst, x, ang)
		if err != nil {
			return
		}
		if len(y) > len(dst) {
			t.Fatalf("%d outputs for dst of %d", len(y), len(dst))
		}
		for _, v := range y {
			if !(v >= lo-1e-9*math.Abs(lo) && v <= hi+1e-9*math.Abs(hi)) {
				t.Fatalf("value %v outside [%v, %v]", v, lo, hi)
			}
		}
	})
}
