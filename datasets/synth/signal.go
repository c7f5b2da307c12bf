package synth

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// FaultKind names a fault the generator can seed.
type FaultKind string

// The fault kinds. Bearing kinds are localised defects on one race or
// rolling element; GearTooth is a damaged tooth on the gear of the
// reference shaft.
const (
	Healthy   FaultKind = "healthy"
	OuterRace FaultKind = "outer_race"
	InnerRace FaultKind = "inner_race"
	Ball      FaultKind = "ball"
	GearTooth FaultKind = "gear_tooth"
)

// FaultKinds lists the fault kinds a FaultSpec may name.
var FaultKinds = []FaultKind{OuterRace, InnerRace, Ball, GearTooth}

// IsBearing reports whether k is a bearing fault.
func (k FaultKind) IsBearing() bool { return k == OuterRace || k == InnerRace || k == Ball }

// Harmonic is a sinusoid locked to the reference shaft: Order × shaft
// speed with peak amplitude AmplitudeG (g).
type Harmonic struct {
	Order      float64
	AmplitudeG float64
}

// Tone is a sinusoid at a fixed frequency, independent of speed (e.g. an
// electrical line at twice the grid frequency), with peak amplitude
// AmplitudeG (g).
type Tone struct {
	Hz         float64
	AmplitudeG float64
}

// GearSpec is a gear mesh on the reference shaft.
type GearSpec struct {
	// Teeth is the number of teeth on the reference shaft's gear: the
	// mesh frequency is Teeth × shaft speed.
	Teeth int
	// MeshG are the peak amplitudes (g) of the mesh harmonics 1×, 2×, …
	// of the mesh frequency.
	MeshG []float64
	// Eccentricity is the depth of the healthy once-per-revolution
	// amplitude modulation of the mesh (0.05 = 5 %), which puts small
	// sidebands at ± shaft speed around each mesh harmonic.
	Eccentricity float64
	// ToothDamage is the severity of a damaged tooth, 0 for a healthy
	// gear, 1 for a fully developed fault: once per revolution, over about
	// one tooth pitch, the mesh amplitude rises by ToothDamage × 100 % and
	// its phase shifts by ToothDamage × 0.5 rad (McFadden & Smith 1985).
	ToothDamage float64
}

// BearingSpec is a localised bearing defect seen through one structural
// resonance.
type BearingSpec struct {
	// Kind is OuterRace, InnerRace or Ball.
	Kind FaultKind
	// Orders are the defect orders of the bearing as multiples of the
	// reference shaft speed (classical BSF: a ball defect repeats at 2×BSF).
	BPFO, BPFI, BSF, FTF float64
	// ImpulseG is the peak acceleration (g) of one burst.
	ImpulseG float64
	// ResonanceHz and Damping are the natural frequency and damping ratio
	// of the structural resonance each impact excites.
	ResonanceHz, Damping float64
	// Slip is the relative standard deviation of the spacing between
	// impacts (0.01 = 1 %), the random slip of rolling elements.
	Slip float64
	// LoadModulation is the depth (0–1) of the amplitude modulation of an
	// inner-race train by shaft rotation and of a ball train by cage
	// rotation; an outer-race defect in the fixed load zone is not
	// modulated.
	LoadModulation float64
}

// Order returns the impact rate of the defect as a multiple of shaft
// speed: BPFO, BPFI or 2×BSF (a ball defect strikes both races once per
// spin revolution), and 0 for other kinds.
func (b BearingSpec) Order() float64 {
	switch b.Kind {
	case OuterRace:
		return b.BPFO
	case InnerRace:
		return b.BPFI
	case Ball:
		return 2 * b.BSF
	}
	return 0
}

// SignalSpec describes one synthetic vibration capture.
type SignalSpec struct {
	// RateHz is the sample rate in hertz.
	RateHz float64
	// ShaftHz is the mean speed of the reference shaft in revolutions per
	// second over the capture.
	ShaftHz float64
	// SpeedWander is the largest relative deviation of the instantaneous
	// shaft speed from ShaftHz (0.015 = ±1.5 %), reached by a slow random
	// walk; 0 for constant speed.
	SpeedWander float64
	// Harmonics are shaft orders: 1× imbalance, 2× misalignment, 3×
	// blade pass, ….
	Harmonics []Harmonic
	// Tones are fixed-frequency lines.
	Tones []Tone
	// Gear is the gear mesh, nil for none.
	Gear *GearSpec
	// Bearing is a bearing defect, nil for none.
	Bearing *BearingSpec
	// NoiseG is the RMS (g) of white Gaussian broadband noise.
	NoiseG float64
}

// SignalInfo describes what Signal made.
type SignalInfo struct {
	// MinShaftHz and MaxShaftHz bound the instantaneous shaft speed.
	MinShaftHz, MaxShaftHz float64
	// Revolutions is the number of shaft revolutions in the capture.
	Revolutions float64
	// Impacts is the number of bearing impacts started in the capture.
	Impacts int
}

func (s *SignalSpec) validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	if !(s.RateHz > 0) || !finite(s.RateHz) {
		return fmt.Errorf("sample rate %g Hz must be positive", s.RateHz)
	}
	if !(s.ShaftHz >= 0) || !finite(s.ShaftHz) {
		return fmt.Errorf("shaft speed %g Hz must be non-negative", s.ShaftHz)
	}
	if !(s.SpeedWander >= 0 && s.SpeedWander < 0.5) {
		return fmt.Errorf("speed wander %g must be in [0, 0.5)", s.SpeedWander)
	}
	if !(s.NoiseG >= 0) || !finite(s.NoiseG) {
		return fmt.Errorf("noise %g g must be non-negative", s.NoiseG)
	}
	for _, h := range s.Harmonics {
		if !finite(h.Order) || !finite(h.AmplitudeG) {
			return fmt.Errorf("harmonic %+v is not finite", h)
		}
	}
	for _, t := range s.Tones {
		if !finite(t.Hz) || !finite(t.AmplitudeG) {
			return fmt.Errorf("tone %+v is not finite", t)
		}
	}
	if g := s.Gear; g != nil {
		if g.Teeth < 1 {
			return fmt.Errorf("gear with %d teeth", g.Teeth)
		}
		if !(g.ToothDamage >= 0) || !finite(g.ToothDamage) || !(g.Eccentricity >= 0) || !finite(g.Eccentricity) {
			return errors.New("gear tooth damage and eccentricity must be non-negative")
		}
	}
	if b := s.Bearing; b != nil {
		if !b.Kind.IsBearing() {
			return fmt.Errorf("bearing fault kind %q (want outer_race, inner_race or ball)", b.Kind)
		}
		if !(b.Order() > 0) || !finite(b.Order()) {
			return fmt.Errorf("bearing %s order %g must be positive", b.Kind, b.Order())
		}
		if !(b.ResonanceHz > 0) || b.ResonanceHz >= s.RateHz/2 {
			return fmt.Errorf("bearing resonance %g Hz must be in (0, %g) Hz", b.ResonanceHz, s.RateHz/2)
		}
		if !(b.Damping > 0 && b.Damping < 1) {
			return fmt.Errorf("bearing damping ratio %g must be in (0, 1)", b.Damping)
		}
		if !(b.Slip >= 0 && b.Slip < 0.2) || !(b.LoadModulation >= 0 && b.LoadModulation <= 1) || !finite(b.ImpulseG) {
			return errors.New("bearing slip must be in [0, 0.2) and load modulation in [0, 1]")
		}
	}
	return nil
}

// Signal fills dst with one synthetic capture described by spec, in g,
// drawing every random choice from rng (so a seeded rng gives the same
// samples on every run). With θ(t) the reference-shaft angle in
// revolutions, θ(t) = ∫ f(t) dt, f(t) = ShaftHz·(1 + w(t)) and w a
// zero-mean random walk with max|w| = SpeedWander, sample i at t = i/RateHz
// is
//
//	x(t) = Σ_h A_h sin(2π·order_h·θ + φ_h)                          shaft orders
//	     + Σ_k M_k (1 + e cos(2πθ + φ_e) + D·p(θ)) sin(2π·k·Z·θ + φ_k + D/2·p(θ))   gear mesh
//	     + Σ_j a_j h(t − t_j)                                         bearing impacts
//	     + Σ_l T_l sin(2π f_l t + φ_l) + n(t)                         tones, noise
//
// where p(θ) = exp(−½(δ/σ)²) is a once-per-revolution pulse with δ the
// angular distance in revolutions to the damaged tooth and σ = 1/(2Z);
// the impacts start at angles θ_j spaced by (1 + Slip·N(0,1))/order
// revolutions, with amplitudes a_j = ImpulseG·(1 − m + m·(1 + cos ψ_j)/2)
// where ψ_j is the shaft angle (inner race) or cage angle FTF·θ_j (ball)
// and m = LoadModulation (m = 0 for the outer race), each exciting
// h(τ) = exp(−ζω_n τ)·sin(ω_d τ), ω_d = ω_n√(1−ζ²), a single-degree-of-
// freedom resonance (Randall & Antoni 2011, §2); n(t) is white Gaussian
// noise of RMS NoiseG. Phases φ are uniform random. Signal returns an
// error for an invalid spec; len(dst) is the number of samples.
func Signal(dst []float64, spec SignalSpec, rng *rand.Rand) (SignalInfo, error) {
	if err := spec.validate(); err != nil {
		return SignalInfo{}, fmt.Errorf("synth: %w", err)
	}
	n := len(dst)
	info := SignalInfo{MinShaftHz: spec.ShaftHz, MaxShaftHz: spec.ShaftHz}
	if n == 0 {
		return info, nil
	}
	dt := 1 / spec.RateHz

	// Shaft angle in revolutions at each sample.
	theta := make([]float64, n)
	speed := speedProfile(n, spec.RateHz, spec.SpeedWander, rng)
	acc := rng.Float64() // random starting angle
	for i := range theta {
		f := spec.ShaftHz * (1 + speed[i])
		info.MinShaftHz = math.Min(info.MinShaftHz, f)
		info.MaxShaftHz = math.Max(info.MaxShaftHz, f)
		theta[i] = acc
		acc += f * dt
	}
	info.Revolutions = acc - theta[0]

	for i := range dst {
		dst[i] = 0
	}
	for _, h := range spec.Harmonics {
		ph := 2 * math.Pi * rng.Float64()
		w := 2 * math.Pi * h.Order
		for i, th := range theta {
			dst[i] += h.AmplitudeG * math.Sin(w*th+ph)
		}
	}
	for _, t := range spec.Tones {
		ph := 2 * math.Pi * rng.Float64()
		w := 2 * math.Pi * t.Hz * dt
		for i := range dst {
			dst[i] += t.AmplitudeG * math.Sin(w*float64(i)+ph)
		}
	}
	if g := spec.Gear; g != nil {
		addGear(dst, theta, g, rng)
	}
	if b := spec.Bearing; b != nil {
		info.Impacts = addBearing(dst, theta, spec.RateHz, b, rng)
	}
	if spec.NoiseG > 0 {
		for i := range dst {
			dst[i] += spec.NoiseG * rng.NormFloat64()
		}
	}
	return info, nil
}

// speedProfile returns w(t) at every sample: a random walk with control
// points every 50 ms (linearly interpolated), made zero-mean and scaled
// to max|w| = wander, so that the mean shaft speed is exactly the nominal
// one and the deviation stays within the stated band.
func speedProfile(n int, rateHz, wander float64, rng *rand.Rand) []float64 {
	w := make([]float64, n)
	if wander == 0 {
		return w
	}
	step := int(math.Max(1, math.Round(0.05*rateHz)))
	nc := n/step + 2
	ctrl := make([]float64, nc)
	for k := 1; k < nc; k++ {
		// A mean-reverting walk: slow drifts, not a trend.
		ctrl[k] = 0.97*ctrl[k-1] + rng.NormFloat64()
	}
	var mean float64
	for i := range w {
		k := i / step
		fr := float64(i-k*step) / float64(step)
		w[i] = ctrl[k] + fr*(ctrl[k+1]-ctrl[k])
		mean += w[i]
	}
	mean /= float64(n)
	var peak float64
	for i := range w {
		w[i] -= mean
		peak = math.Max(peak, math.Abs(w[i]))
	}
	if peak > 0 {
		s := wander / peak
		for i := range w {
			w[i] *= s
		}
	}
	return w
}

func addGear(dst, theta []float64, g *GearSpec, rng *rand.Rand) {
	z := float64(g.Teeth)
	phE := 2 * math.Pi * rng.Float64()
	tooth := rng.Float64() // angle of the damaged tooth, revolutions
	sigma := 0.5 / z
	phases := make([]float64, len(g.MeshG))
	for k := range phases {
		phases[k] = 2 * math.Pi * rng.Float64()
	}
	for i, th := range theta {
		var p float64
		if g.ToothDamage > 0 {
			d := th - tooth
			d -= math.Round(d) // distance to the damaged tooth in (−½, ½] rev
			p = math.Exp(-0.5 * (d / sigma) * (d / sigma))
		}
		am := 1 + g.Eccentricity*math.Cos(2*math.Pi*th+phE) + g.ToothDamage*p
		pm := 0.5 * g.ToothDamage * p
		var x float64
		for k, m := range g.MeshG {
			x += m * math.Sin(2*math.Pi*float64(k+1)*z*th+phases[k]+pm)
		}
		dst[i] += am * x
	}
}

// addBearing adds the impact train of a bearing defect and returns the
// number of impacts.
func addBearing(dst, theta []float64, rateHz float64, b *BearingSpec, rng *rand.Rand) int {
	n := len(dst)
	order := b.Order()
	spacing := 1 / order // revolutions between impacts
	m := b.LoadModulation
	if b.Kind == OuterRace {
		m = 0
	}
	phLoad := 2 * math.Pi * rng.Float64()
	wn := 2 * math.Pi * b.ResonanceHz
	zeta := b.Damping
	sigma := zeta * wn                // decay rate, 1/s
	wd := wn * math.Sqrt(1-zeta*zeta) // damped natural frequency, rad/s
	dt := 1 / rateHz
	// Truncate each burst once it has decayed by 80 dB.
	tail := int(math.Ceil(math.Log(1e4)/sigma*rateHz)) + 2
	r := math.Exp(-sigma * dt)
	c := 2 * r * math.Cos(wd*dt)
	r2 := r * r
	// h(τ) peaks at τ* = atan(ωd/σ)/ωd; scale so a burst peaks at ImpulseG.
	tp := math.Atan(wd/sigma) / wd
	hPeak := math.Exp(-sigma*tp) * math.Sin(wd*tp)

	next := theta[0] + spacing*rng.Float64()
	impacts := 0
	j := 0
	for {
		// Sample index at which θ reaches next (θ is increasing).
		for j < n && theta[j] < next {
			j++
		}
		if j >= n {
			break
		}
		// Fractional sample position of the impact.
		var t0 float64
		if j == 0 {
			t0 = 0
		} else {
			dth := theta[j] - theta[j-1]
			t0 = float64(j-1) + (next-theta[j-1])/dth
		}
		var psi float64
		switch b.Kind {
		case InnerRace:
			psi = 2*math.Pi*next + phLoad
		case Ball:
			psi = 2*math.Pi*b.FTF*next + phLoad
		}
		amp := b.ImpulseG / hPeak * (1 - m + m*0.5*(1+math.Cos(psi))) * (1 + 0.1*rng.NormFloat64())
		// h at the first two samples at or after t0, then the recurrence
		// y[k] = 2r·cos(ωd·dt)·y[k−1] − r²·y[k−2] of a damped sinusoid.
		i0 := int(math.Ceil(t0))
		tau := (float64(i0) - t0) * dt
		y1 := amp * math.Exp(-sigma*tau) * math.Sin(wd*tau)
		y2 := amp * math.Exp(-sigma*(tau+dt)) * math.Sin(wd*(tau+dt))
		end := min(n, i0+tail)
		if i0 < end {
			dst[i0] += y1
		}
		if i0+1 < end {
			dst[i0+1] += y2
		}
		for i := i0 + 2; i < end; i++ {
			y := c*y2 - r2*y1
			dst[i] += y
			y1, y2 = y2, y
		}
		impacts++
		next += spacing * math.Max(0.5, 1+b.Slip*rng.NormFloat64())
	}
	return impacts
}
