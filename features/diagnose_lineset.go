package features

import (
	"fmt"
	"math"
)

// Line-set comparison of the inner-race and the ball hypotheses.
//
// On some bearings a ball defect's modulation sideband lies near BPFI: on
// the 6205, 2×BSF + 2·FTF = 5.510 × shaft, 1.8 % above BPFI = 5.415 ×
// shaft, and a ball's lines move with its slip (1–2 %, Randall & Antoni
// 2011 §2.1) while an inner race's do not (it is locked to the shaft), so
// at 1.7 % slip that sideband falls on BPFI. A family read in a ±2 %
// window cannot tell the two apart from that one line. The two
// hypotheses differ in the rest of the line set they imply:
//
//   - inner race: k·BPFI + m·f_r, k = 1..3, |m| ≤ 2, all lines scaled by
//     one common factor (1 + r), |r| ≤ diagnoseShaftRel (the speed's
//     uncertainty, as for the shaft zones): the race is locked to the
//     shaft, so its lines are exact multiples;
//   - ball: k·2×BSF·u + m·FTF·v, k = 1..3 and |m| ≤ 2, and the cage
//     series m·FTF·v, m = 1, 2 (k = 0), with one strike factor u and one
//     cage factor v common to all lines, each in [1 − lineSetSlipMax −
//     diagnoseShaftRel, 1 + diagnoseShaftRel] (a slip of 0 to 3 % and the
//     speed's uncertainty).
//
// |m| ≤ 2 for both: the modulation is the load zone's, q(ψ) =
// max(0, cos ψ)^1.5 (Stribeck, Harris & Kotzalas), ψ the shaft angle for
// the inner race and the cage angle for a ball, whose Fourier
// coefficients relative to the mean are 0.82, 0.43, 0.09, 0.04 for
// m = 1..4: the third sideband is 21 dB below the carrier.
//
// The peaks are the local maxima of the envelope spectrum, outside the
// shaft zones, whose level over the local floor clears the threshold a
// line at that frequency has in envelopeLine (floor and threshold of a
// line expected there, ±2 % window). A predicted line is explained when a
// peak lies within ±lineSetTolBins bins of it (each peak explains one
// line per hypothesis). Each hypothesis takes the factors that maximise
// its score, Explained − 1 if its carrier (BPFI, 2×BSF: k = 1, m = 0) is
// not explained; ties go to the larger sum of the explained peaks' dB
// over threshold, then to the factor nearest the kinematic one. The
// hypothesis of the higher score wins if its carrier is explained; on a
// tie neither does.
const (
	// lineSetSidebands is the largest sideband order |m| of either
	// hypothesis.
	lineSetSidebands = 2
	// lineSetSlipMax is the largest slip of a ball's strike rate and of
	// its cage rate.
	lineSetSlipMax = 0.03
	// lineSetTolBins is the largest distance in bins from a predicted line
	// to the peak that explains it: a Hann-windowed line's maximum lies
	// within ½ bin of its frequency, the factors are searched in steps
	// that move the highest line by at most one bin (so ½ bin apart from
	// the best factor), so one bin covers both.
	lineSetTolBins = 1
	// lineSetBlock and lineSetPrescreenDB shape the prescreen of the
	// peaks (see lineSetPeaks).
	lineSetBlock       = 64
	lineSetPrescreenDB = 6
)

// HypothesisFit is the fit of one hypothesis's line set to the peaks of
// an envelope spectrum.
type HypothesisFit struct {
	// Verdict is the fault the hypothesis stands for (VerdictInnerRace or
	// VerdictBall).
	Verdict string
	// Lines is the number of lines the hypothesis predicts, Explained how
	// many of them a peak explains, CarrierFound whether the carrier
	// (BPFI, 2×BSF) is among them, Score Explained − 1 without the
	// carrier.
	Lines, Explained int
	CarrierFound     bool
	Score            int
	// ExcessDB is the sum of the explained peaks' levels over their
	// thresholds.
	ExcessDB float64
	// StrikeFactor multiplies the kinematic strike rate (BPFI, or 2×BSF)
	// and ModFactor the modulation rate (shaft, or FTF) at the best fit:
	// 1 + r for both for the inner race; u and v for the ball, whose
	// slips are 1 − u and 1 − v.
	StrikeFactor, ModFactor float64
	// Found lists the explained lines ("2×BSF +2FTF", "BPFI ×2 −1×"),
	// with the peak's frequency, deviation from the kinematic line and
	// level.
	Found []LineEvidence
}

// LineSetComparison compares the inner-race and the ball hypotheses on
// the peaks of one envelope spectrum (the rule is in the comment on the
// lineSetSidebands constants and on compareLineSets).
type LineSetComparison struct {
	// Spectrum is the spectrum read: that of the family the scores rank
	// first.
	Spectrum string
	// Peaks is the number of peaks found in the range the two line sets
	// span.
	Peaks int
	// InnerRace and Ball are the two fits.
	InnerRace, Ball HypothesisFit
	// Verdict is the winner's fault, "" on a tie or when the winner's
	// carrier is not explained.
	Verdict string
}

// lineSetLine is one predicted line: k strikes and m modulation periods.
type lineSetLine struct{ k, m int }

func lineSetLines(ball bool) []lineSetLine {
	var out []lineSetLine
	if ball {
		for m := 1; m <= lineSetSidebands; m++ {
			out = append(out, lineSetLine{0, m})
		}
	}
	for k := 1; k <= diagnoseHarmonics; k++ {
		for m := -lineSetSidebands; m <= lineSetSidebands; m++ {
			out = append(out, lineSetLine{k, m})
		}
	}
	return out
}

// lineSetPeaks marks the peaks of a in bins lo..hi: peak[k−lo] is the
// peak's level over its threshold (≥ 0) or −1 where there is none. A
// local maximum gets its exact floor (lineFloor, as a line expected at
// its frequency) only if it stands lineSetPrescreenDB below its threshold
// or higher over a rough floor, the smallest median of the
// lineSetBlock-bin block that holds it and its two neighbours (the
// median of Rayleigh noise is exceeded by 11 dB with probability 10⁻⁴,
// so the prescreen leaves few but real lines; TestLineSetPrescreen checks
// that it finds the same peaks as exact floors everywhere). exact skips
// the prescreen.
func (d *Diagnoser) lineSetPeaks(a []float64, lo, hi int, binHz, frHz float64, exact bool) []float64 {
	n := hi - lo + 1
	if cap(d.peaks) < n {
		d.peaks = make([]float64, n)
	}
	pk := d.peaks[:n]
	b0, b1 := lo/lineSetBlock-1, hi/lineSetBlock+1
	if cap(d.blocks) < b1-b0+1 {
		d.blocks = make([]float64, b1-b0+1)
	}
	blocks := d.blocks[:b1-b0+1]
	for b := range blocks {
		k1, k2 := max(1, (b0+b)*lineSetBlock), min(len(a)-1, (b0+b+1)*lineSetBlock)
		blocks[b] = math.Inf(1)
		if k2 > k1 {
			d.scr = append(d.scr[:0], a[k1:k2]...)
			blocks[b] = medianSelect(d.scr)
		}
	}
	for i := range pk {
		pk[i] = -1
		k := lo + i
		if k < 1 || k >= len(a)-1 || a[k] < a[k-1] || a[k] < a[k+1] || !(a[k] > 0) {
			continue
		}
		fk := float64(k) * binHz
		if inShaftZone(fk, frHz, binHz) {
			continue
		}
		tol := bearingSlip * fk
		w := int(tol / binHz)
		if k-w < bearingDCBins {
			continue
		}
		t := LineThresholdDB(2*w+1, diagnoseLineFalseAlarm) + DiagnoseHealthyMarginDB
		if !exact {
			b := k/lineSetBlock - b0
			rough := min(blocks[b-1], blocks[b], blocks[b+1])
			if rough > 0 && 20*math.Log10(a[k]/rough) < t-lineSetPrescreenDB {
				continue
			}
		}
		f := lineSetFloor(a, k, w, tol/binHz, &d.scr)
		if !(f > 0) {
			continue
		}
		if db := 20 * math.Log10(a[k]/f); db >= t {
			pk[i] = db - t
		}
	}
	return pk
}

// compareLineSets fits both hypotheses to the peaks of a (bins binHz
// apart, up to widthHz) for a bearing of strike rates bpfi and bsf2
// (2×BSF) and cage rate ftf (Hz) on a shaft at frHz; false when a rate
// is unknown or the range does not fit. The factors are searched on grids
// whose steps move the highest line they scale by at most one bin: the
// inner race's (1 + r) in steps binHz/(3·BPFI + 2·f_r), the ball's u in
// steps binHz/(3·2×BSF) and v in binHz/(2·FTF). exact skips the peaks'
// prescreen (for tests).
func (d *Diagnoser) compareLineSets(a []float64, binHz, widthHz, frHz, bpfi, bsf2, ftf float64, exact bool) (LineSetComparison, bool) {
	var c LineSetComparison
	if !(bpfi > 0 && bsf2 > 0 && ftf > 0 && frHz > 0) {
		return c, false
	}
	irLines, ballLines := lineSetLines(false), lineSetLines(true)
	lowF, highF := 1-lineSetSlipMax-diagnoseShaftRel, 1+diagnoseShaftRel
	fLo := math.Min(ftf*lowF, bpfi-lineSetSidebands*frHz)
	fLo = math.Min(fLo, bsf2*lowF-lineSetSidebands*ftf*highF)
	fHi := math.Max(diagnoseHarmonics*bpfi+lineSetSidebands*frHz, diagnoseHarmonics*bsf2+lineSetSidebands*ftf) * highF
	lo := max(bearingDCBins, int(math.Floor(fLo/binHz))-lineSetTolBins)
	hi := min(len(a)-2, int(math.Ceil(math.Min(fHi, widthHz)/binHz))+lineSetTolBins)
	if hi <= lo {
		return c, false
	}
	pk := d.lineSetPeaks(a, lo, hi, binHz, frHz, exact)
	for _, v := range pk {
		if v >= 0 {
			c.Peaks++
		}
	}
	// match returns the peak (bin, excess) nearest in level order within
	// ±lineSetTolBins of f, or −1.
	match := func(f float64) (int, float64) {
		k0 := int(math.Round(f / binHz))
		best, ex := -1, -1.0
		for k := k0 - lineSetTolBins; k <= k0+lineSetTolBins; k++ {
			if k < lo || k > hi {
				continue
			}
			if v := pk[k-lo]; v >= 0 && v > ex {
				best, ex = k, v
			}
		}
		return best, ex
	}
	// fit scores the line set at factors u (strike) and v (modulation).
	fit := func(lines []lineSetLine, strike, mod, u, v float64, verdict string) HypothesisFit {
		h := HypothesisFit{Verdict: verdict, Lines: len(lines), StrikeFactor: u, ModFactor: v}
		var usedArr [4 * (2*lineSetSidebands + 1)]int
		used := usedArr[:0]
	next:
		for _, l := range lines {
			f := float64(l.k)*strike*u + float64(l.m)*mod*v
			k, ex := match(f)
			if k < 0 {
				continue
			}
			for _, j := range used {
				if j == k {
					continue next
				}
			}
			used = append(used, k)
			h.Explained++
			h.ExcessDB += ex
			if l.k == 1 && l.m == 0 {
				h.CarrierFound = true
			}
		}
		h.Score = h.Explained
		if !h.CarrierFound {
			h.Score--
		}
		return h
	}
	better := func(a, b HypothesisFit) bool { // a better than b
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.ExcessDB != b.ExcessDB {
			return a.ExcessDB > b.ExcessDB
		}
		da := math.Abs(a.StrikeFactor-1) + math.Abs(a.ModFactor-1)
		db := math.Abs(b.StrikeFactor-1) + math.Abs(b.ModFactor-1)
		return da < db
	}
	// Inner race: one factor, stepped so the highest line moves ≤ 1 bin.
	irHi := diagnoseHarmonics*bpfi + lineSetSidebands*frHz
	step := binHz / irHi
	first := true
	for r := -diagnoseShaftRel; r <= diagnoseShaftRel+step/2; r += step {
		h := fit(irLines, bpfi, frHz, 1+r, 1+r, VerdictInnerRace)
		if first || better(h, c.InnerRace) {
			c.InnerRace, first = h, false
		}
	}
	// Ball: strike and cage factors, each stepped so its largest term
	// moves ≤ 1 bin.
	stepU := binHz / (diagnoseHarmonics * bsf2)
	stepV := binHz / (lineSetSidebands * ftf)
	first = true
	for u := lowF; u <= highF+stepU/2; u += stepU {
		for v := lowF; v <= highF+stepV/2; v += stepV {
			h := fit(ballLines, bsf2, ftf, u, v, VerdictBall)
			if first || better(h, c.Ball) {
				c.Ball, first = h, false
			}
		}
	}
	c.InnerRace.Found = lineSetFound(irLines, binHz, bpfi, frHz, c.InnerRace, "BPFI", "1×", match)
	c.Ball.Found = lineSetFound(ballLines, binHz, bsf2, ftf, c.Ball, "2×BSF", "FTF", match)
	switch {
	case c.InnerRace.Score > c.Ball.Score && c.InnerRace.CarrierFound:
		c.Verdict = VerdictInnerRace
	case c.Ball.Score > c.InnerRace.Score && c.Ball.CarrierFound:
		c.Verdict = VerdictBall
	}
	return c, true
}

// lineSetFound lists the lines a fit explains.
func lineSetFound(lines []lineSetLine, binHz, strike, mod float64, h HypothesisFit, base, modLabel string, match func(float64) (int, float64)) []LineEvidence {
	var out []LineEvidence
	used := map[int]bool{}
	for _, l := range lines {
		f := float64(l.k)*strike*h.StrikeFactor + float64(l.m)*mod*h.ModFactor
		k, ex := match(f)
		if k < 0 || used[k] {
			continue
		}
		used[k] = true
		kin := float64(l.k)*strike + float64(l.m)*mod
		fk := float64(k) * binHz
		t := LineThresholdDB(2*int(bearingSlip*fk/binHz)+1, diagnoseLineFalseAlarm) + DiagnoseHealthyMarginDB
		out = append(out, LineEvidence{Label: lineSetLabel(base, modLabel, l), Order: l.k, Side: sign(l.m),
			ExpectedHz: kin, FreqHz: fk, DeviationPct: 100 * (fk - kin) / kin, DB: ex + t, ThresholdDB: t, Found: true})
	}
	return out
}

func sign(m int) int {
	switch {
	case m < 0:
		return -1
	case m > 0:
		return 1
	}
	return 0
}

// lineSetLabel names a predicted line: "BPFI ×2 −1×", "2×BSF +2FTF",
// "FTF ×2".
func lineSetLabel(base, mod string, l lineSetLine) string {
	if l.k == 0 {
		return harmonicLabel(mod, l.m)
	}
	s := harmonicLabel(base, l.k)
	if l.m == 0 {
		return s
	}
	sg := "+"
	if l.m < 0 {
		sg = "−"
	}
	n := ""
	if a := l.m; a > 1 || a < -1 {
		n = fmt.Sprint(max(a, -a))
	}
	if mod == "1×" {
		return fmt.Sprintf("%s %s%d×", s, sg, max(l.m, -l.m))
	}
	return fmt.Sprintf("%s %s%s%s", s, sg, n, mod)
}

// lineSetFloor is lineFloor with the median found by selection
// (medianSelect) instead of a sort; the value is the same.
func lineSetFloor(a []float64, k0, w int, tolBins float64, scr *[]float64) float64 {
	last := len(a) - 1
	guard := w + bearingFloorGuard
	span := max(int(bearingFloorSpan*tolBins), guard+bearingFloorMinBins)
	s := (*scr)[:0]
	for k := max(1, k0-span); k <= min(last, k0+span); k++ {
		if k < k0-guard || k > k0+guard {
			s = append(s, a[k])
		}
	}
	*scr = s
	return medianSelect(s)
}

// medianSelect returns the median of vals (the mean of the two middle
// values for an even count, 0 for none), as medianOf does, by Hoare's
// selection in expected linear time instead of a sort; vals is reordered.
func medianSelect(vals []float64) float64 {
	n := len(vals)
	if n == 0 {
		return 0
	}
	m := selectKth(vals, n/2)
	if n%2 == 1 {
		return m
	}
	lower := vals[0] // the largest of vals[:n/2], all ≤ m
	for _, v := range vals[1 : n/2] {
		lower = max(lower, v)
	}
	return (lower + m) / 2
}

// selectKth reorders v so that v[k] is the value a sort would put there,
// with v[:k] ≤ v[k] ≤ v[k+1:], and returns it (median-of-three pivots,
// deterministic).
func selectKth(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		p := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < p {
				i++
			}
			for v[j] > p {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}
