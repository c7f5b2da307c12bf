package features

import (
	"fmt"
	"math"
	"regexp"
)

// SchemaVersion is the version of the feature set: the columns Extractor
// produces, their names, units and formulas. Bump it with any change to
// them (the table is a public contract).
const SchemaVersion = 2

// Column describes one feature column.
type Column struct {
	// Name is snake_case with the unit as suffix where there is one
	// (velocity_rms_mm_s, bpfo_db); columns in the capture's own unit
	// (see Unit) carry no suffix.
	Name string
	// Unit is the physical unit: "mm/s", "m/s2", "Hz", "dB", "" for a
	// dimensionless value, or SignalUnit for the capture's own unit.
	Unit string
	// Doc is the formula and convention in one sentence.
	Doc string
}

// SignalUnit marks a column in the capture's own unit, which the table
// states per row in its unit column (g, m/s2, mm/s, or empty when the
// file does not say).
const SignalUnit = "signal"

// Kinematics is what is known of the machine behind one capture; zero
// values mean unknown, and the features that need them are NaN (null).
type Kinematics struct {
	// RPM is the speed of the shaft the sensor is referenced to.
	RPM float64
	// Bearing holds the defect orders of the bearing the sensor sees.
	Bearing *DefectOrders
	// GearTeeth is the tooth count of the gear on the reference shaft,
	// GearRatio the stage ratio (0 when unknown).
	GearTeeth int
	GearRatio float64
	// ISOGroup is the component group for ISO 20816-21 evaluation zones
	// ("" when unknown).
	ISOGroup string
	// Bands are the component's own frequency bands (from the assets
	// file); a band of Config.Bands that the component lacks is null.
	Bands []NamedBand
}

// NamedBand is a named frequency band of a component, [LoHz, HiHz).
type NamedBand struct {
	Name       string
	LoHz, HiHz float64
}

// Config sets the parts of the feature computation a user may choose. The
// zero value is the default configuration.
type Config struct {
	// EnvelopeLoHz and EnvelopeHiHz fix the envelope demodulation band;
	// both 0 lets spectral kurtosis (the fast kurtogram) choose it.
	EnvelopeLoHz, EnvelopeHiHz float64
	// BandNames name the component bands the table has a column for
	// (band_power_<name>), in column order; each row takes the band's
	// edges from its own Kinematics.Bands. Names are lower-case snake_case
	// starting with a letter, each once.
	BandNames []string
}

// Input is one signal with what is known about it, as the feature groups
// see it.
type Input struct {
	// X is the signal, mean not removed.
	X []float64
	// RateHz is the sample rate.
	RateHz float64
	// Unit is the signal's unit: "g", "m/s2", "mm/s" or "" (unknown).
	Unit string
	Kin  Kinematics
}

// group is one family of features: its columns are fixed, and compute
// fills exactly len(columns()) values, NaN where a value does not apply.
// A group holds its own plans and scratch and belongs to one goroutine.
type group interface {
	columns() []Column
	compute(dst []float64, in *Input) error
}

// Extractor computes the feature row of a capture. It owns its FFT plans
// and scratch (kept per signal length), so it allocates little after the
// first capture of a given length; it belongs to one goroutine: make one
// per worker.
type Extractor struct {
	cfg    Config
	groups []group
	// spec is the spectrum the order and gear groups share.
	spec   *lineSpectrum
	cols   []Column
	starts []int
}

// NewExtractor returns an extractor for cfg.
func NewExtractor(cfg Config) (*Extractor, error) {
	if cfg.EnvelopeLoHz < 0 || cfg.EnvelopeHiHz < 0 || (cfg.EnvelopeHiHz > 0 && cfg.EnvelopeLoHz >= cfg.EnvelopeHiHz) {
		return nil, fmt.Errorf("envelope band %g–%g Hz: want 0 <= low < high", cfg.EnvelopeLoHz, cfg.EnvelopeHiHz)
	}
	seen := map[string]bool{}
	for _, name := range cfg.BandNames {
		if !bandNamePattern.MatchString(name) || seen[name] {
			return nil, fmt.Errorf("component band name %q: want a unique lower-case snake_case name starting with a letter", name)
		}
		seen[name] = true
	}
	e := &Extractor{cfg: cfg, spec: &lineSpectrum{shared: true, plans: &plans{}}}
	e.groups = newGroups(cfg, e.spec)
	for _, g := range e.groups {
		e.starts = append(e.starts, len(e.cols))
		e.cols = append(e.cols, g.columns()...)
	}
	return e, nil
}

// Columns returns the feature columns in row order (read-only).
func (e *Extractor) Columns() []Column { return e.cols }

// Extract computes the features of in into dst (len(Columns())), NaN for
// every value that does not apply (no rpm, no bearing, a band above
// Nyquist). It panics if dst has the wrong length.
func (e *Extractor) Extract(dst []float64, in *Input) error {
	if len(dst) != len(e.cols) {
		panic("features: Extract: dst length differs from Columns()")
	}
	if !(in.RateHz > 0) {
		return fmt.Errorf("sample rate %g Hz is not positive", in.RateHz)
	}
	if len(in.X) < minSamples {
		return fmt.Errorf("capture too short for features: %d samples (need %d)", len(in.X), minSamples)
	}
	for _, v := range in.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("capture holds NaN or infinite samples")
		}
	}
	e.spec.fresh = false // a new input: the shared spectrum is computed again
	for i, g := range e.groups {
		part := dst[e.starts[i] : e.starts[i]+len(g.columns())]
		for j := range part {
			part[j] = math.NaN()
		}
		if err := g.compute(part, in); err != nil {
			return err
		}
	}
	return nil
}

// bandNamePattern is what a component band's name must look like.
var bandNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// minSamples is the shortest capture Extract accepts.
const minSamples = 256

// newGroups returns the feature groups in column order. Every group's
// columns are fixed whatever the input, so that every row of a table has
// the same columns.
//
// The order and gear groups read the same Hann amplitude spectrum of the
// whole capture: spec, computed once per input; its plans serve the
// bearing and envelope-share groups too.
func newGroups(cfg Config, spec *lineSpectrum) []group {
	return []group{
		newTimeGroup(),
		newSpectralGroup(cfg.BandNames),
		newISOGroup(),
		newOrderGroup(spec),
		newBearingGroup(cfg, spec.plans),
		newGearGroup(spec),
		newEnvShareGroup(spec.plans),
		newBandShareGroup(),
	}
}
