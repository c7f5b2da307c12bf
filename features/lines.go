package features

import (
	"fmt"
	"math"
)

// Line is a labelled kinematic frequency: a bearing defect frequency, a
// shaft harmonic or a gear mesh, with its harmonic number.
type Line struct {
	// Label is the family and harmonic, "BPFO", "BPFO ×2", "shaft ×3".
	Label string
	// Family is the label without the harmonic ("BPFO").
	Family string
	// Harmonic is 1 for the fundamental.
	Harmonic int
	FreqHz   float64
}

// DefectLines returns the bearing defect frequencies at shaft speed rpm and
// their harmonics 1..harmonics, family by family (BPFO, BPFI, BSF, FTF).
// BSF is the classical ball-spin frequency, so its second harmonic is the
// 2×BSF at which a ball defect striking both races shows.
func DefectLines(o DefectOrders, rpm float64, harmonics int) []Line {
	f := o.Frequencies(rpm)
	var lines []Line
	for _, fam := range []struct {
		name string
		hz   float64
	}{{"BPFO", f.BPFO}, {"BPFI", f.BPFI}, {"BSF", f.BSF}, {"FTF", f.FTF}} {
		lines = append(lines, harmonicLines(fam.name, fam.hz, harmonics)...)
	}
	return lines
}

// ShaftLines returns the shaft-speed harmonics 1..harmonics at rpm.
func ShaftLines(rpm float64, harmonics int) []Line {
	return harmonicLines("shaft", rpm/60, harmonics)
}

func harmonicLines(family string, hz float64, harmonics int) []Line {
	if !(hz > 0) {
		return nil
	}
	lines := make([]Line, 0, harmonics)
	for h := 1; h <= harmonics; h++ {
		label := family
		if h > 1 {
			label = fmt.Sprintf("%s ×%d", family, h)
		}
		lines = append(lines, Line{Label: label, Family: family, Harmonic: h, FreqHz: float64(h) * hz})
	}
	return lines
}

// NearestLine returns the line closest to freqHz within tolerance
// tolHz + relTol·line frequency, and false when none is that close. The
// relative part allows for bearing slip (1–2 % between the kinematic and
// the measured defect frequency, Randall & Antoni 2011 §2.1).
func NearestLine(lines []Line, freqHz, tolHz, relTol float64) (Line, bool) {
	best, bestD := Line{}, math.Inf(1)
	for _, l := range lines {
		d := math.Abs(l.FreqHz - freqHz)
		if d <= tolHz+relTol*l.FreqHz && d < bestD {
			best, bestD = l, d
		}
	}
	return best, !math.IsInf(bestD, 1)
}

// GearLines returns the gear-mesh frequency of a gear with teeth teeth on
// a shaft turning at rpm, its harmonics 1..harmonics, and around each the
// shaft-rate sidebands ±1..±sidebands (labelled "GMF ×2 −1×"). A damaged
// tooth modulates the mesh once per revolution and raises these sidebands
// (McFadden & Smith 1985).
func GearLines(teeth int, rpm float64, harmonics, sidebands int) []Line {
	shaftHz := rpm / 60
	gmf := float64(teeth) * shaftHz
	var lines []Line
	for _, mesh := range harmonicLines("GMF", gmf, harmonics) {
		lines = append(lines, mesh)
		for s := 1; s <= sidebands; s++ {
			for _, sign := range []float64{-1, 1} {
				f := mesh.FreqHz + sign*float64(s)*shaftHz
				if f <= 0 {
					continue
				}
				op := "+"
				if sign < 0 {
					op = "−"
				}
				lines = append(lines, Line{
					Label: fmt.Sprintf("%s %s%d×", mesh.Label, op, s), Family: "GMF sideband",
					Harmonic: mesh.Harmonic, FreqHz: f,
				})
			}
		}
	}
	return lines
}
