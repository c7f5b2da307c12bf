package features

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/datasets/sharedtest"
	"github.com/windpm/windpm/datasets/synth"
	"github.com/windpm/windpm/fft"
)

// TestLineThresholdDB checks the closed form against a Monte Carlo of its
// own model: the largest of m Rayleigh bins over their median exceeds the
// threshold with probability p (tolerance: 4 binomial standard errors).
func TestLineThresholdDB(t *testing.T) {
	if got := LineThresholdDB(43, 1e-3); math.Abs(got-11.87) > 0.01 {
		t.Errorf("LineThresholdDB(43, 1e-3) = %.3f dB, want 11.87", got)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const m, p, trials = 43, 0.02, 40000
	thr := math.Pow(10, LineThresholdDB(m, p)/20)
	median := math.Sqrt(2 * math.Ln2) // of a unit-σ Rayleigh variable
	hits := 0
	for range trials {
		best := 0.0
		for range m {
			a, b := rng.NormFloat64(), rng.NormFloat64()
			best = math.Max(best, math.Hypot(a, b))
		}
		if best/median > thr {
			hits++
		}
	}
	rate := float64(hits) / trials
	se := math.Sqrt(p * (1 - p) / trials)
	// 1 − (1 − q)^m is a little below m·q: the exact rate sits under p.
	exact := 1 - math.Pow(1-p/m, m)
	if math.Abs(rate-exact) > 4*se {
		t.Errorf("false-alarm rate %.4f, want %.4f ± %.4f", rate, exact, 4*se)
	}
}

// TestDiagnoseGaussianNoise measures the noise-only false-verdict rate
// that the thresholds give: white Gaussian noise, 200 captures of 2 s at
// 12 kHz with the 6205 at 1797 rpm and 100 captures of 2 s at 48 kHz,
// each diagnosed like a record. Every line is read at
// DiagnoseFalseAlarm/3 before the healthy margins, so the noise part
// alone would name a family in ≈ 17 lines × 10⁻³ ≈ 2 % of captures; with
// the margins the rate is far lower. The test fails above 1 %
// (docs/evaluation.md quotes the logged rate).
func TestDiagnoseGaussianNoise(t *testing.T) {
	b, _ := LookupBearing("6205")
	rng := rand.New(rand.NewPCG(3, 4))
	total, alarms := 0, 0
	for _, c := range []struct {
		rate  float64
		count int
	}{{12000, 200}, {48000, 100}} {
		d, err := NewDiagnoser(0, 0)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, int(2*c.rate))
		for i := range c.count {
			for j := range x {
				x[j] = rng.NormFloat64()
			}
			dg, err := d.Diagnose(x, c.rate, 1797, b.Orders)
			if err != nil {
				t.Fatal(err)
			}
			total++
			if dg.Verdict != VerdictNone {
				alarms++
				t.Logf("noise %d at %g Hz: %s (%s)", i, c.rate, dg.Verdict, scores(dg))
			}
		}
	}
	t.Logf("Gaussian noise: %d false verdicts in %d captures", alarms, total)
	if alarms*100 > total {
		t.Errorf("%d of %d noise captures gave a verdict, want at most 1 %%", alarms, total)
	}
}

// TestEnergyThresholdDB checks the band-energy threshold against a Monte
// Carlo of its model: Hann-windowed spectra of white noise (rectangular
// bins Y complex Gaussian, X_k = ½Y_k − ¼Y_(k−1) − ¼Y_(k+1)); the mean
// power of m adjacent bins over floor²/ln 2, floor the median amplitude
// of 400 other bins, exceeds EnergyThresholdDB(m, 400, p) with probability p
// (tolerance: 4 binomial standard errors plus 30 % of p for the gamma
// approximation).
func TestEnergyThresholdDB(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const m, p, trials, nf = 43, 0.01, 20000, 400
	thr := math.Pow(10, EnergyThresholdDB(m, nf, p)/10)
	y := make([]complex128, m+nf+2)
	amp := make([]float64, m+nf)
	hits := 0
	for range trials {
		for i := range y {
			y[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		for k := range amp {
			x := 0.5*y[k+1] - 0.25*y[k] - 0.25*y[k+2]
			amp[k] = math.Hypot(real(x), imag(x))
		}
		var sum float64
		for _, a := range amp[:m] {
			sum += a * a
		}
		floor := medianOf(append([]float64(nil), amp[m:]...))
		if sum/m/(floor*floor/math.Ln2) > thr {
			hits++
		}
	}
	rate := float64(hits) / trials
	se := math.Sqrt(p * (1 - p) / trials)
	if math.Abs(rate-p) > 4*se+0.3*p {
		t.Errorf("band-energy false-alarm rate %.4f, want %.4f", rate, p)
	}
	t.Logf("band-energy false-alarm rate %.4f at p = %.2f (m = %d)", rate, p, m)
}

// TestDiagnoseSynthetic: synthetic faults of the gearbox high-speed-shaft
// sensor (datasets/synth) give their own verdict, healthy captures none.
func TestDiagnoseSynthetic(t *testing.T) {
	s := synth.DefaultDrivetrain().Sensor("gbx_hss")
	o := synthOrders(s.Bearing)
	d, err := NewDiagnoser(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, int(float64(s.RateHz)*s.Seconds))
	for _, c := range []struct {
		kind synth.FaultKind
		sev  float64
		want string
	}{
		{synth.OuterRace, 0.3, VerdictOuterRace},
		{synth.InnerRace, 0.3, VerdictInnerRace},
		{synth.Ball, 0.3, VerdictBall},
		{synth.Healthy, 0, VerdictNone},
	} {
		for seed := range uint64(3) {
			rng := rand.New(rand.NewPCG(seed, 7))
			shaftHz := (1000 + 200*float64(seed)) / 60
			if _, err := synth.Signal(x, synth.CaptureSpec(s, shaftHz, c.kind, c.sev), rng); err != nil {
				t.Fatal(err)
			}
			dg, err := d.Diagnose(x, float64(s.RateHz), shaftHz*60, o)
			if err != nil {
				t.Fatal(err)
			}
			if dg.Verdict != c.want {
				t.Errorf("%s seed %d: verdict %s, want %s; evidence:%s", c.kind, seed, dg.Verdict, c.want, evidenceText(dg))
			}
		}
	}
}

// TestDiagnoseSyntheticGrid is the check outside CWRU: synthetic
// outer-race, inner-race and ball faults of the gearbox high-speed-shaft
// sensor at severities 0.05, 0.1, 0.2 and 0.4, ten captures each (shaft
// 15–23.5 Hz), and ten healthy captures. A fault may be missed (none) at
// low severity but never given another family's verdict, every fault at
// severity ≥ 0.2 is named, and no healthy capture gets a verdict. It logs
// the counts docs/evaluation.md quotes.
func TestDiagnoseSyntheticGrid(t *testing.T) {
	if testing.Short() {
		t.Skip("130 synthetic captures")
	}
	s := synth.DefaultDrivetrain().Sensor("gbx_hss")
	o := synthOrders(s.Bearing)
	d, err := NewDiagnoser(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, int(float64(s.RateHz)*s.Seconds))
	want := map[synth.FaultKind]string{synth.OuterRace: VerdictOuterRace, synth.InnerRace: VerdictInnerRace, synth.Ball: VerdictBall, synth.Healthy: VerdictNone}
	for _, kind := range []synth.FaultKind{synth.OuterRace, synth.InnerRace, synth.Ball, synth.Healthy} {
		sevs := []float64{0.05, 0.1, 0.2, 0.4}
		if kind == synth.Healthy {
			sevs = []float64{0}
		}
		for _, sev := range sevs {
			count := map[string]int{}
			for seed := range uint64(10) {
				shaftHz := (900 + 60*float64(seed)) / 60
				if _, err := synth.Signal(x, synth.CaptureSpec(s, shaftHz, kind, sev), rand.New(rand.NewPCG(seed+100, 77))); err != nil {
					t.Fatal(err)
				}
				dg, err := d.Diagnose(x, float64(s.RateHz), shaftHz*60, o)
				if err != nil {
					t.Fatal(err)
				}
				count[dg.Verdict]++
				switch {
				case dg.Verdict != want[kind] && dg.Verdict != VerdictNone:
					t.Errorf("%s severity %g seed %d: verdict %s, another family's", kind, sev, seed, dg.Verdict)
				case dg.Verdict != want[kind] && (sev >= 0.2 || kind == synth.Healthy):
					t.Errorf("%s severity %g seed %d: verdict %s, want %s", kind, sev, seed, dg.Verdict, want[kind])
				}
			}
			t.Logf("%s severity %g: %v", kind, sev, count)
		}
	}
}

func scores(dg Diagnosis) string {
	s := ""
	for _, f := range dg.Families {
		s += fmt.Sprintf("%s %.1f ", f.Family, f.Score)
	}
	return s
}

// synthOrders returns the defect orders of a synthetic bearing.
func synthOrders(b synth.BearingModel) DefectOrders {
	bpfo, bpfi, bsf, ftf := b.Orders()
	return DefectOrders{BPFO: bpfo, BPFI: bpfi, BSF: bsf, FTF: ftf}
}

// evidenceText lists every family's readable lines, for failure messages.
func evidenceText(dg Diagnosis) string {
	s := ""
	for _, f := range dg.Families {
		s += fmt.Sprintf("\n  %s (%s) %.1f:", f.Family, f.Spectrum, f.Score)
		ls := append(append(append([]LineEvidence{}, f.Harmonics...), f.Sidebands...), f.Modulation...)
		if f.Energy != nil {
			ls = append(ls, *f.Energy)
		}
		for _, l := range ls {
			if !math.IsNaN(l.DB) {
				s += fmt.Sprintf(" [%s %.2f Hz %.1f/%.1f dB %v %s]", l.Label, l.FreqHz, l.DB, l.ThresholdDB, l.Found, l.ExplainedBy)
			}
		}
	}
	return s
}

// readCWRU returns the DE channel of a CWRU record at 12 kHz (97, recorded
// at 48 kHz, resampled with fft.CleanDecimation) and its rpm.
func readCWRU(t testing.TB, rec string) ([]float64, float64) {
	t.Helper()
	path := sharedtest.Path(t, "cwru/"+rec+".mat")
	rate := 12000.0
	if rec == "97" {
		rate = 48000
	}
	caps, err := datasets.Read(path, datasets.Options{Channel: "DE", RateHz: rate})
	if err != nil {
		t.Fatal(err)
	}
	x := caps[0].Samples
	if rate == 48000 {
		r, err := fft.NewResamplerWith(1, 4, fft.CleanDecimation)
		if err != nil {
			t.Fatal(err)
		}
		y := make([]float64, r.OutLen(len(x)))
		r.Apply(y, x)
		x = y
	}
	return x, caps[0].RPM
}

// TestDiagnoseCWRU: the inner-race record 105 and the outer-race record
// 130 are named by their own family; the healthy record 97 gives none.
func TestDiagnoseCWRU(t *testing.T) {
	b, _ := LookupBearing("6205")
	d, err := NewDiagnoser(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ rec, want string }{
		{"105", VerdictInnerRace},
		{"130", VerdictOuterRace},
		{"97", VerdictNone},
	} {
		x, rpm := readCWRU(t, c.rec)
		dg, err := d.Diagnose(x, 12000, rpm, b.Orders)
		if err != nil {
			t.Fatal(err)
		}
		if dg.Verdict != c.want {
			t.Errorf("CWRU %s: verdict %s (scores %s), want %s", c.rec, dg.Verdict, scores(dg), c.want)
		}
		if c.want != VerdictNone {
			h := dg.Families[0].Harmonics[0]
			if !h.Found || math.Abs(h.DeviationPct) > 2 {
				t.Errorf("CWRU %s: fundamental %+v, want found within 2 %%", c.rec, h)
			}
		}
	}
}

// TestDiagnoseCWRUCounts diagnoses every 12 kHz drive-end CWRU record
// with 0.007–0.021 in faults as `windpm diagnose --channel DE --rate 12000
// --bearing 6205` does (rpm from the file) and checks the counts of issue
// #6: at least 38 of the 40 inner- and outer-race records right, at
// least 3 of the 12 ball records (windpm names 3: 187, 188 and 223), and
// 97 read at 48 kHz none. Where the line-set comparison
// is made on a race record it must not name ball (on the 40 it names
// inner_race on all 12 inner-race records). It logs every miss, with the
// line-set scores where they were compared (the B021 records 222, 224
// and 225: the inner-race set explains 7, 8 and 4 peaks, the ball's 0, 2
// and 0 without its carrier).
func TestDiagnoseCWRUCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("52 CWRU records")
	}
	dir, rows := sharedtest.CWRUCatalog(t)
	b, _ := LookupBearing("6205")
	d, err := NewDiagnoser(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	races, racesOK, balls, ballsOK := 0, 0, 0, 0
	for _, r := range rows {
		rate := 12000.0
		if r["cwru_file"] == "97" {
			rate = 48000
		} else if r["sample_rate_hz"] != "12000" || r["fault_diameter_in"] == "0.028" {
			continue
		}
		caps, err := datasets.Read(filepath.Join(dir, r["path"]), datasets.Options{Channel: "DE", RateHz: rate})
		if err != nil {
			t.Fatal(err)
		}
		dg, err := d.Diagnose(caps[0].Samples, rate, caps[0].RPM, b.Orders)
		if err != nil {
			t.Fatal(err)
		}
		want := r["fault"]
		ls := ""
		if c := dg.LineSets; c != nil {
			ls = fmt.Sprintf("; line sets in %s: inner race %d, ball %d → %q", c.Spectrum, c.InnerRace.Score, c.Ball.Score, c.Verdict)
			if want != "ball" && c.Verdict == VerdictBall {
				t.Errorf("CWRU %s (%s): the line-set comparison names ball%s", r["cwru_file"], want, ls)
			}
		}
		switch want {
		case "normal":
			if dg.Verdict != VerdictNone {
				t.Errorf("CWRU 97 at 48 kHz: verdict %s, want none; evidence:%s", dg.Verdict, evidenceText(dg))
			}
			continue
		case "ball":
			balls++
			if dg.Verdict == want {
				ballsOK++
			}
		default:
			races++
			if dg.Verdict == want {
				racesOK++
			}
		}
		if dg.Verdict != want {
			t.Logf("CWRU %s (%s %s in): %s (%s)%s", r["cwru_file"], want, r["fault_diameter_in"], dg.Verdict, scores(dg), ls)
		}
	}
	t.Logf("inner and outer race: %d of %d right; ball: %d of %d", racesOK, races, ballsOK, balls)
	if races != 40 || balls != 12 {
		t.Fatalf("%d race and %d ball records, want 40 and 12", races, balls)
	}
	if racesOK < 38 {
		t.Errorf("inner and outer race: %d of 40 right, want at least 38", racesOK)
	}
	if ballsOK < 3 {
		t.Errorf("ball: %d of 12 right, want at least 3", ballsOK)
	}
}

// healthyCapture is a capture of a healthy machine.
type healthyCapture struct {
	name      string
	x         []float64
	rate, rpm float64
	o         DefectOrders
}

// healthyCaptures returns the healthy captures the margins are measured
// on: CWRU 97 resampled to 12 kHz and at its own 48 kHz, and four healthy
// synthetic gearbox captures.
func healthyCaptures(t *testing.T) []healthyCapture {
	b, _ := LookupBearing("6205")
	var caps []healthyCapture
	x97, rpm97 := readCWRU(t, "97")
	caps = append(caps, healthyCapture{"CWRU 97 at 12 kHz", x97, 12000, rpm97, b.Orders})
	caps48, err := datasets.Read(sharedtest.Path(t, "cwru/97.mat"), datasets.Options{Channel: "DE", RateHz: 48000})
	if err != nil {
		t.Fatal(err)
	}
	caps = append(caps, healthyCapture{"CWRU 97 at 48 kHz", caps48[0].Samples, 48000, caps48[0].RPM, b.Orders})
	s := synth.DefaultDrivetrain().Sensor("gbx_hss")
	for seed := range uint64(4) {
		x := make([]float64, int(float64(s.RateHz)*s.Seconds))
		shaftHz := (1000 + 150*float64(seed)) / 60
		if _, err := synth.Signal(x, synth.CaptureSpec(s, shaftHz, synth.Healthy, 0), rand.New(rand.NewPCG(seed, 9))); err != nil {
			t.Fatal(err)
		}
		caps = append(caps, healthyCapture{fmt.Sprintf("synthetic healthy gbx_hss %d", seed), x, float64(s.RateHz), shaftHz * 60,
			synthOrders(s.Bearing)})
	}
	return caps
}

// TestDiagnoseHealthyLines measures DiagnoseHealthyMarginDB and
// DiagnoseEnergyMarginDB: the largest excess over the Gaussian-noise
// thresholds (LineThresholdDB and EnergyThresholdDB at
// DiagnoseFalseAlarm/3) of any line and any band energy in the three
// envelope spectra of healthy captures, at the bearing's kinematic lines
// and at pseudo defect frequencies 2.0, 2.1, … 16 × shaft (each searched
// ±2 % like a defect line). It fails when a margin no longer covers them,
// and logs the numbers docs/evaluation.md quotes.
func TestDiagnoseHealthyLines(t *testing.T) {
	worstLine, worstEnergy := math.Inf(-1), math.Inf(-1)
	for _, c := range healthyCaptures(t) {
		d, err := NewDiagnoser(0, 0)
		if err != nil {
			t.Fatal(err)
		}
		dg, err := d.Diagnose(c.x, c.rate, c.rpm, c.o)
		if err != nil {
			t.Fatal(err)
		}
		if dg.Verdict != VerdictNone {
			t.Errorf("%s: verdict %s (%s), want none", c.name, dg.Verdict, scores(dg))
		}
		fr := c.rpm / 60
		var orders []float64
		for ord := 2.0; ord <= 16.0001; ord += 0.1 {
			orders = append(orders, ord)
		}
		for h := 1.0; h <= 3; h++ {
			orders = append(orders, h*c.o.BPFO, h*c.o.BPFI, 2*h*c.o.BSF, h*c.o.FTF)
		}
		orders = append(orders, c.o.BPFI-1, c.o.BPFI+1, 2*c.o.BSF-c.o.FTF, 2*c.o.BSF+c.o.FTF)
		widths := [diagnoseSpectra]float64{dg.BandHiHz - dg.BandLoHz, dg.Band2HiHz - dg.Band2LoHz, c.rate / 2}
		names := [diagnoseSpectra]string{SpectrumBand, SpectrumBand2, SpectrumWhitened}
		var scr []float64
		for s := range widths {
			if !(widths[s] > 0) {
				continue
			}
			maxL, atL, maxE, atE := math.Inf(-1), 0.0, math.Inf(-1), 0.0
			for _, ord := range orders {
				f := ord * fr
				var le LineEvidence
				le, scr = envelopeLine(d.spec[s], dg.ResolutionHz, f, bearingSlip*f, widths[s], fr, scr)
				if !math.IsNaN(le.DB) {
					if ex := le.DB - (le.ThresholdDB - DiagnoseHealthyMarginDB); ex > maxL {
						maxL, atL = ex, le.FreqHz
					}
				}
				le, scr = bandEnergy(d.spec[s], dg.ResolutionHz, f, bearingSlip*f, widths[s], fr, 0, 0, scr)
				if !math.IsNaN(le.DB) {
					if ex := le.DB - (le.ThresholdDB - DiagnoseEnergyMarginDB); ex > maxE {
						maxE, atE = ex, f
					}
				}
			}
			t.Logf("%s, %s spectrum (bands %g–%g and %g–%g Hz): largest line excess %.1f dB at %.2f Hz, largest band-energy excess %.1f dB at %.2f Hz",
				c.name, names[s], dg.BandLoHz, dg.BandHiHz, dg.Band2LoHz, dg.Band2HiHz, maxL, atL, maxE, atE)
			worstLine, worstEnergy = math.Max(worstLine, maxL), math.Max(worstEnergy, maxE)
		}
	}
	t.Logf("healthy margins needed: lines %.2f dB (DiagnoseHealthyMarginDB = %d), band energy %.2f dB (DiagnoseEnergyMarginDB = %d)",
		worstLine, DiagnoseHealthyMarginDB, worstEnergy, DiagnoseEnergyMarginDB)
	if worstLine > DiagnoseHealthyMarginDB || worstEnergy > DiagnoseEnergyMarginDB {
		t.Errorf("the healthy margins no longer cover healthy data: lines %.1f > %d dB or band energy %.1f > %d dB",
			worstLine, DiagnoseHealthyMarginDB, worstEnergy, DiagnoseEnergyMarginDB)
	}
}

// FuzzDiagnose: any finite signal gives a diagnosis or an error, never a
// panic, and a diagnosis always has four ranked families and a known
// verdict. The first two bytes pick the shaft speed (60–65595 rpm) and
// which defect orders are given, the third the sample rate (1–256 kHz).
func FuzzDiagnose(f *testing.F) {
	x, _, _ := synthImpulseTrain()
	seed := []byte{0x07, 0x08, 20}
	for _, v := range x[:1024] {
		seed = binary.LittleEndian.AppendUint64(seed, math.Float64bits(v))
	}
	f.Add(seed)
	f.Add(append([]byte{0, 0, 0}, make([]byte, 8*300)...))
	noBSF := append([]byte{}, seed...)
	noBSF[1] |= 1 << 6 // orders without BSF: the ball family has no lines
	f.Add(noBSF)
	b, _ := LookupBearing("6205")
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 {
			return
		}
		rpm := 60 + float64(binary.LittleEndian.Uint16(data))
		rateHz := 1000 * (1 + float64(data[2]))
		x := make([]float64, 0, len(data)/8)
		for i := 3; i+8 <= len(data); i += 8 {
			v := math.Float64frombits(binary.LittleEndian.Uint64(data[i:]))
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e100 {
				v = 0
			}
			x = append(x, v)
		}
		d, err := NewDiagnoser(0, 0)
		if err != nil {
			t.Fatal(err)
		}
		// The high 4 bits of the second byte drop orders (BPFO, BPFI,
		// BSF, FTF): orders given by hand need not name all four.
		o := b.Orders
		for i, p := range []*float64{&o.BPFO, &o.BPFI, &o.BSF, &o.FTF} {
			if data[1]>>(4+i)&1 == 1 {
				*p = 0
			}
		}
		dg, err := d.Diagnose(x, rateHz, rpm, o)
		if err != nil {
			return
		}
		if len(dg.Families) != 4 {
			t.Fatalf("%d families", len(dg.Families))
		}
		switch dg.Verdict {
		case VerdictOuterRace, VerdictInnerRace, VerdictBall, VerdictCage, VerdictNone:
		default:
			t.Fatalf("verdict %q", dg.Verdict)
		}
	})
}

// TestEnvelopeLine checks the line search on hand-made spectra whose
// answer is known in closed form: a flat floor of 1 with spikes.
func TestEnvelopeLine(t *testing.T) {
	const binHz, n = 0.1, 20000 // bins 0..1999.9 Hz
	cases := []struct {
		name   string
		spikes map[int]float64 // bin -> amplitude
		f, fr  float64
		wantHz float64 // NaN: no line found
		wantDB float64
	}{
		// BPFO-like line at 107.3 Hz, tolerance 2.146 Hz = 21 bins.
		{"line on the kinematic frequency", map[int]float64{1073: 10}, 107.3, 29.95, 107.3, 20},
		{"slipped line, 1 % low", map[int]float64{1062: 100}, 107.3, 29.95, 106.2, 40},
		{"largest of two", map[int]float64{1062: 5, 1080: 20}, 107.3, 29.95, 108.0, 20 * math.Log10(20)},
		{"outside the ±2 % window", map[int]float64{1100: 50}, 107.3, 29.95, math.NaN(), 0},
		// 4×29.95 = 119.8 Hz lies within 2 % of a 120 Hz line: a shaft
		// harmonic, not counted; the smaller line beside it is.
		{"shaft harmonic left out", map[int]float64{1198: 50, 1210: 4}, 120, 29.95, 121.0, 20 * math.Log10(4)},
		{"no shaft known", map[int]float64{1198: 50}, 120, 0, 119.8, 20 * math.Log10(50)},
	}
	for _, c := range cases {
		a := make([]float64, n)
		for i := range a {
			a[i] = 1
		}
		for k, v := range c.spikes {
			a[k] = v
		}
		le, _ := envelopeLine(a, binHz, c.f, bearingSlip*c.f, 1000, c.fr, nil)
		if math.IsNaN(c.wantHz) {
			if !math.IsNaN(le.FreqHz) && le.DB > 1e-9 {
				t.Errorf("%s: found %.2f Hz at %.1f dB, want nothing above the floor", c.name, le.FreqHz, le.DB)
			}
			continue
		}
		if math.Abs(le.FreqHz-c.wantHz) > 1e-9 || math.Abs(le.DB-c.wantDB) > 1e-9 {
			t.Errorf("%s: %.2f Hz %.3f dB, want %.2f Hz %.3f dB", c.name, le.FreqHz, le.DB, c.wantHz, c.wantDB)
		}
		if want := 100 * (c.wantHz - c.f) / c.f; math.Abs(le.DeviationPct-want) > 1e-9 {
			t.Errorf("%s: deviation %.4f %%, want %.4f", c.name, le.DeviationPct, want)
		}
		if want := LineThresholdDB(2*int(bearingSlip*c.f/binHz)+1, DiagnoseFalseAlarm/diagnoseSpectra) + DiagnoseHealthyMarginDB; le.ThresholdDB != want || le.Found != (c.wantDB >= want) {
			t.Errorf("%s: threshold %.2f found %v, want %.2f, %v", c.name, le.ThresholdDB, le.Found, want, c.wantDB >= want)
		}
	}
	// A line beyond the envelope's bandwidth is not read.
	a := make([]float64, n)
	if le, _ := envelopeLine(a, binHz, 990, 19.8, 1000, 0, nil); !math.IsNaN(le.DB) || !math.IsNaN(le.ThresholdDB) {
		t.Errorf("line beyond the band: %+v, want NaN", le)
	}
}

// BenchmarkDiagnose times band selection and diagnosis of one 10 s,
// 12 kHz record (CWRU 105, 121,265 samples): the kurtogram, the envelope
// and its spectrum, and the evidence of the four families. The diagnoser
// is reused as windpm diagnose reuses it across files of one length.
func BenchmarkDiagnose(b *testing.B) {
	x, rpm := readCWRU(b, "105")
	br, _ := LookupBearing("6205")
	d, err := NewDiagnoser(0, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Diagnose(x, 12000, rpm, br.Orders); err != nil {
			b.Fatal(err)
		}
	}
}

// cageModulatedNoise returns n seconds of white Gaussian noise whose
// amplitude follows the load distribution of a radially loaded ball
// bearing as the cage carries one element round, q(ψ) = max(0, cos ψ)^1.5
// with ψ the cage angle (Stribeck's load zone of ±90°, Harris & Kotzalas,
// load–deflection exponent 3/2 for balls), at depth m, plus a sinusoid of
// amplitude directG at the cage rate: the limit of a ball defect whose
// strikes slip so much that only their modulation by the load zone is
// periodic (Randall & Antoni 2011, §2: bearing signals are
// pseudo-cyclostationary), and, with directG > 0, a force at the cage
// rate, which a damaged cage exerts and, on the CWRU rig, race and ball
// defects too.
func cageModulatedNoise(rng *rand.Rand, rate, seconds, ftfHz, m, directG float64) []float64 {
	x := make([]float64, int(rate*seconds))
	phase := rng.Float64()
	for i := range x {
		t := float64(i) / rate
		psi := 2 * math.Pi * (ftfHz*t + phase)
		q := math.Pow(math.Max(0, math.Cos(psi)), 1.5)
		x[i] = rng.NormFloat64()*(1+m*q) + directG*math.Sin(psi)
	}
	return x
}

// TestDiagnoseCageSeries checks the rule that gives the cage series to
// the ball or the cage family on signals built for it (not a validation,
// a test of the rule as written): load-zone-modulated noise, whose
// envelope spectra show FTF and its harmonics and no line at 2×BSF, is
// named ball on the cage series alone, with or without a line at FTF in
// the direct spectrum; the same signal diagnosed with orders that give no
// BSF is named cage; unmodulated noise with the direct line is named none.
func TestDiagnoseCageSeries(t *testing.T) {
	b, _ := LookupBearing("6205")
	const rate, rpm = 12000, 1797
	ftfHz := b.Orders.FTF * rpm / 60
	noBSF := b.Orders
	noBSF.BSF = 0
	d, err := NewDiagnoser(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name          string
		m, directG    float64
		o             DefectOrders
		want          string
		wantClaimedBy string
	}{
		{"load-zone modulation", 1.5, 0, b.Orders, VerdictBall, "BSF"},
		{"load-zone modulation and a direct line", 1.5, 0.2, b.Orders, VerdictBall, "BSF"},
		{"load-zone modulation, no BSF given", 1.5, 0, noBSF, VerdictCage, "FTF"},
		{"a direct line alone", 0, 0.2, b.Orders, VerdictNone, ""},
	} {
		for seed := range uint64(3) {
			x := cageModulatedNoise(rand.New(rand.NewPCG(seed, 11)), rate, 4, ftfHz, c.m, c.directG)
			dg, err := d.Diagnose(x, rate, rpm, c.o)
			if err != nil {
				t.Fatal(err)
			}
			if dg.Verdict != c.want {
				t.Errorf("%s, seed %d: verdict %s, want %s; evidence:%s", c.name, seed, dg.Verdict, c.want, evidenceText(dg))
				continue
			}
			if dg.CageSeriesOnly != (c.want == VerdictBall) {
				t.Errorf("%s, seed %d: CageSeriesOnly %v, want %v", c.name, seed, dg.CageSeriesOnly, c.want == VerdictBall)
			}
			for _, f := range dg.Families {
				if f.Score > 0 && f.Family != c.wantClaimedBy {
					t.Errorf("%s, seed %d: %s scores %.1f, want only %s", c.name, seed, f.Family, f.Score, c.wantClaimedBy)
				}
			}
		}
	}
}

// TestDiagnoseSyntheticSlip: synthetic ball faults of the gearbox
// high-speed-shaft sensor whose elements slip twice as much as the
// default (3 % jitter of the strike spacing instead of 1.5 %), so that
// the 2×BSF lines smear, at severities 0.2 and 0.4, ten captures each
// (other seeds than TestDiagnoseSyntheticGrid). No capture may get
// another family's verdict, and at severity 0.4 at least 8 of 10 must be
// named ball (9 measured; before the cage series counted for the ball,
// 0.2 gave one outer_race). It logs the counts docs/evaluation.md quotes.
func TestDiagnoseSyntheticSlip(t *testing.T) {
	if testing.Short() {
		t.Skip("20 synthetic captures")
	}
	s := synth.DefaultDrivetrain().Sensor("gbx_hss")
	o := synthOrders(s.Bearing)
	d, err := NewDiagnoser(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, int(float64(s.RateHz)*s.Seconds))
	for _, sev := range []float64{0.2, 0.4} {
		count := map[string]int{}
		for seed := range uint64(10) {
			shaftHz := (900 + 60*float64(seed)) / 60
			spec := synth.CaptureSpec(s, shaftHz, synth.Ball, sev)
			spec.Bearing.Slip = 2 * s.Bearing.Slip
			if _, err := synth.Signal(x, spec, rand.New(rand.NewPCG(seed+300, 78))); err != nil {
				t.Fatal(err)
			}
			dg, err := d.Diagnose(x, float64(s.RateHz), shaftHz*60, o)
			if err != nil {
				t.Fatal(err)
			}
			count[dg.Verdict]++
			if dg.Verdict != VerdictBall && dg.Verdict != VerdictNone {
				t.Errorf("ball, slip %g, severity %g, seed %d: verdict %s, another family's; evidence:%s", spec.Bearing.Slip, sev, seed, dg.Verdict, evidenceText(dg))
			}
		}
		t.Logf("ball, slip %g, severity %g: %v", 2*s.Bearing.Slip, sev, count)
		if sev == 0.4 && count[VerdictBall] < 8 {
			t.Errorf("ball, slip %g, severity 0.4: %d of 10 named, want at least 8", 2*s.Bearing.Slip, count[VerdictBall])
		}
	}
}

// loadZoneFault returns seconds of a synthetic 6205 fault at 12 kHz: the
// impact train of synth.Signal (kind InnerRace or Ball, strike spacing
// jitter 0.5 %, no load modulation of its own), each impact multiplied by
// the load zone it meets, 0.1 + 0.9·max(0, cos ψ)^1.5 (Stribeck's load
// zone, exponent 3/2 for balls; ψ the shaft angle for the inner race, the
// cage angle for a ball), plus shaft harmonics 1× and 2× and white noise
// of unit RMS. A ball slips: its strike rate 2×BSF and its cage rate FTF
// are (1 − slip) × kinematic; an inner race does not. The mean slip is
// set here and not in synth, whose Slip is the spacing's jitter only.
func loadZoneFault(rng *rand.Rand, kind synth.FaultKind, o DefectOrders, shaftHz, slip, impulseG, seconds float64) ([]float64, error) {
	const rate = 12000
	x := make([]float64, int(rate*seconds))
	u := 1 - slip
	spec := synth.SignalSpec{RateHz: rate, ShaftHz: shaftHz, Bearing: &synth.BearingSpec{
		Kind: kind, BPFO: o.BPFO, BPFI: o.BPFI, BSF: o.BSF * u, FTF: o.FTF * u,
		ImpulseG: impulseG, ResonanceHz: 3400, Damping: 0.06, Slip: 0.005}}
	if _, err := synth.Signal(x, spec, rng); err != nil {
		return nil, err
	}
	mod := shaftHz
	if kind == synth.Ball {
		mod = o.FTF * u * shaftHz
	}
	ph, ph1, ph2 := rng.Float64(), 2*math.Pi*rng.Float64(), 2*math.Pi*rng.Float64()
	for i := range x {
		t := float64(i) / rate
		q := math.Pow(math.Max(0, math.Cos(2*math.Pi*(mod*t+ph))), 1.5)
		x[i] = x[i]*(0.1+0.9*q) + 0.5*math.Sin(2*math.Pi*shaftHz*t+ph1) + 0.2*math.Sin(4*math.Pi*shaftHz*t+ph2) + rng.NormFloat64()
	}
	return x, nil
}

// TestDiagnoseLineSets is the synthetic validation of the line-set
// comparison (compareLineSets): 6205 faults at 1797 rpm with load-zone
// modulation (loadZoneFault), inner race with the rpm given to Diagnose
// exact and 0.3 % off either way, ball at slips 0, 1, 1.72 (its 2×BSF +
// 2·FTF then falls on BPFI), 2 and 3 %, impulses of 2.5 and 5 g in unit
// noise, five captures each. No inner-race fault may be named ball and no
// ball fault inner_race, and where the comparison is made it must not
// name the other fault. It logs the counts docs/evaluation.md quotes and
// how many verdicts the comparison changed.
func TestDiagnoseLineSets(t *testing.T) {
	if testing.Short() {
		t.Skip("80 synthetic captures")
	}
	b, _ := LookupBearing("6205")
	d, err := NewDiagnoser(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	const rpm = 1797.0
	type cse struct {
		kind          synth.FaultKind
		slip, rpmBias float64
	}
	cases := []cse{{synth.InnerRace, 0, 0}, {synth.InnerRace, 0, -0.003}, {synth.InnerRace, 0, 0.003}}
	for _, s := range []float64{0, 0.01, 0.0172, 0.02, 0.03} {
		cases = append(cases, cse{synth.Ball, s, 0})
	}
	for _, c := range cases {
		want, other := VerdictInnerRace, VerdictBall
		if c.kind == synth.Ball {
			want, other = VerdictBall, VerdictInnerRace
		}
		for _, g := range []float64{2.5, 5} {
			count, cmp := map[string]int{}, map[string]int{}
			changed := 0
			for seed := range uint64(5) {
				x, err := loadZoneFault(rand.New(rand.NewPCG(seed+500, 91)), c.kind, b.Orders, rpm/60, c.slip, g, 10)
				if err != nil {
					t.Fatal(err)
				}
				dg, err := d.Diagnose(x, 12000, rpm*(1+c.rpmBias), b.Orders)
				if err != nil {
					t.Fatal(err)
				}
				count[dg.Verdict]++
				if ls := dg.LineSets; ls != nil {
					v := ls.Verdict
					if v == "" {
						v = "tie"
					}
					cmp[v]++
					if dg.Families[0].Verdict != dg.Verdict {
						changed++
					}
					if ls.Verdict == other {
						t.Errorf("%s slip %g rpm bias %g impulse %g seed %d: comparison names %s (inner race %d lines, ball %d)", c.kind, c.slip, c.rpmBias, g, seed, other, ls.InnerRace.Score, ls.Ball.Score)
					}
				}
				if dg.Verdict == other {
					t.Errorf("%s slip %g rpm bias %g impulse %g seed %d: verdict %s; evidence:%s", c.kind, c.slip, c.rpmBias, g, seed, dg.Verdict, evidenceText(dg))
				}
			}
			t.Logf("%s slip %g rpm bias %+g impulse %g g: verdicts %v (want %s); comparison %v; changed by it %d", c.kind, c.slip, c.rpmBias, g, count, want, cmp, changed)
		}
	}
}

// TestMedianSelect checks medianSelect against medianOf (a sort) on
// random vectors of odd and even length, with ties.
func TestMedianSelect(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 200; n++ {
		for rep := range 5 {
			v := make([]float64, n)
			for i := range v {
				if rep%2 == 0 {
					v[i] = float64(rng.IntN(5)) // many ties
				} else {
					v[i] = rng.ExpFloat64()
				}
			}
			want := medianOf(append([]float64(nil), v...))
			if got := medianSelect(v); got != want {
				t.Fatalf("n %d rep %d: medianSelect %g, medianOf %g", n, rep, got, want)
			}
		}
	}
}

// TestLineSetPrescreen: the prescreen of lineSetPeaks finds the same
// peaks, at the same levels, as exact floors at every local maximum, in
// all three spectra of synthetic 6205 faults, healthy synthetic gearbox
// captures and white noise.
func TestLineSetPrescreen(t *testing.T) {
	b, _ := LookupBearing("6205")
	d, err := NewDiagnoser(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, x []float64, rate, rpm float64, o DefectOrders) {
		t.Helper()
		dg, err := d.Diagnose(x, rate, rpm, o)
		if err != nil {
			t.Fatal(err)
		}
		widths := [diagnoseSpectra]float64{dg.BandHiHz - dg.BandLoHz, dg.Band2HiHz - dg.Band2LoHz, rate / 2}
		for s := range d.spec {
			if !(widths[s] > 0) {
				continue
			}
			a := d.spec[s]
			hi := min(len(a)-2, int(widths[s]/dg.ResolutionHz))
			fast := append([]float64(nil), d.lineSetPeaks(a, bearingDCBins, hi, dg.ResolutionHz, rpm/60, false)...)
			exact := d.lineSetPeaks(a, bearingDCBins, hi, dg.ResolutionHz, rpm/60, true)
			n := 0
			for i := range exact {
				if exact[i] != fast[i] {
					t.Errorf("%s, spectrum %d, bin %d: prescreened %g, exact %g", name, s, i+bearingDCBins, fast[i], exact[i])
				}
				if exact[i] >= 0 {
					n++
				}
			}
			t.Logf("%s, spectrum %d: %d peaks", name, s, n)
		}
	}
	for seed := range uint64(2) {
		for _, k := range []synth.FaultKind{synth.InnerRace, synth.Ball} {
			x, err := loadZoneFault(rand.New(rand.NewPCG(seed+700, 91)), k, b.Orders, 1797.0/60, 0.0172, 5, 10)
			if err != nil {
				t.Fatal(err)
			}
			check(fmt.Sprintf("%s seed %d", k, seed), x, 12000, 1797, b.Orders)
		}
		rng := rand.New(rand.NewPCG(seed, 99))
		x := make([]float64, 24000)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		check(fmt.Sprintf("noise seed %d", seed), x, 12000, 1797, b.Orders)
	}
	s := synth.DefaultDrivetrain().Sensor("gbx_hss")
	x := make([]float64, int(float64(s.RateHz)*s.Seconds))
	if _, err := synth.Signal(x, synth.CaptureSpec(s, 20, synth.Healthy, 0), rand.New(rand.NewPCG(5, 6))); err != nil {
		t.Fatal(err)
	}
	check("gbx_hss healthy", x, float64(s.RateHz), 1200, synthOrders(s.Bearing))
}
