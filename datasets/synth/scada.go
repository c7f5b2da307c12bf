package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// SCADAInterval is the SCADA averaging period.
const SCADAInterval = 10 * time.Minute

// SCADA status values.
const (
	StatusRun          = "run"
	StatusIdleLowWind  = "idle_low_wind"
	StatusStopHighWind = "stop_high_wind"
)

// SCADAHeader is the header row of a SCADA file, in column order.
var SCADAHeader = []string{
	"time", "wind_speed_m_s", "active_power_kw", "rotor_speed_rpm", "generator_speed_rpm",
	"pitch_deg", "ambient_temp_c", "nacelle_temp_c", "gearbox_bearing_temp_c",
	"generator_bearing_temp_c", "main_bearing_temp_c", "status",
}

// SCADARow is one 10-minute SCADA record; Time is the start of the
// interval (UTC), every value the interval mean.
type SCADARow struct {
	Time              time.Time
	WindSpeedMS       float64
	ActivePowerKW     float64
	RotorRPM          float64
	GeneratorRPM      float64
	PitchDeg          float64
	AmbientC          float64
	NacelleC          float64
	GearboxBearingC   float64
	GeneratorBearingC float64
	MainBearingC      float64
	Status            string
}

// record returns r as the fields of a CSV row in SCADAHeader order.
func (r *SCADARow) record() []string {
	f := func(x float64, prec int) string { return strconv.FormatFloat(x, 'f', prec, 64) }
	return []string{
		r.Time.UTC().Format(time.RFC3339), f(r.WindSpeedMS, 2), f(r.ActivePowerKW, 1), f(r.RotorRPM, 2),
		f(r.GeneratorRPM, 1), f(r.PitchDeg, 2), f(r.AmbientC, 1), f(r.NacelleC, 1),
		f(r.GearboxBearingC, 1), f(r.GeneratorBearingC, 1), f(r.MainBearingC, 1), r.Status,
	}
}

// thermal is a first-order lag T' = (T_target − T)/τ: a component's
// temperature follows its heat balance with its own time constant.
type thermal struct {
	t     float64
	alpha float64 // 1 − exp(−Δt/τ)
	init  bool
}

func newThermal(tau time.Duration) thermal {
	return thermal{alpha: 1 - math.Exp(-float64(SCADAInterval)/float64(tau))}
}

func (th *thermal) step(target float64) float64 {
	if !th.init {
		th.t, th.init = target, true
	} else {
		th.t += th.alpha * (target - th.t)
	}
	return th.t
}

// ar1 is a unit-variance first-order autoregressive process with
// correlation time tau at SCADAInterval steps.
type ar1 struct {
	x, phi, s float64
}

func newAR1(tau time.Duration, rng *rand.Rand) ar1 {
	phi := math.Exp(-float64(SCADAInterval) / float64(tau))
	return ar1{x: rng.NormFloat64(), phi: phi, s: math.Sqrt(1 - phi*phi)}
}

func (a *ar1) next(rng *rand.Rand) float64 {
	a.x = a.phi*a.x + a.s*rng.NormFloat64()
	return a.x
}

// Wind climate: Weibull marginal distribution (shape 2, scale 8.5 m/s,
// a mean of 7.5 m/s), the textbook on-shore site (IEC 61400-1 class III
// mean 7.5 m/s).
const (
	weibullShape = 2.0
	weibullScale = 8.5 // m/s
)

// SCADA returns the 10-minute SCADA of turbine index ti (0-based) of the
// fleet cfg describes: cfg.Days × 144 rows from cfg.Start.
//
// Wind: a latent Gaussian x = 0.85·r + 0.53·o, with r a site-wide and o a
// turbine's own unit AR(1) process (correlation times 6 h and 2 h), mapped
// to a Weibull(2, 8.5 m/s) speed by v = F⁻¹(Φ(x)), with 3 % turbulence.
// Power follows PowerKW (±1.5 % noise) in operation; below cut-in the
// turbine idles and above cut-out it stops (power 0, blades feathered).
// Ambient temperature has a seasonal and a diurnal cycle and a site-wide
// AR(1) weather term; the nacelle, gearbox bearing, generator bearing and
// main bearing follow first-order lags (τ = 2 h, 1.5 h, 1 h, 4 h) towards
// ambient plus a load-dependent rise, plus, for a sensor with a bearing
// fault, 12 °C × severity × (0.3 + 0.7·P/Prated) of friction heat.
func SCADA(cfg Config, ti int) ([]SCADARow, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if ti < 0 || ti >= cfg.Turbines {
		return nil, fmt.Errorf("synth: turbine index %d out of range [0, %d)", ti, cfg.Turbines)
	}
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart
	}
	cfg.Start = cfg.Start.UTC()
	return scada(&cfg, ti), nil
}

func scada(cfg *Config, ti int) []SCADARow {
	d := &cfg.Drivetrain
	perDay := int(24 * time.Hour / SCADAInterval)
	n := cfg.Days * perDay
	rows := make([]SCADARow, n)
	site := newRNG(cfg.Seed, -1, streamSCADA, 0)
	own := newRNG(cfg.Seed, ti, streamSCADA, 0)
	siteWind := newAR1(6*time.Hour, site)
	siteTemp := newAR1(12*time.Hour, site)
	ownWind := newAR1(2*time.Hour, own)

	tid := TurbineID(ti)
	// Which temperature column a bearing fault on this turbine heats.
	var heats []*FaultSpec
	for i := range cfg.Faults {
		f := &cfg.Faults[i]
		if f.Turbine == tid && f.Kind.IsBearing() {
			heats = append(heats, f)
		}
	}
	// SCADA faults of this turbine; their noise has its own stream, so
	// that the rest of the turbine's SCADA is the same with or without
	// them.
	var sfaults []scadaFault
	for i := range cfg.Faults {
		if f := &cfg.Faults[i]; f.Turbine == tid && f.Kind.IsSCADA() {
			sfaults = append(sfaults, f.resolve(cfg))
		}
	}
	faultRNG := newRNG(cfg.Seed, ti, streamSCADAFault, 0)
	nacelle := newThermal(2 * time.Hour)
	gbx := newThermal(90 * time.Minute)
	gen := newThermal(time.Hour)
	mb := newThermal(4 * time.Hour)

	for i := range rows {
		t := cfg.Start.Add(time.Duration(i) * SCADAInterval)
		r := &rows[i]
		r.Time = t

		x := 0.85*siteWind.next(site) + math.Sqrt(1-0.85*0.85)*ownWind.next(own)
		p := 0.5 * math.Erfc(-x/math.Sqrt2) // Φ(x)
		p = math.Min(p, 1-1e-12)
		v := weibullScale * math.Pow(-math.Log1p(-p), 1/weibullShape)
		v *= 1 + 0.03*own.NormFloat64()
		v = math.Max(0, v)
		r.WindSpeedMS = round(v, 2)
		v = r.WindSpeedMS

		switch {
		case v < d.CutInMS:
			r.Status = StatusIdleLowWind
			r.RotorRPM = 0.3 * v * (1 + 0.1*own.NormFloat64())
			r.PitchDeg = 86 + 0.5*own.NormFloat64()
		case v > d.CutOutMS:
			r.Status = StatusStopHighWind
			r.RotorRPM = 0.3 * (1 + 0.1*own.NormFloat64())
			r.PitchDeg = 88 + 0.5*own.NormFloat64()
		default:
			r.Status = StatusRun
			r.ActivePowerKW = math.Min(d.RatedPowerKW, math.Max(0, d.PowerKW(v)*(1+0.015*own.NormFloat64())))
			r.RotorRPM = d.RotorRPM(v) * (1 + 0.005*own.NormFloat64())
			pitch := 0.3 * math.Abs(own.NormFloat64())
			if v > d.RatedMS {
				pitch += 2 * (v - d.RatedMS)
			}
			for k := range sfaults {
				// Derating: power capped, the blades pitched out to shed the
				// rest (about 1.5° per 10 % of the available power shed).
				limit := SCADADerateFraction * d.RatedPowerKW
				if sfaults[k].derating(t) && r.ActivePowerKW > limit {
					pitch += 15 * (1 - limit/r.ActivePowerKW)
					r.ActivePowerKW = limit * (1 + 0.005*faultRNG.NormFloat64())
				}
			}
			r.PitchDeg = pitch
		}
		r.RotorRPM = math.Max(0, r.RotorRPM)
		r.ActivePowerKW = round(r.ActivePowerKW, 1)
		r.RotorRPM = round(r.RotorRPM, 2)
		r.GeneratorRPM = round(r.RotorRPM*d.GearboxRatio, 1)
		r.PitchDeg = round(r.PitchDeg, 2)

		hours := float64(t.Hour()) + float64(t.Minute())/60
		doy := float64(t.YearDay())
		amb := 8 + 6*math.Sin(2*math.Pi*(doy-105)/365.25) + 4*math.Sin(2*math.Pi*(hours-9)/24) + 2*siteTemp.next(site)
		load := r.ActivePowerKW / d.RatedPowerKW
		day := float64(t.Sub(cfg.Start)) / float64(24*time.Hour)
		fault := map[string]float64{}
		for _, f := range heats {
			if s := d.Sensor(f.Sensor); s != nil {
				fault[s.TempColumn] += 12 * f.severityAt(day, cfg.Days) * (0.3 + 0.7*load)
			}
		}
		for k := range sfaults {
			fault["gearbox_bearing_temp_c"] += sfaults[k].extraHeatC(t)
		}
		noise := func() float64 { return 0.15 * own.NormFloat64() }
		r.AmbientC = round(amb+0.1*own.NormFloat64(), 1)
		r.NacelleC = round(nacelle.step(amb+8+10*load)+noise(), 1)
		r.GearboxBearingC = round(gbx.step(amb+25+30*load+fault["gearbox_bearing_temp_c"])+noise(), 1)
		r.GeneratorBearingC = round(gen.step(amb+20+25*load+fault["generator_bearing_temp_c"])+noise(), 1)
		r.MainBearingC = round(mb.step(amb+5+12*load+fault["main_bearing_temp_c"])+noise(), 1)
	}
	return rows
}

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}
