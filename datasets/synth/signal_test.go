package synth

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

// amplitudeSpectrum returns the single-sided amplitude spectrum of x
// (peak units: a sine of amplitude A gives A at its bin) and the bin
// width in Hz.
func amplitudeSpectrum(x []float64, rateHz float64) ([]float64, float64) {
	n := len(x)
	c := fourier.NewFFT(n).Coefficients(nil, x)
	a := make([]float64, len(c))
	for k, v := range c {
		a[k] = 2 * cmplx.Abs(v) / float64(n)
	}
	return a, rateHz / float64(n)
}

// envelopeSpectrum band-passes x to [loHz, hiHz] by zeroing FFT bins,
// takes the magnitude of the analytic signal (one-sided spectrum, inverse
// complex FFT) and returns the amplitude spectrum of the envelope with its
// mean removed: the classical envelope analysis of Randall & Antoni 2011,
// §3, done crudely and independently of package fft.
func envelopeSpectrum(x []float64, rateHz, loHz, hiHz float64) ([]float64, float64) {
	n := len(x)
	c := fourier.NewFFT(n).Coefficients(nil, x)
	full := make([]complex128, n)
	df := rateHz / float64(n)
	for k := 1; k < len(c); k++ {
		f := float64(k) * df
		if f >= loHz && f <= hiHz && k < n-k {
			full[k] = 2 * c[k]
		}
	}
	an := fourier.NewCmplxFFT(n).Sequence(nil, full)
	env := make([]float64, n)
	var mean float64
	for i, v := range an {
		env[i] = cmplx.Abs(v) / float64(n)
		mean += env[i]
	}
	mean /= float64(n)
	for i := range env {
		env[i] -= mean
	}
	return amplitudeSpectrum(env, rateHz)
}

// peakHz returns the frequency of the largest value of a in [loHz, hiHz].
func peakHz(a []float64, df, loHz, hiHz float64) float64 {
	best, at := -1.0, 0
	for k := int(math.Ceil(loHz / df)); k <= int(hiHz/df) && k < len(a); k++ {
		if a[k] > best {
			best, at = a[k], k
		}
	}
	return float64(at) * df
}

// bandMax returns the largest value of a within ±tolHz of hz.
func bandMax(a []float64, df, hz, tolHz float64) float64 {
	m := 0.0
	for k := int(math.Floor((hz - tolHz) / df)); k <= int(math.Ceil((hz+tolHz)/df)); k++ {
		if k >= 0 && k < len(a) {
			m = math.Max(m, a[k])
		}
	}
	return m
}

func rms(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s / float64(len(x)))
}

func testRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

// gbxSpec is the healthy gbx_hss content at 1500 rpm (25 Hz).
func gbxSpec() SignalSpec {
	d := DefaultDrivetrain()
	return CaptureSpec(d.Sensor("gbx_hss"), 25, Healthy, 0)
}

func TestSignalRMSMatchesClosedForm(t *testing.T) {
	d := DefaultDrivetrain()
	for _, s := range d.Sensors {
		t.Run(s.ID, func(t *testing.T) {
			spec := CaptureSpec(&s, 1200*s.RatioToRotor/105/60, Healthy, 0)
			spec.SpeedWander = 0 // whole cycles of every line over the capture
			// Mean square of Σ A sin + white noise: Σ A²/2 + σ²; a mesh
			// amplitude-modulated by (1 + e cos θ) has mean square
			// M²/2·(1 + e²/2).
			want := spec.NoiseG * spec.NoiseG
			for _, h := range spec.Harmonics {
				want += h.AmplitudeG * h.AmplitudeG / 2
			}
			for _, tn := range spec.Tones {
				want += tn.AmplitudeG * tn.AmplitudeG / 2
			}
			if g := spec.Gear; g != nil {
				for _, m := range g.MeshG {
					want += m * m / 2 * (1 + g.Eccentricity*g.Eccentricity/2)
				}
			}
			want = math.Sqrt(want)
			x := make([]float64, int(10*spec.RateHz))
			if _, err := Signal(x, spec, testRNG(1)); err != nil {
				t.Fatal(err)
			}
			got := rms(x)
			t.Logf("healthy RMS %.5f g, closed form %.5f g", got, want)
			// Tolerance: the noise estimate over ≥ 25,600 samples is good
			// to ~1 %; shaft lines have few cycles in 10 s.
			if math.Abs(got-want) > 0.05*want {
				t.Errorf("RMS %.5f g, closed form %.5f g", got, want)
			}
			// Plausible healthy levels (g RMS): main bearing ≤ 0.05,
			// gearbox and generator 0.05–1.
			lo, hi := 0.05, 1.0
			if s.ID == "main_bearing" {
				lo, hi = 0.001, 0.05
			}
			if got < lo || got > hi {
				t.Errorf("healthy RMS %.4f g outside plausible [%g, %g]", got, lo, hi)
			}
		})
	}
}

func TestSignalGearMeshLine(t *testing.T) {
	spec := gbxSpec()
	spec.SpeedWander = 0
	x := make([]float64, int(spec.RateHz)) // 1 s: 1 Hz bins
	if _, err := Signal(x, spec, testRNG(2)); err != nil {
		t.Fatal(err)
	}
	a, df := amplitudeSpectrum(x, spec.RateHz)
	mesh := float64(spec.Gear.Teeth) * spec.ShaftHz // 625 Hz
	if got := peakHz(a, df, 50, 5000); math.Abs(got-mesh) > df {
		t.Errorf("largest line at %g Hz, want the mesh at %g Hz", got, mesh)
	}
	for k, m := range spec.Gear.MeshG {
		f := float64(k+1) * mesh
		// The modulation moves a little power into sidebands: ±10 %.
		if got := bandMax(a, df, f, df); math.Abs(got-m) > 0.1*m {
			t.Errorf("mesh harmonic %d at %g Hz: amplitude %.4f g, want %.4f", k+1, f, got, m)
		}
	}
}

func TestSignalToothDamageRaisesSidebands(t *testing.T) {
	sidebands := func(damage float64) float64 {
		spec := gbxSpec()
		spec.SpeedWander = 0
		spec.Gear.ToothDamage = damage
		x := make([]float64, int(spec.RateHz))
		if _, err := Signal(x, spec, testRNG(3)); err != nil {
			t.Fatal(err)
		}
		a, df := amplitudeSpectrum(x, spec.RateHz)
		mesh := float64(spec.Gear.Teeth) * spec.ShaftHz
		var sum float64
		for k := 1; k <= 6; k++ {
			sum += bandMax(a, df, mesh-float64(k)*spec.ShaftHz, df) + bandMax(a, df, mesh+float64(k)*spec.ShaftHz, df)
		}
		return sum
	}
	healthy, damaged := sidebands(0), sidebands(1)
	t.Logf("shaft-rate sideband sum: healthy %.4f g, damaged tooth %.4f g", healthy, damaged)
	// A once-per-revolution pulse over one tooth pitch spreads energy
	// into many shaft-rate sidebands; the healthy 5 % eccentricity only
	// puts ±1× at 2.5 % of the mesh.
	if damaged < 4*healthy {
		t.Errorf("sideband sum %.4f g with a damaged tooth, %.4f g healthy: want ≥ 4×", damaged, healthy)
	}
}

func TestSignalBearingEnvelopePeaks(t *testing.T) {
	d := DefaultDrivetrain()
	s := d.Sensor("gbx_hss")
	shaftHz := 25.0
	bpfo, bpfi, bsf, ftf := s.Bearing.Orders()
	for _, tc := range []struct {
		kind FaultKind
		hz   float64 // expected envelope peak
	}{
		{OuterRace, bpfo * shaftHz},
		{InnerRace, bpfi * shaftHz},
		{Ball, 2 * bsf * shaftHz},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			spec := CaptureSpec(s, shaftHz, tc.kind, 0.3)
			x := make([]float64, 2*s.RateHz)
			info, err := Signal(x, spec, testRNG(4))
			if err != nil {
				t.Fatal(err)
			}
			// Impacts: order × revolutions, within slip and the random start.
			wantImpacts := spec.Bearing.Order() * info.Revolutions
			if math.Abs(float64(info.Impacts)-wantImpacts) > 2+0.05*wantImpacts {
				t.Errorf("%d impacts, want about %.1f", info.Impacts, wantImpacts)
			}
			res := spec.Bearing.ResonanceHz
			env, df := envelopeSpectrum(x, spec.RateHz, res-1000, res+1000)
			// The strongest envelope line (between 0.5× shaft speed and
			// 2.5 × the defect rate) is the defect frequency or, for an
			// inner race or ball, possibly its modulation sideband; require
			// the defect line itself to be within 1 % + one bin of the
			// expected frequency and to dominate the median by 10×.
			got := peakHz(env, df, tc.hz*0.9, tc.hz*1.1)
			if math.Abs(got-tc.hz) > 0.01*tc.hz+df {
				t.Errorf("envelope peak near %g Hz at %g Hz", tc.hz, got)
			}
			t.Logf("envelope peak %.2f Hz (want %.2f), %d impacts, line/median %.1f", got, tc.hz, info.Impacts,
				bandMax(env, df, tc.hz, 0.01*tc.hz+df)/median(env[1:int(3*tc.hz/df)]))
			if tc.kind == OuterRace {
				if top := peakHz(env, df, shaftHz/2, 2.5*tc.hz); math.Abs(top-tc.hz) > 0.01*tc.hz+df {
					t.Errorf("largest envelope line at %g Hz, want BPFO %g Hz", top, tc.hz)
				}
			}
			if tc.kind == InnerRace {
				// Shaft-rate sidebands around BPFI from the load zone.
				sb := bandMax(env, df, tc.hz+shaftHz, 0.01*tc.hz+df)
				if sb < 0.2*bandMax(env, df, tc.hz, 0.01*tc.hz+df) {
					t.Errorf("no shaft-rate sideband at BPFI + 1×")
				}
			}
			if tc.kind == Ball {
				sb := bandMax(env, df, tc.hz+ftf*shaftHz, df)
				if sb < 0.2*bandMax(env, df, tc.hz, df) {
					t.Errorf("no cage-rate sideband at 2×BSF + FTF")
				}
			}
			med := median(env[1:int(3*tc.hz/df)])
			if pk := bandMax(env, df, tc.hz, 0.01*tc.hz+df); pk < 10*med {
				t.Errorf("defect line %.4g not 10× the median %.4g", pk, med)
			}
		})
	}
}

func median(a []float64) float64 {
	b := append([]float64(nil), a...)
	for i := 1; i < len(b); i++ {
		for j := i; j > 0 && b[j] < b[j-1]; j-- {
			b[j], b[j-1] = b[j-1], b[j]
		}
	}
	return b[len(b)/2]
}

func TestSignalSpeedWander(t *testing.T) {
	spec := gbxSpec()
	x := make([]float64, 25600)
	info, err := Signal(x, spec, testRNG(5))
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := spec.ShaftHz*(1-spec.SpeedWander), spec.ShaftHz*(1+spec.SpeedWander)
	if info.MinShaftHz < lo-1e-9 || info.MaxShaftHz > hi+1e-9 {
		t.Errorf("speed range [%g, %g] Hz outside [%g, %g]", info.MinShaftHz, info.MaxShaftHz, lo, hi)
	}
	if info.MaxShaftHz-info.MinShaftHz < spec.SpeedWander*spec.ShaftHz {
		t.Errorf("speed hardly varies: [%g, %g] Hz", info.MinShaftHz, info.MaxShaftHz)
	}
	// The mean speed is the nominal one: revolutions = ShaftHz × duration.
	if want := spec.ShaftHz * float64(len(x)) / spec.RateHz; math.Abs(info.Revolutions-want) > 1e-6*want {
		t.Errorf("%g revolutions, want %g", info.Revolutions, want)
	}
}

func TestSignalDeterministic(t *testing.T) {
	spec := CaptureSpec(DefaultDrivetrain().Sensor("gbx_hss"), 25, InnerRace, 0.5)
	a, b, c := make([]float64, 4096), make([]float64, 4096), make([]float64, 4096)
	Signal(a, spec, testRNG(9))
	Signal(b, spec, testRNG(9))
	Signal(c, spec, testRNG(10))
	same, diff := true, false
	for i := range a {
		same = same && a[i] == b[i]
		diff = diff || a[i] != c[i]
	}
	if !same || !diff {
		t.Errorf("same seed identical: %v (want true); other seed differs: %v (want true)", same, diff)
	}
}

func TestSignalBadSpec(t *testing.T) {
	good := CaptureSpec(DefaultDrivetrain().Sensor("gbx_hss"), 25, OuterRace, 0.5)
	for _, tc := range []struct {
		name string
		mod  func(*SignalSpec)
		want string
	}{
		{"zero rate", func(s *SignalSpec) { s.RateHz = 0 }, "sample rate"},
		{"NaN rate", func(s *SignalSpec) { s.RateHz = math.NaN() }, "sample rate"},
		{"negative speed", func(s *SignalSpec) { s.ShaftHz = -1 }, "shaft speed"},
		{"wander", func(s *SignalSpec) { s.SpeedWander = 0.7 }, "speed wander"},
		{"noise", func(s *SignalSpec) { s.NoiseG = math.Inf(1) }, "noise"},
		{"teeth", func(s *SignalSpec) { s.Gear = &GearSpec{} }, "teeth"},
		{"resonance above Nyquist", func(s *SignalSpec) { b := *s.Bearing; b.ResonanceHz = 20000; s.Bearing = &b }, "resonance"},
		{"damping", func(s *SignalSpec) { b := *s.Bearing; b.Damping = 0; s.Bearing = &b }, "damping"},
		{"kind", func(s *SignalSpec) { b := *s.Bearing; b.Kind = GearTooth; s.Bearing = &b }, "kind"},
		{"order", func(s *SignalSpec) { b := *s.Bearing; b.BPFO = 0; s.Bearing = &b }, "order"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := good
			tc.mod(&spec)
			_, err := Signal(make([]float64, 100), spec, testRNG(1))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about %s", err, tc.want)
			}
		})
	}
}

func TestBearingOrdersFromGeometry(t *testing.T) {
	// 13 × 27 mm on 135 mm, 0°: r = 0.2 exactly; closed form.
	b := DefaultDrivetrain().Sensor("gbx_hss").Bearing
	bpfo, bpfi, bsf, ftf := b.Orders()
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"bpfo", bpfo, 5.2}, {"bpfi", bpfi, 7.8}, {"bsf", bsf, 2.4}, {"ftf", ftf, 0.4}} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s %g, want %g", c.name, c.got, c.want)
		}
	}
}

func BenchmarkSignalGearbox(b *testing.B) {
	spec := CaptureSpec(DefaultDrivetrain().Sensor("gbx_hss"), 25, OuterRace, 0.5)
	x := make([]float64, 2*25600)
	rng := testRNG(1)
	b.ReportAllocs()
	for b.Loop() {
		Signal(x, spec, rng)
	}
}

func TestSignalOuterRaceEverySensor(t *testing.T) {
	d := DefaultDrivetrain()
	for _, s := range d.Sensors {
		t.Run(s.ID, func(t *testing.T) {
			shaftHz := 12.0 * s.RatioToRotor / 60 // rotor at 12 rpm
			spec := CaptureSpec(&s, shaftHz, OuterRace, 0.5)
			x := make([]float64, int(s.Seconds*float64(s.RateHz)))
			if _, err := Signal(x, spec, testRNG(6)); err != nil {
				t.Fatal(err)
			}
			res := s.Bearing.ResonanceHz
			env, df := envelopeSpectrum(x, float64(s.RateHz), 0.7*res, 1.3*res)
			bpfo := spec.Bearing.BPFO * shaftHz
			// The line is smeared by the ±SpeedWander speed variation.
			tol := s.SpeedWander*bpfo + df
			line := bandMax(env, df, bpfo, tol)
			med := median(env[1:int(3*bpfo/df)])
			t.Logf("BPFO %.2f Hz: line %.4g, median %.4g (%.1f×)", bpfo, line, med, line/med)
			if line < 8*med {
				t.Errorf("BPFO line %.4g not 8× the median %.4g", line, med)
			}
			// Healthy: no such line.
			spec = CaptureSpec(&s, shaftHz, Healthy, 0)
			if _, err := Signal(x, spec, testRNG(6)); err != nil {
				t.Fatal(err)
			}
			env, _ = envelopeSpectrum(x, float64(s.RateHz), 0.7*res, 1.3*res)
			if h := bandMax(env, df, bpfo, tol) / median(env[1:int(3*bpfo/df)]); h > 5 {
				t.Errorf("healthy capture has a BPFO line %.1f× the median", h)
			}
		})
	}
}
