package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/windpm/windpm/datasets/sharedtest"
	"github.com/windpm/windpm/datasets/synth"
)

// diagnoseJSON is what a test reads back from diagnose --json.
type diagnoseJSON struct {
	Path     string     `json:"path"`
	Channel  string     `json:"channel"`
	Verdict  string     `json:"verdict"`
	RPM      float64    `json:"rpm"`
	BandHz   [2]float64 `json:"band_hz"`
	Families []struct {
		Family    string  `json:"family"`
		Score     float64 `json:"score"`
		Harmonics []struct {
			Order        int      `json:"order"`
			FreqHz       *float64 `json:"freq_hz"`
			ExpectedHz   float64  `json:"expected_hz"`
			DeviationPct *float64 `json:"deviation_pct"`
			DB           *float64 `json:"db"`
			Found        bool     `json:"found"`
			ExplainedBy  string   `json:"explained_by"`
		} `json:"harmonics"`
		Sidebands  []json.RawMessage `json:"sidebands"`
		Modulation []json.RawMessage `json:"modulation"`
	} `json:"families"`
	CageSeriesOnly *bool `json:"cage_series_only"`
	LineSets       *struct {
		Spectrum  string `json:"spectrum"`
		Verdict   string `json:"verdict"`
		InnerRace struct {
			Score        int  `json:"score"`
			CarrierFound bool `json:"carrier_found"`
			Found        []struct {
				Label  string  `json:"label"`
				FreqHz float64 `json:"freq_hz"`
			} `json:"found"`
		} `json:"inner_race"`
		Ball struct {
			Score int `json:"score"`
		} `json:"ball"`
	} `json:"line_sets"`
}

func diagnoseRun(t *testing.T, args ...string) []diagnoseJSON {
	t.Helper()
	stdout, stderr, code := runCLI(t, append([]string{"diagnose", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("windpm diagnose %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	var recs []diagnoseJSON
	if err := json.Unmarshal([]byte(stdout), &recs); err != nil {
		t.Fatalf("diagnose --json: %v: %s", err, stdout)
	}
	return recs
}

// The catalog's inner-race record 105 is inner_race, the outer-race
// records 130 and 145 outer_race (145's cage-rate lines explained by its
// BPFO line) and the healthy 97 (48 kHz, as recorded) none;
// every record has the four families ranked by score, a band below
// Nyquist, the cage series under BSF (modulation) and cage_series_only
// (true only for a ball verdict); 105 has line_sets, won by the inner race with its carrier,
// the others none. The manifest is the catalog cut to those rows (the whole
// catalog takes 4 s; docs/evaluation.md runs it).
func TestDiagnoseCWRUCatalog(t *testing.T) {
	dir := sharedtest.Path(t, "cwru")
	data, err := os.ReadFile(filepath.Join(dir, "catalog.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	kept := []string{lines[0]}
	for _, l := range lines[1:] {
		for _, rec := range []string{"97.mat,", "105.mat,", "130.mat,", "145.mat,"} {
			if strings.HasPrefix(l, rec) {
				kept = append(kept, filepath.Join(dir, l))
			}
		}
	}
	man := filepath.Join(t.TempDir(), "catalog.csv")
	if err := os.WriteFile(man, []byte(strings.Join(kept, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	recs := diagnoseRun(t, "--channel", "DE", "--bearing", "6205", "--manifest", man)
	if len(recs) != 4 {
		t.Fatalf("%d records, want 4", len(recs))
	}
	want := map[string]string{"105.mat": "inner_race", "130.mat": "outer_race", "145.mat": "outer_race", "97.mat": "none"}
	for _, r := range recs {
		if len(r.Families) != 4 {
			t.Errorf("%s: %d families, want 4", r.Path, len(r.Families))
		}
		for i := 1; i < len(r.Families); i++ {
			if r.Families[i].Score > r.Families[i-1].Score {
				t.Errorf("%s: families not ranked by score", r.Path)
			}
		}
		if !(r.BandHz[0] > 0 && r.BandHz[1] > r.BandHz[0]) {
			t.Errorf("%s: band %v", r.Path, r.BandHz)
		}
		for _, f := range r.Families {
			switch {
			case f.Family == "BSF" && len(f.Modulation) != 3:
				t.Errorf("%s: BSF modulation has %d lines, want the cage series FTF ×1..3", r.Path, len(f.Modulation))
			case f.Family != "BSF" && f.Modulation != nil:
				t.Errorf("%s: %s has modulation lines, which belong to BSF only", r.Path, f.Family)
			}
		}
		if r.CageSeriesOnly == nil || *r.CageSeriesOnly && r.Verdict != "ball" {
			t.Errorf("%s: cage_series_only %v with verdict %s, want a bool, true only for ball", r.Path, r.CageSeriesOnly, r.Verdict)
		}
		w, ok := want[filepath.Base(r.Path)]
		if !ok {
			continue
		}
		if filepath.Base(r.Path) == "145.mat" {
			// Its cage lines are harmonics of BPFO/9 (unequal balls passing
			// the defect), strong enough to outscore BPFO if counted.
			explained := 0
			for _, f := range r.Families {
				for _, h := range f.Harmonics {
					if h.Found && strings.HasPrefix(h.ExplainedBy, "BPFO/9 ×") {
						explained++
					}
				}
			}
			if explained < 3 {
				t.Errorf("145.mat: %d found lines explained by BPFO/9, want the three FTF harmonics at least", explained)
			}
		}
		switch ls := r.LineSets; {
		case r.Verdict == "inner_race" && (ls == nil || ls.Verdict != "inner_race" || !ls.InnerRace.CarrierFound || len(ls.InnerRace.Found) != ls.InnerRace.Score || ls.Spectrum == ""):
			t.Errorf("%s: line_sets %+v, want the inner-race set to win with its carrier", r.Path, ls)
		case r.Verdict != "inner_race" && r.Verdict != "ball" && ls != nil:
			t.Errorf("%s: line_sets on a %s verdict", r.Path, r.Verdict)
		}
		delete(want, filepath.Base(r.Path))
		if r.Verdict != w {
			t.Errorf("%s: verdict %s, want %s", r.Path, r.Verdict, w)
		}
		if w == "none" {
			continue
		}
		h := r.Families[0].Harmonics[0]
		if !h.Found || h.FreqHz == nil || math.Abs(*h.DeviationPct) > 2 ||
			math.Abs(*h.FreqHz-h.ExpectedHz*(1+*h.DeviationPct/100)) > 1e-6*h.ExpectedHz {
			t.Errorf("%s: fundamental of %s not found within 2 %%: %+v", r.Path, r.Families[0].Family, h)
		}
	}
	if len(want) > 0 {
		t.Errorf("records missing from the output: %v", want)
	}
}

// Without --bearing the manifest's bearing column names the bearing.
func TestDiagnoseBearingFromManifest(t *testing.T) {
	dir := sharedtest.Path(t, "cwru")
	man := filepath.Join(t.TempDir(), "m.csv")
	rows := "path,sample_rate_hz,rpm,bearing\n" +
		filepath.Join(dir, "105.mat") + ",12000,1797,6205\n" +
		filepath.Join(dir, "130.mat") + ",12000,1796,SKF 6205-2RS\n"
	if err := os.WriteFile(man, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	recs := diagnoseRun(t, "--channel", "DE", man)
	if len(recs) != 2 || recs[0].Verdict != "inner_race" || recs[1].Verdict != "outer_race" {
		t.Errorf("verdicts %+v, want inner_race, outer_race", recs)
	}
}

// writeSynthCSV writes a synthetic capture of the gearbox high-speed-shaft
// sensor as a one-column CSV and returns its path, rate and rpm.
func writeSynthCSV(t *testing.T, dir string, kind synth.FaultKind, sev float64, seed uint64) (string, int, float64) {
	t.Helper()
	s := synth.DefaultDrivetrain().Sensor("gbx_hss")
	shaftHz := (1100 + 100*float64(seed)) / 60
	x := make([]float64, int(float64(s.RateHz)*s.Seconds))
	if _, err := synth.Signal(x, synth.CaptureSpec(s, shaftHz, kind, sev), rand.New(rand.NewPCG(seed, 21))); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("accel\n")
	for _, v := range x {
		b.WriteString(strconv.FormatFloat(v, 'g', 9, 64))
		b.WriteByte('\n')
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.csv", kind, seed))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, s.RateHz, shaftHz * 60
}

// Synthetic outer-race, inner-race and ball faults get their verdict,
// healthy captures none, with the bearing given by its orders.
func TestDiagnoseSyntheticCLI(t *testing.T) {
	s := synth.DefaultDrivetrain().Sensor("gbx_hss")
	bpfo, bpfi, bsf, ftf := s.Bearing.Orders()
	dir := t.TempDir()
	for _, c := range []struct {
		kind synth.FaultKind
		sev  float64
		want string
	}{
		{synth.OuterRace, 0.3, "outer_race"},
		{synth.InnerRace, 0.3, "inner_race"},
		{synth.Ball, 0.3, "ball"},
		{synth.Healthy, 0, "none"},
	} {
		path, rate, rpm := writeSynthCSV(t, dir, c.kind, c.sev, 1)
		recs := diagnoseRun(t, "--rate", strconv.Itoa(rate), "--rpm", strconv.FormatFloat(rpm, 'g', -1, 64),
			"--bpfo", fmt.Sprint(bpfo), "--bpfi", fmt.Sprint(bpfi), "--bsf", fmt.Sprint(bsf), "--ftf", fmt.Sprint(ftf), path)
		if len(recs) != 1 || recs[0].Verdict != c.want {
			t.Errorf("%s: %+v, want verdict %s", c.kind, recs, c.want)
		}
	}
	// Orders by hand need not name all four: without --bsf there is no
	// ball family to score (this panicked before).
	path, rate, rpm := writeSynthCSV(t, dir, synth.OuterRace, 0.3, 1)
	recs := diagnoseRun(t, "--rate", strconv.Itoa(rate), "--rpm", strconv.FormatFloat(rpm, 'g', -1, 64),
		"--bpfo", fmt.Sprint(bpfo), "--bpfi", fmt.Sprint(bpfi), "--ftf", fmt.Sprint(ftf), path)
	if len(recs) != 1 || recs[0].Verdict != "outer_race" {
		t.Errorf("outer race, orders without --bsf: %+v, want verdict outer_race", recs)
	}
}

func TestDiagnoseErrors(t *testing.T) {
	dir := sharedtest.Path(t, "cwru")
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "broken.mat")
	good, _ := os.ReadFile(filepath.Join(dir, "105.mat"))
	os.WriteFile(bad, good[:1000], 0o644)
	f105 := filepath.Join(dir, "105.mat")
	f3001 := filepath.Join(dir, "3001.mat") // no rpm in the file
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"diagnose"}, 2, "give capture files"},
		{[]string{"diagnose", "--band", "5:1", "--bearing", "6205", f105}, 2, "--band"},
		{[]string{"diagnose", "--bearing", "6205", "--bpfo", "3", f105}, 2, "not both"},
		{[]string{"diagnose", "--bearing", "9999", f105}, 2, "unknown bearing"},
		{[]string{"diagnose", "--channel", "DE", "--rate", "12000", f105}, 1, "no bearing known"},
		{[]string{"diagnose", "--channel", "DE", "--rate", "12000", "--bearing", "6205", f3001}, 1, "no shaft speed"},
		{[]string{"diagnose", "--channel", "DE", "--rate", "12000", "--bearing", "6205", bad, f105}, 3, "broken.mat"},
		{[]string{"diagnose", "--channel", "DE", "--rate", "12000", "--bearing", "6205", "--band", "7000:9000", f105}, 1, "Nyquist"},
	}
	for _, c := range cases {
		_, stderr, code := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("windpm %s: exit %d, stderr %q; want exit %d and %q", strings.Join(c.args, " "), code, stderr, c.code, c.want)
		}
	}
	// The text table names the verdict and the evidence.
	stdout, _, code := runCLI(t, "diagnose", "--channel", "DE", "--rate", "12000", "--bearing", "6205", f105)
	if code != 0 || !strings.Contains(stdout, "INNER_RACE") || !strings.Contains(stdout, "*BPFI 161.") {
		t.Errorf("text output (exit %d):\n%s", code, stdout)
	}
}
