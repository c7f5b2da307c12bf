package synth

import (
	"fmt"
	"math"
)

// Drivetrain is the turbine model every turbine of a synthetic fleet
// shares: a multi-megawatt geared turbine, scaled.
type Drivetrain struct {
	// Model is a free-text name written to the assets file.
	Model string
	// RatedPowerKW is the rated electrical power.
	RatedPowerKW float64
	// RotorRadiusM is the rotor radius.
	RotorRadiusM float64
	// CutInMS, RatedMS and CutOutMS are the cut-in, rated and cut-out
	// wind speeds in m/s.
	CutInMS, RatedMS, CutOutMS float64
	// TipSpeedRatio is the tip-speed ratio held between minimum and rated
	// rotor speed (variable-speed operation).
	TipSpeedRatio float64
	// MinRotorRPM and RatedRotorRPM bound the rotor speed in operation.
	MinRotorRPM, RatedRotorRPM float64
	// GearboxRatio is the high-speed shaft speed over the rotor speed.
	GearboxRatio float64
	// Sensors are the vibration sensors of every turbine.
	Sensors []SensorModel
}

// BearingModel is the bearing a sensor sees: its geometry, the resonance
// its impacts excite and the burst size of a fully developed defect.
type BearingModel struct {
	// Name describes the bearing.
	Name string
	// RollerDiameterMM, PitchDiameterMM, Rollers and ContactAngleDeg are
	// the geometry from which the defect orders follow.
	RollerDiameterMM, PitchDiameterMM float64
	Rollers                           int
	ContactAngleDeg                   float64
	// ResonanceHz and Damping describe the structural resonance between
	// the bearing and the sensor.
	ResonanceHz, Damping float64
	// ImpulseG is the peak of one burst at severity 1 (g).
	ImpulseG float64
	// Slip is the relative jitter of the impact spacing.
	Slip float64
	// LoadModulation is the modulation depth of inner-race and ball
	// trains.
	LoadModulation float64
}

// Orders returns the defect orders (multiples of shaft speed, inner ring
// rotating) from the geometry with the classical kinematic formulas,
// r = d/D·cos φ (Randall & Antoni 2011, eq. 1–4): FTF = (1−r)/2,
// BPFO = n/2·(1−r), BPFI = n/2·(1+r), BSF = D/(2d)·(1−r²).
func (b BearingModel) Orders() (bpfo, bpfi, bsf, ftf float64) {
	r := b.RollerDiameterMM / b.PitchDiameterMM * math.Cos(b.ContactAngleDeg*math.Pi/180)
	n := float64(b.Rollers)
	return n / 2 * (1 - r), n / 2 * (1 + r), b.PitchDiameterMM / (2 * b.RollerDiameterMM) * (1 - r*r), (1 - r) / 2
}

// SensorModel is one vibration sensor of the turbine model and what its
// captures contain.
type SensorModel struct {
	// ID names the sensor folder ("gbx_hss").
	ID string
	// Component and ISOGroup go to the assets file.
	Component, ISOGroup string
	// Shaft names the reference shaft; RatioToRotor is its speed over the
	// rotor speed. The manifest's rpm is this shaft's mean speed.
	Shaft        string
	RatioToRotor float64
	// RateHz and Seconds set the capture's sample rate and length.
	RateHz  int
	Seconds float64
	// SpeedWander is the largest relative speed deviation in a capture.
	SpeedWander float64
	// Harmonics, Tones and NoiseG are the healthy content (g).
	Harmonics []Harmonic
	Tones     []Tone
	NoiseG    float64
	// GearTeeth and MeshG describe the gear mesh on the reference shaft,
	// GearTeeth 0 for none; Eccentricity its healthy modulation;
	// GearStageRatio the stage's speed ratio (for the assets file).
	GearTeeth      int
	MeshG          []float64
	Eccentricity   float64
	GearStageRatio float64
	// ToothDamageMax is the gear ToothDamage at severity 1.
	ToothDamageMax float64
	// Bearing is the bearing the sensor sees.
	Bearing BearingModel
	// TempColumn is the SCADA temperature a fault of this sensor's bearing
	// raises ("gearbox_bearing_temp_c").
	TempColumn string
}

// DefaultDrivetrain returns the turbine model of the synthetic fleet: a
// 2 MW, 90 m rotor turbine (rotor 9.5–15.2 rpm), gearbox ratio 105 (high-
// speed shaft 1000–1600 rpm), generator on the high-speed shaft, and three
// sensors: main_bearing (2560 Hz × 8 s, referenced to the main shaft),
// gbx_hss (25.6 kHz × 2 s, high-speed shaft, a 25-tooth pinion and its
// bearing) and generator (25.6 kHz × 2 s, generator shaft).
func DefaultDrivetrain() Drivetrain {
	return Drivetrain{
		Model:         "synthetic 2 MW geared, 90 m rotor, gearbox ratio 105",
		RatedPowerKW:  2000,
		RotorRadiusM:  45,
		CutInMS:       3,
		RatedMS:       12,
		CutOutMS:      25,
		TipSpeedRatio: 8,
		MinRotorRPM:   9.5,
		RatedRotorRPM: 15.2,
		GearboxRatio:  105,
		Sensors: []SensorModel{
			{
				ID: "main_bearing", Component: "main_bearing", ISOGroup: "main_bearing",
				Shaft: "main", RatioToRotor: 1,
				RateHz: 2560, Seconds: 8, SpeedWander: 0.01,
				// 1× rotor imbalance, 2×, and the 3P blade pass.
				Harmonics: []Harmonic{{1, 0.0005}, {2, 0.0003}, {3, 0.001}},
				NoiseG:    0.01,
				Bearing: BearingModel{
					Name:             "main bearing, spherical roller 30 × 80 mm on 800 mm, 10°",
					RollerDiameterMM: 80, PitchDiameterMM: 800, Rollers: 30, ContactAngleDeg: 10,
					ResonanceHz: 850, Damping: 0.05, ImpulseG: 0.3, Slip: 0.015, LoadModulation: 0.8,
				},
				TempColumn: "main_bearing_temp_c",
			},
			{
				ID: "gbx_hss", Component: "gearbox", ISOGroup: "gearbox",
				Shaft: "hss", RatioToRotor: 105,
				RateHz: 25600, Seconds: 2, SpeedWander: 0.015,
				Harmonics: []Harmonic{{1, 0.02}, {2, 0.01}},
				NoiseG:    0.08,
				GearTeeth: 25, MeshG: []float64{0.3, 0.12, 0.05}, Eccentricity: 0.05, GearStageRatio: 3.9,
				ToothDamageMax: 1,
				Bearing: BearingModel{
					Name:             "HSS bearing, 13 × 27 mm on 135 mm",
					RollerDiameterMM: 27, PitchDiameterMM: 135, Rollers: 13,
					ResonanceHz: 3200, Damping: 0.05, ImpulseG: 3, Slip: 0.015, LoadModulation: 0.8,
				},
				TempColumn: "gearbox_bearing_temp_c",
			},
			{
				ID: "generator", Component: "generator", ISOGroup: "generator",
				Shaft: "generator", RatioToRotor: 105,
				RateHz: 25600, Seconds: 2, SpeedWander: 0.015,
				Harmonics: []Harmonic{{1, 0.03}, {2, 0.015}},
				// Twice the 50 Hz grid frequency: magnetic pull.
				Tones:  []Tone{{100, 0.02}},
				NoiseG: 0.05,
				Bearing: BearingModel{
					Name:             "generator drive-end bearing, 9 × 30 mm on 125 mm",
					RollerDiameterMM: 30, PitchDiameterMM: 125, Rollers: 9,
					ResonanceHz: 4500, Damping: 0.05, ImpulseG: 2, Slip: 0.015, LoadModulation: 0.8,
				},
				TempColumn: "generator_bearing_temp_c",
			},
		},
	}
}

// Sensor returns the sensor model called id, or nil.
func (d Drivetrain) Sensor(id string) *SensorModel {
	for i := range d.Sensors {
		if d.Sensors[i].ID == id {
			return &d.Sensors[i]
		}
	}
	return nil
}

func (d *Drivetrain) validate() error {
	if !(d.RatedPowerKW > 0 && d.RotorRadiusM > 0 && d.TipSpeedRatio > 0 && d.GearboxRatio > 0) {
		return fmt.Errorf("drivetrain: rated power, rotor radius, tip-speed ratio and gearbox ratio must be positive")
	}
	if !(0 < d.CutInMS && d.CutInMS < d.RatedMS && d.RatedMS < d.CutOutMS) {
		return fmt.Errorf("drivetrain: want 0 < cut-in < rated < cut-out wind speed, got %g, %g, %g", d.CutInMS, d.RatedMS, d.CutOutMS)
	}
	if !(0 < d.MinRotorRPM && d.MinRotorRPM <= d.RatedRotorRPM) {
		return fmt.Errorf("drivetrain: want 0 < min rotor rpm <= rated rotor rpm")
	}
	if len(d.Sensors) == 0 {
		return fmt.Errorf("drivetrain: no sensors")
	}
	seen := map[string]bool{}
	for _, s := range d.Sensors {
		if s.ID == "" || seen[s.ID] {
			return fmt.Errorf("drivetrain: sensor id %q empty or repeated", s.ID)
		}
		seen[s.ID] = true
		if s.RateHz <= 0 || !(s.Seconds > 0) || !(s.RatioToRotor > 0) {
			return fmt.Errorf("drivetrain: sensor %s: rate, length and shaft ratio must be positive", s.ID)
		}
		b := s.Bearing
		if b.Rollers < 1 || !(b.RollerDiameterMM > 0) || !(b.PitchDiameterMM > b.RollerDiameterMM) {
			return fmt.Errorf("drivetrain: sensor %s: bearing geometry invalid", s.ID)
		}
	}
	return nil
}

// PowerKW returns the power curve: 0 below cut-in and above cut-out,
// rated power from rated to cut-out, and in between the cubic
// P = Prated·(v³ − vci³)/(vr³ − vci³), the shape of the kinetic power
// ½ρAv³ captured at constant efficiency.
func (d *Drivetrain) PowerKW(windMS float64) float64 {
	switch {
	case !(windMS >= d.CutInMS) || windMS > d.CutOutMS:
		return 0
	case windMS >= d.RatedMS:
		return d.RatedPowerKW
	}
	ci3 := d.CutInMS * d.CutInMS * d.CutInMS
	r3 := d.RatedMS * d.RatedMS * d.RatedMS
	return d.RatedPowerKW * (windMS*windMS*windMS - ci3) / (r3 - ci3)
}

// RotorRPM returns the rotor speed in operation at wind speed windMS: the
// speed that holds the tip-speed ratio, ω = λv/R, clamped to
// [MinRotorRPM, RatedRotorRPM].
func (d *Drivetrain) RotorRPM(windMS float64) float64 {
	rpm := d.TipSpeedRatio * windMS / d.RotorRadiusM * 60 / (2 * math.Pi)
	return math.Min(d.RatedRotorRPM, math.Max(d.MinRotorRPM, rpm))
}
