package synth

import (
	"math"
	"time"
)

// SCADASensor is the Sensor of a FaultSpec that acts on the SCADA only
// (a SCADA fault kind): TURBINE/scada/KIND@DAY.
const SCADASensor = "scada"

// The SCADA fault kinds: faults of known onset in the 10-minute SCADA
// alone, for known-answer tests of the SCADA analytics (issue 9). Each
// starts at 00:00 UTC of its StartDay.
const (
	// GearboxTempStep adds SCADAStepC to the heat balance of the gearbox
	// bearing from the onset on: its temperature rises by SCADAStepC with
	// the bearing's thermal lag (τ = 1.5 h), as a new heat source would
	// make it (the +3 °C step of issue 9).
	GearboxTempStep FaultKind = "gearbox_temp_step"
	// GearboxTempRamp adds a heat term that grows linearly from 0 at the
	// onset to SCADAStepC after SCADARampDays, then stays (the ramp to
	// +3 °C over 7 days of issue 9).
	GearboxTempRamp FaultKind = "gearbox_temp_ramp"
	// Derate caps the active power at SCADADerateFraction of rated for
	// SCADADerateHours from the onset, pitching the blades out to shed
	// the rest, as a turbine controller does when it derates.
	Derate FaultKind = "derate"
)

// SCADAFaultKinds lists the SCADA fault kinds a FaultSpec may name (with
// Sensor SCADASensor).
var SCADAFaultKinds = []FaultKind{GearboxTempStep, GearboxTempRamp, Derate}

// Sizes of the SCADA faults.
const (
	SCADAStepC          = 3.0  // °C, step and ramp end
	SCADARampDays       = 7    // days for the ramp to reach SCADAStepC
	SCADADerateFraction = 0.7  // power cap as a fraction of rated power
	SCADADerateHours    = 48.0 // length of a derating period
)

// IsSCADA reports whether k is a SCADA fault kind.
func (k FaultKind) IsSCADA() bool { return k == GearboxTempStep || k == GearboxTempRamp || k == Derate }

// TruthSCADAFault is one SCADA fault of the ground truth: what changed,
// from when, and by how much.
type TruthSCADAFault struct {
	Turbine string    `json:"turbine"`
	Kind    FaultKind `json:"kind"`
	// Column is the SCADA file column the fault acts on
	// (gearbox_bearing_temp_c, or active_power_kw for a derating).
	Column string `json:"column"`
	// Start is the onset (00:00 UTC of StartDay); End is when a ramp
	// reaches its full size or a derating ends (zero for a step, which
	// lasts to the end).
	StartDay int       `json:"start_day"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end,omitzero"`
	// DeltaC is the temperature change of a step or ramp (°C); LimitKW the
	// power cap of a derating (kW).
	DeltaC  float64 `json:"delta_c,omitempty"`
	LimitKW float64 `json:"limit_kw,omitempty"`
}

// scadaFault is a SCADA fault of one turbine with its times resolved.
type scadaFault struct {
	kind       FaultKind
	start, end time.Time
}

// truthSCADA returns the ground truth of a SCADA fault f.
func (f *FaultSpec) truthSCADA(cfg *Config) TruthSCADAFault {
	sf := f.resolve(cfg)
	t := TruthSCADAFault{Turbine: f.Turbine, Kind: f.Kind, StartDay: f.StartDay, Start: sf.start}
	switch f.Kind {
	case Derate:
		t.Column, t.LimitKW, t.End = "active_power_kw", SCADADerateFraction*cfg.Drivetrain.RatedPowerKW, sf.end
	case GearboxTempRamp:
		t.Column, t.DeltaC, t.End = "gearbox_bearing_temp_c", SCADAStepC, sf.end
	default:
		t.Column, t.DeltaC = "gearbox_bearing_temp_c", SCADAStepC
	}
	return t
}

func (f *FaultSpec) resolve(cfg *Config) scadaFault {
	start := cfg.Start.AddDate(0, 0, f.StartDay)
	sf := scadaFault{kind: f.Kind, start: start}
	switch f.Kind {
	case Derate:
		sf.end = start.Add(time.Duration(SCADADerateHours * float64(time.Hour)))
	case GearboxTempRamp:
		sf.end = start.AddDate(0, 0, SCADARampDays)
	}
	return sf
}

// extraHeatC returns the heat term (°C added to the gearbox bearing's
// balance) of a step or ramp at t.
func (sf *scadaFault) extraHeatC(t time.Time) float64 {
	if t.Before(sf.start) {
		return 0
	}
	switch sf.kind {
	case GearboxTempStep:
		return SCADAStepC
	case GearboxTempRamp:
		return SCADAStepC * math.Min(1, t.Sub(sf.start).Hours()/(SCADARampDays*24))
	}
	return 0
}

// derating reports whether a derating is on at t.
func (sf *scadaFault) derating(t time.Time) bool {
	return sf.kind == Derate && !t.Before(sf.start) && t.Before(sf.end)
}
