package features

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/windpm/windpm/fft"
	"gonum.org/v1/gonum/stat/distuv"
)

// Physics diagnosis of bearing faults. Nothing is trained. Three envelope
// spectra are read:
//
//   - the envelope spectrum of the band the fast kurtogram chooses (the
//     band of largest spectral kurtosis, Antoni 2007),
//   - the envelope spectrum of the best band disjoint from it: the
//     kurtogram ranks bands by impulsiveness, which need not be where a
//     fault's strikes stand out most (Antoni 2007, §5; several resonances
//     can carry them), so the runner-up band is read as well, and
//   - the squared-envelope spectrum of the cepstrally pre-whitened signal
//     (the whole spectrum set to unit magnitude, phases kept; Sawalhi &
//     Randall, Borghesani et al. 2013), which Smith & Randall (2015, MSSP
//     64–65:100–131) found the strongest simple method on the CWRU data:
//     whitening removes the discrete lines and the resonance colouring
//     that can hide the fault impulses from a single band.
//
// For every defect family, each spectrum gives its evidence at the
// family's kinematic lines; the family keeps the spectrum that gives it
// the higher score. Lines of the ball and cage families that are
// harmonics of the cage rate an outer-race family implies are explained
// by it and not counted; the cage series counts as the load-zone
// modulation of a ball defect whenever the bearing has balls (see
// Diagnose). The thresholds
// follow from the statistics of the envelope spectrum of Gaussian noise
// (LineThresholdDB, EnergyThresholdDB) at a false-alarm probability of
// DiagnoseFalseAlarm per line shared between the three spectra, plus
// margins measured on healthy captures only (DiagnoseHealthyMarginDB,
// DiagnoseEnergyMarginDB).

// Verdicts of a diagnosis, one per defect family and "none".
const (
	VerdictOuterRace = "outer_race"
	VerdictInnerRace = "inner_race"
	VerdictBall      = "ball"
	VerdictCage      = "cage"
	VerdictNone      = "none"
)

// Spectra a family's evidence can come from.
const (
	// SpectrumBand is the envelope spectrum of the kurtogram's band.
	SpectrumBand = "band"
	// SpectrumBand2 is the envelope spectrum of the best kurtogram band
	// disjoint from the first.
	SpectrumBand2 = "band2"
	// SpectrumWhitened is the squared-envelope spectrum of the cepstrally
	// pre-whitened signal.
	SpectrumWhitened = "whitened"
)

// DiagnoseFalseAlarm is the probability, per line searched, that
// Gaussian noise clears the noise part of a threshold in any of the
// three spectra: each spectrum is read at DiagnoseFalseAlarm/3
// (Bonferroni).
const DiagnoseFalseAlarm = 1e-3

// diagnoseSpectra is the number of envelope spectra a line is read in.
const diagnoseSpectra = 3

// diagnoseLineFalseAlarm is the false-alarm probability of one line in
// one spectrum.
const diagnoseLineFalseAlarm = DiagnoseFalseAlarm / diagnoseSpectra

// DiagnoseHealthyMarginDB is added to the Gaussian-noise threshold of a
// line: healthy machines are not Gaussian noise, their envelope spectra
// hold discrete lines (supply, structural, modulation) that Gaussian
// statistics do not foresee. It is the largest excess over
// LineThresholdDB(m, DiagnoseFalseAlarm/2) of any line — at the kinematic
// frequencies of the bearing or at pseudo defect frequencies 2.0, 2.1, …
// 16 × shaft — in either spectrum of the healthy captures at hand (CWRU
// record 97 at its 48 kHz and resampled to 12 kHz, and healthy synthetic
// gbx_hss captures), rounded up to the next whole decibel.
// TestDiagnoseHealthyLines measures it: 5.52 dB, CWRU 97 at 12 kHz, band
// spectrum, at 323.36 Hz (2×BPFI of the drive-end bearing). No fault
// record was looked at to choose it.
const DiagnoseHealthyMarginDB = 6

// DiagnoseEnergyMarginDB is the healthy margin of the band-energy test
// (EnergyThresholdDB), measured like DiagnoseHealthyMarginDB on the same
// healthy captures and pseudo defect frequencies (0.60 dB, CWRU 97 at
// 12 kHz, band spectrum, at 380 Hz) and rounded up.
const DiagnoseEnergyMarginDB = 1

// diagnoseShaftRel and diagnoseShaftBins set the zone around every shaft
// harmonic n·f_r (±max(0.5 % of n·f_r, 3 bins)) where a local maximum is
// explained by the shaft and not counted for a defect: unbalance,
// misalignment and looseness modulate the envelope at shaft harmonics in
// healthy machines (Randall & Antoni 2011, §3.3). 3 bins cover the Hann
// main lobe (±2 bins) and one bin of speed wander.
const (
	diagnoseShaftRel  = 0.005
	diagnoseShaftBins = 3
)

// diagnoseHarmonics is the number of harmonics read per family.
const diagnoseHarmonics = 3

// diagnoseKurtogramSamples caps the samples the kurtogram reads (the
// first ones): the band of largest spectral kurtosis is a property of the
// machine and the fault, and 65,536 samples (5.5 s at 12 kHz, ≥ 590
// strikes of the slowest CWRU defect) estimate it; the envelope spectra
// use the whole record. The cap halves the diagnosis time of a 10 s,
// 12 kHz record.
const diagnoseKurtogramSamples = 1 << 16

// hannPowerDOF is the variance factor of a sum of adjacent Hann-windowed
// periodogram bins of white noise: with X_k = ½Y_k − ¼Y_(k−1) − ¼Y_(k+1)
// (Y independent rectangular bins), neighbouring complex bins correlate
// with ρ₁ = −2/3 and ρ₂ = 1/6, their powers with ρ² (complex Gaussian),
// so Var Σ_m |X|² = m·σ⁴·(1 + 2·(4/9 + 1/36)) = 1.944·m·σ⁴.
const hannPowerDOF = 1 + 2*(4.0/9+1.0/36)

// LineEvidence is what an envelope spectrum shows at one kinematic line.
type LineEvidence struct {
	// Label names the line: "BPFO", "BPFO ×2", "BPFI −1×", "2×BSF +FTF",
	// "2×BSF band energy".
	Label string
	// Order is the harmonic number of the family's defect frequency (1 for
	// the fundamental and its sidebands); Side is −1 or +1 for a lower or
	// upper sideband, 0 for a harmonic.
	Order, Side int
	// ExpectedHz is the kinematic frequency, FreqHz the frequency of the
	// line found (NaN when none was searched or no local maximum lies in
	// the window, and for a band energy), DeviationPct their difference in
	// percent of ExpectedHz.
	ExpectedHz, FreqHz, DeviationPct float64
	// DB is the line's level above the local noise floor (NaN when the
	// line lies outside the envelope's bandwidth or near 0 Hz), ThresholdDB
	// the level it must reach to count, Found whether it does.
	DB, ThresholdDB float64
	Found           bool
	// ExplainedBy is not empty when the line, although found, is a
	// harmonic of the cage rate an outer-race line implies ("BPFO/9 ×12":
	// 12 × the BPFO line's frequency / 9); such a line does not count.
	ExplainedBy string
}

// counts reports whether the line counts for its family.
func (l *LineEvidence) counts() bool { return l.Found && l.ExplainedBy == "" }

// FamilyEvidence is the evidence for one defect family.
type FamilyEvidence struct {
	// Family is "BPFO", "BPFI", "BSF" or "FTF"; Verdict the fault it
	// stands for.
	Family, Verdict string
	// Spectrum is the spectrum the evidence comes from (SpectrumBand,
	// SpectrumBand2 or SpectrumWhitened): the one of highest score, the
	// first on a tie.
	Spectrum string
	// Score is Σ (DB − ThresholdDB) over the harmonics that count, plus
	// the same sum over the sidebands that count when the fundamental
	// counts (a sideband without its carrier is not a modulation of it); 0
	// when nothing counts. For the ball family the fundamental's term is
	// the larger of its line's and its band energy's, and the Modulation
	// lines that count are added; the cage family scores only when the
	// bearing has no ball frequency to carry the cage series (see
	// Diagnose). A ball or cage family whose
	// only evidence is one narrow line scores 0: on a 6205 2×BSF lies
	// 1.4 % from the 12th cage harmonic, and one line in a ±2 % window is
	// too little to name the rarer faults (rolling-element and cage faults
	// are less common than race faults).
	Score float64
	// Harmonics are orders 1..3 of the family's fault frequency: BPFO,
	// BPFI, FTF, and for a ball defect 2×BSF (it strikes both races once
	// per spin revolution), so 2, 4 and 6×BSF.
	Harmonics []LineEvidence
	// Sidebands are BPFI ± 1× shaft for an inner-race defect (it turns
	// through the load zone once per revolution) and 2×BSF ± FTF for a
	// ball defect (it turns with the cage); none for BPFO and FTF.
	Sidebands []LineEvidence
	// Energy is, for the ball family only, the band energy of the
	// envelope spectrum within ±2 % of 2×BSF (EnergyThresholdDB): rolling
	// elements slip and spin about a wandering axis, so a ball defect's
	// strike rate wanders and its line can spread over the window rather
	// than stand as one peak (Randall & Antoni 2011, §2.1). nil for the
	// other families.
	Energy *LineEvidence
	// Modulation is, for the ball family only, the cage series FTF ×1..3
	// read in the same spectrum: a ball defect is carried through the load
	// zone once per cage revolution, so its strikes are amplitude-modulated
	// at FTF and the envelope spectrum shows FTF and its harmonics
	// (Randall & Antoni 2011, §2), like the shaft rate for an inner-race
	// defect. Slip smears the strike rate's lines, the more the higher the
	// harmonic (Antoni & Randall 2003, J. Vib. Acoust. 125:282–289), but
	// not the modulation's: with strikes at a mean rate λ and amplitudes
	// q(t) set by the cage angle, the envelope's mean is q(t)·λ·(area of
	// one burst), periodic at FTF whatever the slip. The cage series can
	// be all that a slipping ball defect shows.
	// These lines count for the ball (see Diagnose); nil for the other
	// families.
	Modulation []LineEvidence
}

// Diagnosis is the physics diagnosis of one capture.
type Diagnosis struct {
	// Verdict is the Verdict of the first family if its score is positive,
	// otherwise VerdictNone; when that is inner_race or ball and the
	// line-set comparison (LineSets) names the other of the two, the
	// comparison's.
	Verdict string
	// RPM is the shaft speed used.
	RPM float64
	// BandLoHz and BandHiHz are the envelope demodulation band,
	// BandKurtosis its spectral kurtosis (0 for Gaussian noise).
	BandLoHz, BandHiHz, BandKurtosis float64
	// Band2LoHz, Band2HiHz and Band2Kurtosis are the same for the second
	// band, the best kurtogram band disjoint from the first; all 0 when
	// there is none (a configured band, or no disjoint band qualifies).
	Band2LoHz, Band2HiHz, Band2Kurtosis float64
	// ResolutionHz is the envelope spectra's bin spacing, Samples the
	// number of samples analysed (the first ones; see Diagnose).
	ResolutionHz float64
	Samples      int
	// Families holds all four families ranked by score (ties in the order
	// BPFO, BPFI, BSF, FTF).
	Families []FamilyEvidence
	// LineSets is the comparison of the inner-race and ball line sets
	// (compareLineSets) in the first family's spectrum, made when the
	// scores name inner_race or ball; nil otherwise.
	LineSets *LineSetComparison
	// CageSeriesOnly is true when the verdict is ball and rests on the
	// cage series alone (no 2×BSF line or band energy counts): a damaged
	// cage would look the same in the envelope, and ball is named as the
	// far more common fault (see Diagnose).
	CageSeriesOnly bool
}

// LineThresholdDB returns the level in dB above the median floor that the
// largest of m envelope-spectrum bins of Gaussian noise exceeds with
// probability p:
//
//	T = 10·log10(log2(m/p))
//
// Derivation: the envelope of band-limited Gaussian noise has a spectrum
// whose bins are complex Gaussian, so their moduli are Rayleigh
// distributed, P(A > a) = exp(−a²/2σ²), with median σ√(2 ln 2). Hence
// P(A > r·median) = 2^(−r²), and the largest of m independent bins clears
// r·median with probability 1 − (1 − 2^(−r²))^m ≈ m·2^(−r²) = p, so
// r² = log2(m/p) and T = 20·log10 r. Bins of a Hann-windowed spectrum are
// correlated, so fewer than m are independent and T is conservative. At
// m = 43 (±2 % of 107 Hz at 0.1 Hz bins) and p = 10⁻³, T = 11.9 dB.
func LineThresholdDB(m int, p float64) float64 {
	return 10 * math.Log10(math.Log2(float64(m)/p))
}

// EnergyThresholdDB returns the level in dB that the band energy of m
// adjacent Hann-windowed envelope-spectrum bins of Gaussian noise,
// measured against the median of nFloor other bins, exceeds with
// probability p. The band energy is the mean of the m squared amplitudes
// over the power the median floor implies, floor²/ln 2 (for Rayleigh
// amplitudes E A² = 2σ² and median² = 2σ²·ln 2), so it is 1 (0 dB) on
// average. Its relative variance has two parts: the sum of m correlated
// exponential powers, hannPowerDOF/m, and the squared sample median of
// nFloor Rayleigh bins, 4/((2 ln 2)²·nFloor) (asymptotic variance of a
// sample median, 1/(4·n·f(median)²), with f(median) = median/2 for a
// unit Rayleigh variable) times hannPowerDOF for their correlation. The
// statistic is approximated by a gamma variable of mean 1 and that
// variance, shape ν = 1/(relative variance) (Welch's
// equivalent-degrees-of-freedom argument):
//
//	T = 10·log10 Q_Γ(1 − p; shape ν, rate ν).
//
// TestEnergyThresholdDB checks it by Monte Carlo of Hann-windowed white
// noise (false-alarm rate within 30 % of p).
func EnergyThresholdDB(m, nFloor int, p float64) float64 {
	v := hannPowerDOF / float64(m)
	if nFloor > 0 {
		v += 4 / (4 * math.Ln2 * math.Ln2) * hannPowerDOF / float64(nFloor)
	}
	nu := 1 / v
	return 10 * math.Log10(distuv.Gamma{Alpha: nu, Beta: nu}.Quantile(1-p))
}

// Diagnoser diagnoses bearing faults in captures; it keeps its kurtogram,
// filters, FFT plans and spectra between captures of one length and
// belongs to one goroutine.
type Diagnoser struct {
	loHz, hiHz float64

	n            int
	x, buf, env  []float64
	spec         [diagnoseSpectra][]float64
	xspec, cspec []complex128
	plan         *fft.Plan
	amp          *fft.AmplitudeSpectrum
	bandPlans    map[int]*bandPlan // by 2·L + band
	kurt         *Kurtogram
	scr          []float64
	peaks        []float64
	blocks       []float64
}

// NewDiagnoser returns a diagnoser that demodulates in loHz–hiHz, or in
// the band the fast kurtogram chooses when both are 0 (the rule of the
// bearing feature group: the band of largest spectral kurtosis above
// 0 Hz, at most 0.45× the rate, and at least as wide as the highest line
// read, 3×BPFI + 2 %).
func NewDiagnoser(loHz, hiHz float64) (*Diagnoser, error) {
	if loHz < 0 || hiHz < 0 || math.IsNaN(loHz) || math.IsNaN(hiHz) || (hiHz > 0 && loHz >= hiHz) || (hiHz == 0) != (loHz == 0) {
		return nil, fmt.Errorf("envelope band %g–%g Hz: want 0 < lo < hi", loHz, hiHz)
	}
	return &Diagnoser{loHz: loHz, hiHz: hiHz}, nil
}

// bandPlan holds the transforms of one band envelope of length L.
type bandPlan struct {
	cp   *fft.CPlan
	amp  *fft.AmplitudeSpectrum
	z    []complex128
	env  []float64
	spec []float64
}

// errNoEnvelope reports a band that does not fit the capture.
var errNoEnvelope = errors.New("no envelope: the band does not fit below the Nyquist frequency")

// family is one defect family's kinematics at the capture's speed.
type family struct {
	name, verdict string
	hz            float64 // fundamental
	side          float64 // sideband spacing in Hz, 0 for none
	sideLabel     string
	base          string // label of the fundamental
}

func families(f DefectOrders, fr float64) []family {
	return []family{
		{"BPFO", VerdictOuterRace, f.BPFO, 0, "", "BPFO"},
		{"BPFI", VerdictInnerRace, f.BPFI, fr, "1×", "BPFI"},
		{"BSF", VerdictBall, 2 * f.BSF, f.FTF, "FTF", "2×BSF"},
		{"FTF", VerdictCage, f.FTF, 0, "", "FTF"},
	}
}

// Diagnose returns the diagnosis of x, sampled at rateHz, of a bearing
// with defect orders o on a shaft turning at rpm. x must be finite and
// hold at least 256 samples.
//
// Steps:
//
//  1. The first N samples are kept, N the largest even length ≤ len(x)
//     whose prime factors are 2, 3 and 5 (smoothLength; within 1 % of
//     len(x)), so that the FFTs run as mixed-radix passes; the mean is
//     removed.
//  2. The bands: the configured one, or the fast kurtogram's of the first
//     min(N, 65,536) samples (diagnoseKurtogramSamples) under the bearing
//     group's rule (see NewDiagnoser) — its best band, DefaultEnvelopeBand
//     when none qualifies, and the best qualifying band disjoint from it.
//  3. X = rfft(x). Spectra "band" and "band2": the band's analytic signal
//     from X by the Hilbert process (an ideal band-pass; bandSpectrum),
//     its modulus, mean removed, Hann amplitude spectrum. Spectrum
//     "whitened": X/|X| (0 at DC, Nyquist and empty bins), the analytic
//     signal of that, its squared modulus, mean removed, Hann amplitude
//     spectrum. All three have bins rate/N apart.
//  4. In each spectrum, for each family: harmonics 1..3 and sidebands
//     (envelopeLine), and for the ball family the band energy spread
//     around 2×BSF (bandEnergy). When the BPFO line counts at frequency f_o, the cage
//     turns at f_c = f_o/Z, Z = BPFO/FTF = the number of rolling elements
//     (exact for the kinematic formulas); a line of the ball or cage
//     family within (1 + k/Z) bins of a multiple k·f_c (each line is
//     placed to ±½ bin, the BPFO line's error multiplied by k/Z, doubled)
//     and not stronger than the BPFO line is explained by it: the
//     outer-race strikes of Z elements of unequal size or load repeat once
//     per cage revolution, so an outer-race fault puts lines at every
//     harmonic of f_c (12·f_c lies 1.7 % from 2×BSF on a 6205); those
//     lines carry only the differences between the elements, so they are
//     weaker than the BPFO line, which carries their mean. (The reverse
//     also happens: a ball defect's sideband 2×BSF + FTF can fall on BPFO,
//     as on a bearing with 2/r + 2 ≈ Z − 1; its stronger ball lines then
//     stay unexplained.) The band energy leaves the multiples of f_c out.
//  5. The cage series (FTF ×1..3 that count) is the ball's evidence of
//     modulation (FamilyEvidence.Modulation): a ball defect is carried
//     through the load zone once per cage revolution. An envelope cage
//     series by itself cannot tell such a ball from a damaged cage, and a
//     ball defect is the far more common fault (cage faults are rare and
//     mostly follow other damage), so the series goes to the ball
//     whenever the bearing has a ball frequency (Diagnosis.CageSeriesOnly
//     says when it is all the ball has); only without one (orders given
//     without BSF) does the cage family score it. A line at FTF in the
//     direct spectrum does not tell them apart either: on the CWRU rig,
//     which has no cage faults, it clears the line threshold in 22 of 60
//     faulted bearings (race and ball faults; docs/evaluation.md).
//  6. Scores (FamilyEvidence.Score); each family keeps its best spectrum;
//     ranked; the verdict is the first family's if its score is positive.
//  7. When that verdict is inner_race or ball, the line sets of the two
//     hypotheses are compared in the first family's spectrum
//     (compareLineSets, Diagnosis.LineSets): on a 6205 the ball's
//     sideband 2×BSF + 2·FTF lies 1.8 % above BPFI and a slipping ball
//     moves it onto BPFI, so one line cannot tell them apart, the rest
//     of the line set can (exact k·BPFI ± m·f_r for the race, a common
//     slip for the ball). If the comparison names the other of the two,
//     it gives the verdict. It never turns a verdict into none or none
//     into a verdict.
func (d *Diagnoser) Diagnose(x []float64, rateHz, rpm float64, o DefectOrders) (Diagnosis, error) {
	if !(rpm > 0) || math.IsInf(rpm, 0) {
		return Diagnosis{}, fmt.Errorf("shaft speed %g rpm: want a positive speed", rpm)
	}
	if !(rateHz > 0) || math.IsInf(rateHz, 0) {
		return Diagnosis{}, fmt.Errorf("sample rate %g Hz: want a positive rate", rateHz)
	}
	if !(o.BPFO > 0 || o.BPFI > 0 || o.BSF > 0 || o.FTF > 0) {
		return Diagnosis{}, errors.New("no positive defect order")
	}
	if len(x) < 256 {
		return Diagnosis{}, fmt.Errorf("%d samples: want at least 256", len(x))
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Diagnosis{}, errors.New("the signal holds NaN or infinite values")
		}
	}
	fr := rpm / 60
	f := o.Frequencies(rpm)
	fams := families(f, fr)
	minBW := 0.0
	for _, fam := range fams {
		if fam.hz > 0 {
			minBW = math.Max(minBW, diagnoseHarmonics*fam.hz*(1+bearingSlip))
			if fam.side > 0 && fam.side < fam.hz {
				minBW = math.Max(minBW, fam.hz+fam.side+bearingSlip*fam.hz)
			}
		}
	}
	n := smoothLength(len(x))
	if err := d.prepare(n); err != nil {
		return Diagnosis{}, err
	}
	centreInto(d.x, x[:n])
	bands, err := d.bands(rateHz, minBW)
	if err != nil {
		return Diagnosis{}, err
	}
	d.plan.Forward(d.xspec, d.x)
	var sk [2]float64
	for i, b := range bands {
		if b[1] > 0 {
			sk[i] = d.bandSpectrum(i, rateHz, b[0], b[1])
		}
	}
	d.whitenedSpectrum()

	binHz := rateHz / float64(n)
	dg := Diagnosis{RPM: rpm, BandLoHz: bands[0][0], BandHiHz: bands[0][1], BandKurtosis: sk[0],
		Band2LoHz: bands[1][0], Band2HiHz: bands[1][1], Band2Kurtosis: sk[1], ResolutionHz: binHz, Samples: n}
	widths := [diagnoseSpectra]float64{bands[0][1] - bands[0][0], bands[1][1] - bands[1][0], rateHz / 2}
	names := [diagnoseSpectra]string{SpectrumBand, SpectrumBand2, SpectrumWhitened}
	z := 0
	if f.FTF > 0 && f.BPFO > 0 {
		if r := f.BPFO / f.FTF; math.Abs(r-math.Round(r)) <= 0.01*r {
			z = int(math.Round(r))
		}
	}
	var all [diagnoseSpectra][]FamilyEvidence
	ownBall := false // a ball line or band energy of its own counts
	for s := range d.spec {
		if !(widths[s] > 0) {
			continue // no second band
		}
		all[s] = d.evidence(d.spec[s], fams, binHz, widths[s], fr, z)
		for i := range all[s] {
			all[s][i].Spectrum = names[s]
			ownBall = ownBall || (all[s][i].Verdict == VerdictBall && ballOwn(&all[s][i]))
		}
	}
	cageClaims := !(f.BSF > 0) // no ball to carry the cage series
	best := make([]FamilyEvidence, len(fams))
	for s := range all {
		for i := range all[s] {
			ev := &all[s][i]
			ev.Score = familyScore(ev, cageClaims)
			if s == 0 || ev.Score > best[i].Score {
				best[i] = *ev
			}
		}
	}
	dg.Families = best
	sort.SliceStable(dg.Families, func(i, j int) bool { return dg.Families[i].Score > dg.Families[j].Score })
	dg.Verdict = VerdictNone
	if dg.Families[0].Score > 0 {
		dg.Verdict = dg.Families[0].Verdict
	}
	if dg.Verdict == VerdictInnerRace || dg.Verdict == VerdictBall {
		for s, name := range names {
			if name != dg.Families[0].Spectrum || !(widths[s] > 0) {
				continue
			}
			if c, ok := d.compareLineSets(d.spec[s], binHz, widths[s], fr, f.BPFI, 2*f.BSF, f.FTF, false); ok {
				c.Spectrum = name
				dg.LineSets = &c
				if c.Verdict != "" {
					dg.Verdict = c.Verdict
				}
			}
		}
	}
	// A ball verdict of the line sets (step 7) rests on their carrier.
	dg.CageSeriesOnly = dg.Verdict == VerdictBall && dg.Families[0].Verdict == VerdictBall && !ownBall
	return dg, nil
}

// prepare sizes the buffers and plans for n samples.
func (d *Diagnoser) prepare(n int) error {
	if n == d.n {
		return nil
	}
	var err error
	if d.amp, err = fft.NewAmplitudeSpectrum(n, fft.Hann); err != nil {
		return fmt.Errorf("diagnosis: %w", err)
	}
	d.plan = fft.NewPlan(n)
	d.bandPlans = map[int]*bandPlan{}
	d.n = n
	d.x, d.buf, d.env = make([]float64, n), make([]float64, n), make([]float64, n)
	d.spec[diagnoseSpectra-1] = make([]float64, n/2+1)
	d.xspec, d.cspec = make([]complex128, n/2+1), make([]complex128, n/2+1)
	d.kurt = nil
	return nil
}

// bands returns the demodulation bands: the configured one, or the fast
// kurtogram's best band and the best band disjoint from it ({0, 0} when
// none qualifies); see Diagnose.
func (d *Diagnoser) bands(fs, minBW float64) (b [2][2]float64, err error) {
	if d.hiHz > 0 {
		if d.loHz >= fs/2 || d.hiHz >= fs/2 {
			return b, errNoEnvelope
		}
		b[0] = [2]float64{d.loHz, d.hiHz}
		return b, nil
	}
	nk := min(d.n, diagnoseKurtogramSamples)
	levels := min(DefaultKurtogramLevels(nk), int(math.Floor(math.Log2(fs/minBW)-1))+1)
	if levels < 1 {
		lo, hi := DefaultEnvelopeBand(fs)
		b[0] = [2]float64{lo, hi}
		return b, nil
	}
	if d.kurt == nil || d.kurt.Levels() != levels || d.kurt.Len() != nk {
		if d.kurt, err = NewKurtogram(nk, levels); err != nil {
			return b, fmt.Errorf("diagnosis: %w", err)
		}
	}
	res := d.kurt.Compute(d.x[:nk], fs)
	capHz := bearingNyquistFraction * fs
	admissible := func(k KurtogramBand) bool { return k.LoHz > 0 && math.Min(k.HiHz, capHz)-k.LoHz >= minBW }
	k1, ok := res.MaxWhere(admissible)
	if !ok {
		lo, hi := DefaultEnvelopeBand(fs)
		b[0] = [2]float64{lo, hi}
		return b, nil
	}
	b[0] = [2]float64{k1.LoHz, math.Min(k1.HiHz, capHz)}
	if k2, ok := res.MaxWhere(func(k KurtogramBand) bool {
		return admissible(k) && (k.LoHz >= k1.HiHz || k.HiHz <= k1.LoHz)
	}); ok {
		b[1] = [2]float64{k2.LoHz, math.Min(k2.HiHz, capHz)}
	}
	return b, nil
}

// bandSpectrum writes the envelope spectrum of band i (0 or 1), lo–hi,
// into d.spec[i] and returns the band's spectral kurtosis. The band's
// analytic signal is made from the record's spectrum X (d.xspec) by the
// "Hilbert process" (Randall 2015, "Modern envelope analysis for bearing
// diagnostics"): the bins k of X with lo ≤ k·Δf ≤ hi, doubled, are put at
// the start of an otherwise zero complex spectrum of length L and inverse
// transformed. That is an ideal band-pass, the analytic signal at once,
// and a shift of the band to 0 Hz, which leaves the modulus unchanged;
// L ≥ 2·(bins in the band) (smoothLengthUp) samples the envelope, whose
// spectrum reaches the band's width, without aliasing, and the record
// still spans N·Δt, so the envelope spectrum's bins stay Δf apart. Its
// spectrum is the Hann amplitude spectrum of the modulus minus its mean;
// the spectral kurtosis is E|z|⁴/(E|z|²)² − 2.
func (d *Diagnoser) bandSpectrum(i int, fs, lo, hi float64) float64 {
	binHz := fs / float64(d.n)
	k1 := int(math.Ceil(lo / binHz))
	k2 := min(int(math.Floor(hi/binHz)), len(d.xspec)-1)
	bins := k2 - k1 + 1
	l := smoothLengthUp(2 * bins)
	key := 2*l + i // each band keeps its own spectrum
	bp := d.bandPlans[key]
	if bp == nil {
		amp, err := fft.NewAmplitudeSpectrum(l, fft.Hann)
		if err != nil {
			panic(err) // l ≥ 2
		}
		bp = &bandPlan{cp: fft.NewCPlan(l), amp: amp, z: make([]complex128, l), env: make([]float64, l), spec: make([]float64, l/2+1)}
		d.bandPlans[key] = bp
	}
	clear(bp.z)
	for j := range bins {
		bp.z[j] = 2 * d.xspec[k1+j]
	}
	bp.cp.Inverse(bp.z, bp.z)
	for j, c := range bp.z {
		bp.env[j] = math.Hypot(real(c), imag(c))
	}
	sk := centreEnvelope(bp.env)
	bp.amp.Compute(bp.spec, bp.env)
	d.spec[i] = bp.spec
	return sk
}

// whitenedSpectrum writes the squared-envelope spectrum of the cepstrally
// pre-whitened signal into d.spec[2]: with X = rfft(x) and W = X/|X|
// (0 at DC, at Nyquist and where X is 0), the analytic signal of
// irfft(W) has real part irfft(W) and imaginary part irfft(−i·W); its
// squared modulus, mean removed, is Hann-transformed. Whitening the whole
// spectrum is the real-cepstrum edit that removes every quefrency but
// zero (Randall, Antoni & Sawalhi).
func (d *Diagnoser) whitenedSpectrum() {
	for k, c := range d.xspec {
		a := math.Hypot(real(c), imag(c))
		if a > 0 {
			d.cspec[k] = complex(real(c)/a, imag(c)/a)
		} else {
			d.cspec[k] = 0
		}
	}
	d.cspec[0] = 0
	if d.n%2 == 0 {
		d.cspec[d.n/2] = 0
	}
	d.plan.Inverse(d.buf, d.cspec)
	for k, c := range d.cspec {
		d.cspec[k] = complex(imag(c), -real(c))
	}
	d.plan.Inverse(d.env, d.cspec)
	var s float64
	for i, v := range d.buf {
		e := v*v + d.env[i]*d.env[i]
		d.env[i] = e
		s += e
	}
	m := s / float64(d.n)
	for i := range d.env {
		d.env[i] -= m
	}
	d.amp.Compute(d.spec[2], d.env)
}

// evidence returns the four families' evidence in the envelope spectrum
// a (bins binHz apart, frequencies up to widthHz); z is the number of
// rolling elements (BPFO/FTF) or 0 when the orders do not tell it.
func (d *Diagnoser) evidence(a []float64, fams []family, binHz, widthHz, fr float64, z int) []FamilyEvidence {
	out := make([]FamilyEvidence, 0, len(fams))
	cageHz := 0.0 // the cage rate an outer-race line implies
	bpfoDB := 0.0 // that line's level
	for _, fam := range fams {
		ev := FamilyEvidence{Family: fam.name, Verdict: fam.verdict}
		if !(fam.hz > 0) {
			out = append(out, ev)
			continue
		}
		for h := 1; h <= diagnoseHarmonics; h++ {
			fh := float64(h) * fam.hz
			var le LineEvidence
			le, d.scr = envelopeLine(a, binHz, fh, bearingSlip*fh, widthHz, fr, d.scr)
			le.Label, le.Order = harmonicLabel(fam.base, h), h
			ev.Harmonics = append(ev.Harmonics, le)
		}
		if fam.side > 0 && fam.side < fam.hz {
			for _, s := range []int{-1, 1} {
				fs := fam.hz + float64(s)*fam.side
				var le LineEvidence
				le, d.scr = envelopeLine(a, binHz, fs, bearingSlip*fam.hz, widthHz, fr, d.scr)
				sign := "+"
				if s < 0 {
					sign = "−"
				}
				le.Label, le.Order, le.Side = fam.base+" "+sign+fam.sideLabel, 1, s
				ev.Sidebands = append(ev.Sidebands, le)
			}
		}
		if fam.name == "BPFO" && z > 0 && ev.Harmonics[0].Found {
			cageHz, bpfoDB = ev.Harmonics[0].FreqHz/float64(z), ev.Harmonics[0].DB
		}
		if (fam.name == "BSF" || fam.name == "FTF") && cageHz > 0 {
			for _, ls := range [][]LineEvidence{ev.Harmonics, ev.Sidebands} {
				for i := range ls {
					explain(&ls[i], cageHz, bpfoDB, z, binHz)
				}
			}
		}
		if fam.name == "BSF" {
			var le LineEvidence
			le, d.scr = bandEnergy(a, binHz, fam.hz, bearingSlip*fam.hz, widthHz, fr, cageHz, z, d.scr)
			le.Label, le.Order = fam.base+" band energy", 1
			ev.Energy = &le
		}
		out = append(out, ev)
	}
	for i := range out {
		if out[i].Family == "BSF" && out[i].Harmonics != nil {
			for j := range out {
				if out[j].Family == "FTF" && out[j].Harmonics != nil {
					out[i].Modulation = append([]LineEvidence(nil), out[j].Harmonics...)
				}
			}
		}
	}
	return out
}

// explain marks a found line that lies on a harmonic of the cage rate
// cageHz implied by an outer-race line of level bpfoDB and is not
// stronger than it (see Diagnose, step 4).
func explain(le *LineEvidence, cageHz, bpfoDB float64, z int, binHz float64) {
	if !le.Found || le.DB > bpfoDB {
		return
	}
	k := math.Round(le.FreqHz / cageHz)
	if k >= 1 && math.Abs(le.FreqHz-k*cageHz) <= (1+k/float64(z))*binHz {
		le.ExplainedBy = fmt.Sprintf("BPFO/%d ×%d", z, int(k))
	}
}

// ballOwn reports whether a line or the band energy of the ball family's
// own (a 2×BSF harmonic, or the spread energy around 2×BSF) counts.
func ballOwn(ev *FamilyEvidence) bool {
	for i := range ev.Harmonics {
		if ev.Harmonics[i].counts() {
			return true
		}
	}
	return ev.Energy != nil && ev.Energy.counts()
}

// familyScore is FamilyEvidence.Score; cageClaims tells whether the cage
// family claims the cage series (see Diagnose).
func familyScore(ev *FamilyEvidence, cageClaims bool) float64 {
	if ev.Verdict == VerdictCage && !cageClaims {
		return 0
	}
	var score float64
	for i := 1; i < len(ev.Harmonics); i++ {
		if l := &ev.Harmonics[i]; l.counts() {
			score += l.DB - l.ThresholdDB
		}
	}
	fund := math.Inf(-1)
	if len(ev.Harmonics) > 0 && ev.Harmonics[0].counts() {
		fund = ev.Harmonics[0].DB - ev.Harmonics[0].ThresholdDB
	}
	if l := ev.Energy; l != nil && l.counts() {
		fund = math.Max(fund, l.DB-l.ThresholdDB)
	}
	lines := 0 // narrow lines that count
	for i := range ev.Harmonics {
		if ev.Harmonics[i].counts() {
			lines++
		}
	}
	if !math.IsInf(fund, -1) {
		score += fund
		for i := range ev.Sidebands {
			if l := &ev.Sidebands[i]; l.counts() {
				score += l.DB - l.ThresholdDB
				lines++
			}
		}
	}
	if ev.Verdict == VerdictBall && !cageClaims {
		for i := range ev.Modulation {
			if l := &ev.Modulation[i]; l.counts() {
				score += l.DB - l.ThresholdDB
				lines++
			}
		}
	}
	spread := ev.Energy != nil && ev.Energy.counts()
	if (ev.Verdict == VerdictBall || ev.Verdict == VerdictCage) && lines == 1 && !spread {
		return 0 // a lone line does not name a ball or cage fault
	}
	return score
}

func harmonicLabel(family string, h int) string {
	if h == 1 {
		return family
	}
	return fmt.Sprintf("%s ×%d", family, h)
}

// inShaftZone reports whether fk lies in the zone of a shaft harmonic
// (diagnoseShaftRel, diagnoseShaftBins).
func inShaftZone(fk, frHz, binHz float64) bool {
	if !(frHz > 0) {
		return false
	}
	n := math.Round(fk / frHz)
	return n >= 1 && math.Abs(fk-n*frHz) <= math.Max(diagnoseShaftRel*n*frHz, diagnoseShaftBins*binHz)
}

// envelopeLine reads the line expected at f (search tolerance tol, Hz)
// in the envelope amplitude spectrum a (bins binHz apart, holding
// frequencies up to widthHz) of a machine whose shaft turns at frHz. The
// line found is the largest local maximum (a bin at least as large as
// both neighbours) within ±floor(tol/binHz) bins of the bin nearest f,
// leaving out the zones around shaft harmonics (diagnoseShaftRel); its
// level is 20·log10(amplitude/floor) with the floor of the bearing
// feature group (lineFloor: the median of the bins within
// ±max(5·tol/binHz, w + 12) outside the window and its 2-bin guard). The
// threshold is LineThresholdDB(2w + 1, DiagnoseFalseAlarm/2) +
// DiagnoseHealthyMarginDB. scr is scratch for the median; the possibly
// grown scratch is returned.
func envelopeLine(a []float64, binHz, f, tol, widthHz, frHz float64, scr []float64) (LineEvidence, []float64) {
	le := LineEvidence{ExpectedHz: f, FreqHz: math.NaN(), DeviationPct: math.NaN(), DB: math.NaN(), ThresholdDB: math.NaN()}
	last := len(a) - 1
	k0 := int(math.Floor(f/binHz + 0.5))
	w := int(tol / binHz)
	if f+tol > widthHz || k0-w < bearingDCBins || k0+w+1 > last {
		return le, scr
	}
	le.ThresholdDB = LineThresholdDB(2*w+1, diagnoseLineFalseAlarm) + DiagnoseHealthyMarginDB
	best := -1
	for k := k0 - w; k <= k0+w; k++ {
		if a[k] < a[k-1] || a[k] < a[k+1] || (best >= 0 && a[k] <= a[best]) {
			continue
		}
		if inShaftZone(float64(k)*binHz, frHz, binHz) {
			continue
		}
		best = k
	}
	floor, scr := lineFloor(a, k0, w, tol/binHz, scr)
	if best < 0 || !(floor > 0) || !(a[best] > 0) {
		return le, scr
	}
	le.FreqHz = float64(best) * binHz
	le.DeviationPct = 100 * (le.FreqHz - f) / f
	le.DB = 20 * math.Log10(a[best]/floor)
	le.Found = le.DB >= le.ThresholdDB
	return le, scr
}

// bandEnergy reads the band energy of the envelope spectrum a within
// ±floor(tol/binHz) bins of the bin nearest f: the mean of a² over the
// window's bins, leaving out shaft-harmonic zones and, when cageHz > 0,
// ±2 bins (the Hann main lobe) around multiples of cageHz (lines an
// outer-race fault explains), over floor²/ln 2, floor as in envelopeLine.
// Its threshold is EnergyThresholdDB(m, n, DiagnoseFalseAlarm/3) +
// DiagnoseEnergyMarginDB, m the bins summed, n the floor's bins.
func bandEnergy(a []float64, binHz, f, tol, widthHz, frHz, cageHz float64, z int, scr []float64) (LineEvidence, []float64) {
	le := LineEvidence{ExpectedHz: f, FreqHz: math.NaN(), DeviationPct: math.NaN(), DB: math.NaN(), ThresholdDB: math.NaN()}
	last := len(a) - 1
	k0 := int(math.Floor(f/binHz + 0.5))
	w := int(tol / binHz)
	if f+tol > widthHz || k0-w < bearingDCBins || k0+w+1 > last {
		return le, scr
	}
	skip := func(k int) bool {
		fk := float64(k) * binHz
		if inShaftZone(fk, frHz, binHz) {
			return true
		}
		if cageHz > 0 {
			if c := math.Round(fk / cageHz); c >= 1 && math.Abs(fk-c*cageHz) <= (2+c/float64(z))*binHz {
				return true
			}
		}
		return false
	}
	peak := -1
	for k := k0 - w; k <= k0+w; k++ {
		if !skip(k) && (peak < 0 || a[k] > a[peak]) {
			peak = k
		}
	}
	var sum float64
	m := 0
	for k := k0 - w; k <= k0+w; k++ {
		if skip(k) || (k >= peak-2 && k <= peak+2) {
			continue
		}
		sum += a[k] * a[k]
		m++
	}
	floor, scr := lineFloor(a, k0, w, tol/binHz, scr)
	if m < 2 || !(floor > 0) || !(sum > 0) {
		return le, scr
	}
	le.DB = 10 * math.Log10(sum/float64(m)/(floor*floor/math.Ln2))
	le.ThresholdDB = EnergyThresholdDB(m, len(scr), diagnoseLineFalseAlarm) + DiagnoseEnergyMarginDB
	le.Found = le.DB >= le.ThresholdDB
	return le, scr
}

// smoothLength returns the largest even m ≤ n whose prime factors are
// 2, 3 and 5 only: the FFTs of the envelope run as mixed-radix passes at
// that length, while a length with a large prime factor (CWRU's 121,265 =
// 5·79·307) falls back to Bluestein's algorithm, three power-of-two
// transforms of twice the length. 5-smooth numbers are dense: m is within
// 1 % of n for n ≥ 1,000 (121,265 → 120,000).
func smoothLength(n int) int {
	for m := n &^ 1; m > 2; m -= 2 {
		r := m
		for _, p := range []int{2, 3, 5} {
			for r%p == 0 {
				r /= p
			}
		}
		if r == 1 {
			return m
		}
	}
	return n
}

// smoothLengthUp returns the smallest even m ≥ n whose prime factors are
// 2, 3 and 5 only.
func smoothLengthUp(n int) int {
	for m := max(2, n+n%2); ; m += 2 {
		r := m
		for _, p := range []int{2, 3, 5} {
			for r%p == 0 {
				r /= p
			}
		}
		if r == 1 {
			return m
		}
	}
}
