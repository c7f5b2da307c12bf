package features

import (
	"fmt"
	"math"
)

// gearHarmonics is the number of gear-mesh harmonics whose amplitude is a
// column; gearSidebands the shaft-rate sidebands per side in the SER.
const (
	gearHarmonics = 3
	gearSidebands = 3
	gearRelTol    = 0.02
)

// gearGroup computes gear-mesh features when the tooth count of the gear
// on the reference shaft and the speed are known (Kinematics.GearTeeth > 0
// and RPM > 0; otherwise every column is NaN), on the Hann amplitude
// spectrum of the whole capture (lineSpectrum), with f_s = rpm/60 and
// GMF = teeth·f_s:
//
//	gmf_hx     max A_k within ±min(2 % of h·GMF, 0.4·f_s) of h·GMF (h = 1, 2, 3)
//	gear_ser   Spectrum.SidebandEnergyRatio(GMF, f_s, 3, 0.02)
//
// The window of a mesh line is capped at 0.4·f_s so that it never reaches
// the first shaft-rate sideband. The sideband energy ratio (Hanson, Kolt &
// Tjaden 2007) sums the first three sidebands on each side of the mesh and
// divides by the mesh amplitude; it is NaN when GMF + 3·f_s lies above
// Nyquist or the mesh line is absent. A mesh harmonic above Nyquist is NaN.
type gearGroup struct{ spec *lineSpectrum }

// newGearGroup returns a gear group with its own spectrum, or with spec
// when given (shared with the order group).
func newGearGroup(spec ...*lineSpectrum) *gearGroup {
	if len(spec) > 0 {
		return &gearGroup{spec: spec[0]}
	}
	return &gearGroup{spec: &lineSpectrum{plans: &plans{}}}
}

var gearColumns = func() []Column {
	var cols []Column
	for h := 1; h <= gearHarmonics; h++ {
		cols = append(cols, Column{fmt.Sprintf("gmf_%dx", h), SignalUnit,
			fmt.Sprintf("largest Hann amplitude-spectrum bin within ±min(2 %%, 0.4× shaft rate) of %d× the gear-mesh frequency teeth·rpm/60", h)})
	}
	return append(cols, Column{"gear_ser", "",
		"sideband energy ratio: Σ of the amplitudes of the ±1..3× shaft-rate sidebands of the mesh (each within ±min(2 %, 0.4× shaft rate)) / the mesh amplitude (within ±2 %)"})
}()

func (g *gearGroup) columns() []Column { return gearColumns }

func (g *gearGroup) compute(dst []float64, in *Input) error {
	if in.Kin.GearTeeth <= 0 || !(in.Kin.RPM > 0) {
		return nil
	}
	s, err := g.spec.compute(in.X, in.RateHz)
	if err != nil {
		return fmt.Errorf("gear features: %w", err)
	}
	shaftHz := in.Kin.RPM / 60
	gmf := float64(in.Kin.GearTeeth) * shaftHz
	nyq := in.RateHz / 2
	for h := 1; h <= gearHarmonics; h++ {
		f := float64(h) * gmf
		if f <= nyq {
			dst[h-1] = s.LineAmplitude(f, math.Min(gearRelTol*f, 0.4*shaftHz))
		}
	}
	if gmf+gearSidebands*shaftHz <= nyq {
		if ser := s.SidebandEnergyRatio(gmf, shaftHz, gearSidebands, gearRelTol); ser > 0 || s.LineAmplitude(gmf, gearRelTol*gmf) > 0 {
			dst[gearHarmonics] = ser
		}
	}
	return nil
}
