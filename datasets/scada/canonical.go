package scada

import "strings"

// Signal is one canonical SCADA quantity, such as the active power.
type Signal int

// The canonical signals, in canonical column order. The IEC 61400-25-2
// logical node and data object named in each SignalInfo are the model for
// the name; windpm does not claim conformance to the standard.
const (
	WindSpeed Signal = iota
	WindSpeed1
	WindSpeed2
	WindDirection
	ActivePower
	ReactivePower
	ApparentPower
	PowerFactor
	RotorSpeed
	GeneratorSpeed
	ConverterSpeed
	Torque
	ConverterTorque
	PitchAngle
	NacelleDirection
	VanePosition
	VanePosition1
	VanePosition2
	AmbientTemperature
	NacelleTemperature
	HubTemperature
	GearboxBearing1Temperature
	GearboxBearing2Temperature
	GearboxOilTemperature
	GearboxInletTemperature
	GeneratorBearing1Temperature
	GeneratorBearing2Temperature
	GeneratorStatorTemperature
	RotorBearingTemperature
	ConverterTemperature
	GridFrequency
	GridVoltage
	Status
	numSignals
)

// SignalInfo describes a canonical signal: its name, unit and model.
type SignalInfo struct {
	Name string // canonical name, snake_case
	Unit string // SI or customary unit; "" for dimensionless
	IEC  string // the IEC 61400-25-2 logical node and data object it is modelled on
	Doc  string // one line of meaning
}

var signalInfo = [numSignals]SignalInfo{
	WindSpeed:                    {"wind_speed", "m/s", "WMET.HorWdSpd", "nacelle horizontal wind speed"},
	WindSpeed1:                   {"wind_speed1", "m/s", "WMET.HorWdSpd", "first nacelle anemometer"},
	WindSpeed2:                   {"wind_speed2", "m/s", "WMET.HorWdSpd", "second nacelle anemometer"},
	WindDirection:                {"wind_direction", "deg", "WMET.HorWdDir", "wind direction (relative or absolute as the export gives it)"},
	ActivePower:                  {"active_power", "kW", "WTUR.W", "active power at the turbine terminals"},
	ReactivePower:                {"reactive_power", "kvar", "WTUR.VAr", "reactive power"},
	ApparentPower:                {"apparent_power", "kVA", "WCNV.VA", "apparent power"},
	PowerFactor:                  {"power_factor", "", "WCNV.PF", "power factor (cos phi)"},
	RotorSpeed:                   {"rotor_speed", "rpm", "WROT.RotSpd", "rotor (low-speed shaft) speed"},
	GeneratorSpeed:               {"generator_speed", "rpm", "WGEN.GnSpd", "generator (high-speed shaft) speed"},
	ConverterSpeed:               {"converter_speed", "rpm", "WCNV.GnSpd", "generator speed as the converter measures it"},
	Torque:                       {"torque", "Nm", "WTRM.Tq", "shaft torque"},
	ConverterTorque:              {"converter_torque", "Nm", "WCNV.Tq", "torque as the converter controls it"},
	PitchAngle:                   {"pitch_angle", "deg", "WROT.PtchAngVal", "blade pitch angle"},
	NacelleDirection:             {"nacelle_direction", "deg", "WNAC.Dir", "nacelle direction (absolute)"},
	VanePosition:                 {"vane_position", "deg", "WYAW.YwAng", "wind vane angle relative to the nacelle (yaw misalignment)"},
	VanePosition1:                {"vane_position1", "deg", "WYAW.YwAng", "first nacelle wind vane"},
	VanePosition2:                {"vane_position2", "deg", "WYAW.YwAng", "second nacelle wind vane"},
	AmbientTemperature:           {"ambient_temperature", "degC", "WMET.EnvTmp", "outdoor air temperature"},
	NacelleTemperature:           {"nacelle_temperature", "degC", "WNAC.NacTmp", "air temperature inside the nacelle"},
	HubTemperature:               {"hub_temperature", "degC", "WROT.RotTmp", "temperature inside the hub"},
	GearboxBearing1Temperature:   {"gearbox_bearing1_temperature", "degC", "WTRM.GbxBrgTmp", "gearbox bearing 1 temperature"},
	GearboxBearing2Temperature:   {"gearbox_bearing2_temperature", "degC", "WTRM.GbxBrgTmp", "gearbox bearing 2 temperature"},
	GearboxOilTemperature:        {"gearbox_oil_temperature", "degC", "WTRM.GbxOilTmp", "gearbox oil sump temperature"},
	GearboxInletTemperature:      {"gearbox_inlet_temperature", "degC", "WTRM.GbxOilTmp", "gearbox oil inlet temperature"},
	GeneratorBearing1Temperature: {"generator_bearing1_temperature", "degC", "WGEN.GnBrgTmp", "generator bearing 1 (drive end) temperature"},
	GeneratorBearing2Temperature: {"generator_bearing2_temperature", "degC", "WGEN.GnBrgTmp", "generator bearing 2 (non-drive end) temperature"},
	GeneratorStatorTemperature:   {"generator_stator_temperature", "degC", "WGEN.GnTmpSta", "generator stator temperature"},
	RotorBearingTemperature:      {"rotor_bearing_temperature", "degC", "WROT.RotBrgTmp", "main (rotor) bearing temperature"},
	ConverterTemperature:         {"converter_temperature", "degC", "WCNV.CnvTmp", "converter temperature"},
	GridFrequency:                {"grid_frequency", "Hz", "WCNV.Hz", "grid frequency"},
	GridVoltage:                  {"grid_voltage", "V", "WCNV.PPV", "grid voltage"},
	Status:                       {"status", "", "WTUR.TurSt", "turbine status code as the export writes it"},
}

// Info returns the name, unit and model of s.
func (s Signal) Info() SignalInfo {
	if s < 0 || s >= numSignals {
		return SignalInfo{}
	}
	return signalInfo[s]
}

// String returns the canonical name of s.
func (s Signal) String() string { return s.Info().Name }

// Signals returns every canonical signal in canonical order.
func Signals() []Signal {
	out := make([]Signal, numSignals)
	for i := range out {
		out[i] = Signal(i)
	}
	return out
}

// Stat is the 10-minute statistic a column holds.
type Stat int

// The statistics of a 10-minute interval, as IEC 61400-25-2 and most exports
// give them.
const (
	Avg Stat = iota // mean over the interval
	Min             // minimum
	Max             // maximum
	Std             // standard deviation
	numStats
)

var statNames = [numStats]string{"avg", "min", "max", "std"}

// String returns the suffix of s in column names: avg, min, max or std.
func (s Stat) String() string {
	if s < 0 || s >= numStats {
		return ""
	}
	return statNames[s]
}

// Column is one canonical column: a signal and a statistic.
type Column struct {
	Signal Signal
	Stat   Stat
}

// Name returns the canonical column name, e.g. active_power_avg.
func (c Column) Name() string { return c.Signal.String() + "_" + c.Stat.String() }

// less orders columns in canonical order: by signal, then statistic.
func (c Column) less(d Column) bool {
	if c.Signal != d.Signal {
		return c.Signal < d.Signal
	}
	return c.Stat < d.Stat
}

// ParseColumn returns the column named name (e.g. active_power_avg), or
// false when no canonical column has that name. A bare signal name means
// its avg.
func ParseColumn(name string) (Column, bool) {
	name = strings.TrimSpace(strings.ToLower(name))
	for s := Signal(0); s < numSignals; s++ {
		n := signalInfo[s].Name
		if name == n {
			return Column{s, Avg}, true
		}
		if rest, ok := strings.CutPrefix(name, n+"_"); ok {
			for st := Stat(0); st < numStats; st++ {
				if rest == statNames[st] {
					return Column{s, st}, true
				}
			}
		}
	}
	return Column{}, false
}
