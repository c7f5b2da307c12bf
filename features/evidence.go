package features

import "math"

// FoundLine is a spectral line found at a kinematic frequency: the
// evidence an alarm carries.
type FoundLine struct {
	// Label names the kinematic line ("GMF −1×", "BPFO ×2").
	Label string
	// ExpectedHz is the kinematic frequency, FreqHz the frequency of the
	// largest bin within the tolerance.
	ExpectedHz, FreqHz float64
	// DB is the line's level above the local noise floor
	// (LocalNoiseFloor with evidenceFloorBins bins on each side).
	DB float64
}

// evidenceFloorBins is the half-width of the local noise floor of
// LinesAbove: wide enough for a stable median, narrow enough to follow
// the spectrum's slope.
const evidenceFloorBins = 50

// LinesAbove returns the lines of s at the kinematic frequencies lines
// that stand at least minDB above the local noise floor, in the order of
// lines. A line is searched within ±max(relTol·f, 1 bin) of its frequency
// f, which absorbs speed wander and the speed's uncertainty.
func (s *Spectrum) LinesAbove(lines []Line, relTol, minDB float64) []FoundLine {
	if len(s.FreqHz) < 2 {
		return nil
	}
	binHz := s.FreqHz[1]
	var found []FoundLine
	for _, l := range lines {
		k := int(math.Round(l.FreqHz / binHz))
		w := max(1, int(relTol*l.FreqHz/binHz))
		if k-w < 1 || k+w >= len(s.Amplitude) {
			continue
		}
		best := k - w
		for i := k - w; i <= k+w; i++ {
			if s.Amplitude[i] > s.Amplitude[best] {
				best = i
			}
		}
		floor := s.LocalNoiseFloor(s.FreqHz[best], evidenceFloorBins)
		if floor <= 0 {
			continue
		}
		if db := 20 * math.Log10(s.Amplitude[best]/floor); db >= minDB {
			found = append(found, FoundLine{Label: l.Label, ExpectedHz: l.FreqHz, FreqHz: s.FreqHz[best], DB: db})
		}
	}
	return found
}
