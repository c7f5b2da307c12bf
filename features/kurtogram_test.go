package features

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/datasets/sharedtest"
	"github.com/windpm/windpm/datasets/synth"
)

// kurtRef is testdata/kurtogram/reference.json, written by kurtogram.py
// there (an independent numpy/scipy port of Antoni's Fast_Kurtogram.m).
type kurtRef struct {
	Orders  map[string]float64 `json:"orders_6205"`
	Signals []struct {
		Name   string      `json:"name"`
		N      int         `json:"n"`
		RateHz float64     `json:"rate_hz"`
		RPM    float64     `json:"rpm"`
		Levels int         `json:"levels"`
		LevelW []float64   `json:"level_w"`
		Matrix [][]float64 `json:"matrix"`
		Max    refBand     `json:"max"`
		// Bearing holds the bearing columns, nil for NaN.
		Bearing map[string]*float64 `json:"bearing"`
	} `json:"signals"`
}

type refBand struct {
	Row         int     `json:"row"`
	Col         int     `json:"col"`
	Level       float64 `json:"level"`
	CenterHz    float64 `json:"center_hz"`
	BandwidthHz float64 `json:"bandwidth_hz"`
	Kurtosis    float64 `json:"kurtosis"`
}

func readKurtRef(t testing.TB) *kurtRef {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "kurtogram", "reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref kurtRef
	if err := json.Unmarshal(jsonNaNToNull(data), &ref); err != nil {
		t.Fatal(err)
	}
	return &ref
}

// jsonNaNToNull replaces Python's bare NaN tokens (json.dump's default) by
// null so that encoding/json reads them.
func jsonNaNToNull(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		if i+3 <= len(data) && string(data[i:i+3]) == "NaN" {
			out = append(out, "null"...)
			i += 2
			continue
		}
		out = append(out, data[i])
	}
	return out
}

// refSignal returns the samples of a reference signal: a CWRU DE channel
// (skipping when the shared data is absent) or the synthetic train.
func refSignal(t testing.TB, name string) []float64 {
	t.Helper()
	if name == "synthetic" {
		x, _, _ := synthImpulseTrain()
		return x
	}
	rec := name[len("cwru"):]
	path := sharedtest.Path(t, "cwru/"+rec+".mat")
	caps, err := datasets.Read(path, datasets.Options{Channel: "DE", RateHz: 12000})
	if err != nil {
		t.Fatal(err)
	}
	return caps[0].Samples
}

// synthImpulseTrain is kurtogram.py's synthetic(): 3 kHz decaying bursts
// (ζ = 0.05) at the BPFO of a 6205 at 1800 rpm from t = 3 ms, a 0.5 g
// 30 Hz line and uniform noise on [−0.5, 0.5) from splitmix64 (seed 1),
// 32768 samples at 20 kHz.
func synthImpulseTrain() (x []float64, rateHz, rpm float64) {
	const n, fs = 32768, 20000.0
	b, _ := LookupBearing("6205")
	rate := b.Orders.BPFO * 30
	x = make([]float64, n)
	state := uint64(1)
	for i := range x {
		state += 0x9E3779B97F4A7C15
		z := state
		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
		z = (z ^ (z >> 27)) * 0x94D049BB133111EB
		z ^= z >> 31
		u := float64(z>>11) * 0x1p-53
		x[i] = 0.5*math.Sin(2*math.Pi*30*(float64(i)/fs)) + (u - 0.5)
	}
	const zeta, fn = 0.05, 3000.0
	wn := 2 * math.Pi * fn
	wd := wn * math.Sqrt(1-zeta*zeta)
	for j := 0; ; j++ {
		tj := 0.003 + float64(j)/rate
		if tj >= n/fs {
			break
		}
		i0 := int(math.Ceil(tj * fs))
		for i := i0; i < min(n, i0+400); i++ {
			tau := float64(i)/fs - tj
			x[i] += math.Exp(-zeta*wn*tau) * math.Sin(wd*tau)
		}
	}
	return x, fs, 1800
}

// relClose reports |got − want| <= tol·max(|want|, floor).
func relClose(got, want, tol, floor float64) bool {
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), floor)
}

// TestKurtogramReference compares the whole kurtogram matrix and the
// selected band with the numpy port to 1e-9 relative (values below 1e-3,
// clipped or nearly Gaussian bands, to 1e-12 absolute).
func TestKurtogramReference(t *testing.T) {
	ref := readKurtRef(t)
	for _, s := range ref.Signals {
		t.Run(s.Name, func(t *testing.T) {
			x := refSignal(t, s.Name)
			if len(x) != s.N {
				t.Fatalf("signal has %d samples, reference %d", len(x), s.N)
			}
			res, err := FastKurtogram(x, s.RateHz, 0)
			if err != nil {
				t.Fatal(err)
			}
			if res.Levels != s.Levels {
				t.Fatalf("levels %d, reference %d", res.Levels, s.Levels)
			}
			m := res.Matrix()
			if len(m) != len(s.Matrix) {
				t.Fatalf("%d rows, reference %d", len(m), len(s.Matrix))
			}
			worst := 0.0
			for i := range m {
				if math.Abs(res.Rows[i].Level-s.LevelW[i]) > 1e-12 {
					t.Errorf("row %d level %g, reference %g", i, res.Rows[i].Level, s.LevelW[i])
				}
				for j := range m[i] {
					got, want := m[i][j], s.Matrix[i][j]
					if !relClose(got, want, 1e-9, 1e-3) {
						t.Errorf("K[%d][%d] = %.15g, reference %.15g", i, j, got, want)
					}
					if want != 0 {
						worst = math.Max(worst, math.Abs(got-want)/math.Abs(want))
					}
				}
			}
			t.Logf("largest relative difference %.2g", worst)
			b := res.Max
			if b.Row != s.Max.Row || !relClose(b.CenterHz, s.Max.CenterHz, 1e-12, 1) ||
				!relClose(b.BandwidthHz, s.Max.BandwidthHz, 1e-12, 1) || !relClose(b.Kurtosis, s.Max.Kurtosis, 1e-9, 1e-3) {
				t.Errorf("max band %+v, reference %+v", b, s.Max)
			}
		})
	}
}

// TestKurtogramFindsResonance checks the physics: a train of decaying
// 3 kHz bursts in white noise twice their RMS, with shaft and mesh lines
// stronger than the bursts, gives a band of largest kurtosis that
// contains 3 kHz, at several sample rates.
func TestKurtogramFindsResonance(t *testing.T) {
	for _, rate := range []float64{12000, 20000, 25600, 51200} {
		n := int(rate * 2)
		x := make([]float64, n)
		spec := synth.SignalSpec{
			RateHz: rate, ShaftHz: 25, NoiseG: 0.3,
			Harmonics: []synth.Harmonic{{Order: 1, AmplitudeG: 0.5}, {Order: 2, AmplitudeG: 0.3}},
			Gear:      &synth.GearSpec{Teeth: 23, MeshG: []float64{0.4}},
			Bearing: &synth.BearingSpec{Kind: synth.OuterRace, BPFO: 3.6, BPFI: 5.4, BSF: 2.4, FTF: 0.4,
				ImpulseG: 1, ResonanceHz: 3000, Damping: 0.05, Slip: 0.01},
		}
		if _, err := synth.Signal(x, spec, rand.New(rand.NewPCG(7, uint64(rate)))); err != nil {
			t.Fatal(err)
		}
		res, err := FastKurtogram(x, rate, 0)
		if err != nil {
			t.Fatal(err)
		}
		b := res.Max
		t.Logf("rate %g: band %.0f–%.0f Hz (level %.2f), kurtosis %.2f", rate, b.LoHz, b.HiHz, b.Level, b.Kurtosis)
		if !(b.LoHz <= 3000 && 3000 <= b.HiHz) || b.Kurtosis < 1 {
			t.Errorf("rate %g: band of largest kurtosis %.0f–%.0f Hz (K %.2f) misses the 3 kHz resonance", rate, b.LoHz, b.HiHz, b.Kurtosis)
		}
	}
}

// TestKurtogramGaussianNoise checks the other side: white Gaussian noise
// has spectral kurtosis near 0 in every band (the estimator's standard
// deviation is about √(4/N) per band, Antoni 2006).
func TestKurtogramGaussianNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 1<<16)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	res, err := FastKurtogram(x, 10000, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Max.Kurtosis > 0.5 {
		t.Errorf("largest kurtosis of Gaussian noise %.3f (%+v), want < 0.5", res.Max.Kurtosis, res.Max)
	}
}

func TestKurtogramErrors(t *testing.T) {
	if _, err := FastKurtogram(make([]float64, 255), 1000, 0); err == nil {
		t.Error("255 samples: no error")
	}
	if _, err := FastKurtogram(make([]float64, 1024), 1000, 4); err == nil {
		t.Error("4 levels for 1024 samples: no error")
	}
	if _, err := FastKurtogram(make([]float64, 1024), 0, 0); err == nil {
		t.Error("rate 0: no error")
	}
	x := make([]float64, 1024)
	x[5] = math.NaN()
	if _, err := FastKurtogram(x, 1000, 0); err == nil {
		t.Error("NaN sample: no error")
	}
	// A constant signal has no power in any band: all zero, no NaN.
	res, err := FastKurtogram(make([]float64, 4096), 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range res.Rows {
		for _, v := range row.Kurtosis {
			if v != 0 {
				t.Fatalf("constant signal: kurtosis %g", v)
			}
		}
	}
}

// FuzzKurtogram feeds arbitrary finite samples: no panic, and every band's
// kurtosis is finite and non-negative.
func FuzzKurtogram(f *testing.F) {
	f.Add([]byte{1, 2, 3, 250, 0, 0, 7}, uint16(300))
	f.Add([]byte{0}, uint16(1024))
	f.Fuzz(func(t *testing.T, data []byte, n uint16) {
		if len(data) == 0 || n > 4096 {
			return
		}
		x := make([]float64, int(n))
		for i := range x {
			x[i] = float64(int8(data[i%len(data)])) * float64(1+i%7)
		}
		res, err := FastKurtogram(x, 1000, 0)
		if err != nil {
			if len(x) >= 256 {
				t.Fatalf("%d samples: %v", len(x), err)
			}
			return
		}
		for _, row := range res.Rows {
			for _, v := range row.Kurtosis {
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					t.Fatalf("kurtosis %g", v)
				}
			}
		}
	})
}
