package datasets

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadWAV reads WAV captures through Read and compares them with the
// closed-form signals testdata/wav/gen.py wrote. Tolerances: float32
// rounding (6e-8 relative to the amplitude) for the float file; the exact
// code/32768 for PCM16.
func TestReadWAV(t *testing.T) {
	path := filepath.Join("testdata", "wav", "three_ch_float32.wav")
	caps, err := Read(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 3 {
		t.Fatalf("%d captures, want 3", len(caps))
	}
	signals := []struct {
		amp  float64
		want func(t float64) float64
	}{
		{1.5, func(t float64) float64 { return 1.5 * math.Sin(2*math.Pi*100*t) }},
		{0.2, func(t float64) float64 { return 0.2 * math.Sin(2*math.Pi*250*t+0.5) }},
		{3.0, func(t float64) float64 { return 3 * math.Cos(2*math.Pi*1000*t) }},
	}
	for k, c := range caps {
		if c.Channel != []string{"ch0", "ch1", "ch2"}[k] || c.RateHz != 12000 || c.Unit != "" || c.Path != path || len(c.Samples) != 1200 {
			t.Fatalf("capture %d: %s %v Hz unit %q path %s, %d samples", k, c.Channel, c.RateHz, c.Unit, c.Path, len(c.Samples))
		}
		tol := signals[k].amp * 6e-8
		for i, v := range c.Samples {
			if d := math.Abs(v - signals[k].want(float64(i)/12000)); d > tol {
				t.Fatalf("%s sample %d = %v, off by %g (tolerance %g)", c.Channel, i, v, d, tol)
			}
		}
	}

	path = filepath.Join("testdata", "wav", "pcm16_stereo.wav")
	caps, err = Read(path, Options{Channel: "ch1", RPM: 1500})
	if err != nil {
		t.Fatal(err)
	}
	if len(caps) != 1 || caps[0].Channel != "ch1" || caps[0].RateHz != 8000 || caps[0].RPM != 1500 {
		t.Fatalf("channel pick: %+v", caps)
	}
	for i, v := range caps[0].Samples {
		want := math.Round(-0.25*math.Sin(2*math.Pi*50*float64(i)/8000)*32767) / 32768
		if v != want {
			t.Fatalf("ch1 sample %d = %v, want %v", i, v, want)
		}
	}
	caps, err = Read(path, Options{RateHz: 8192})
	if err != nil || len(caps) != 2 || caps[1].RateHz != 8192 {
		t.Errorf("--rate over the header: %+v, %v", caps, err)
	}
	if _, err := Read(path, Options{Channel: "ch7"}); err == nil || !strings.Contains(err.Error(), "ch0, ch1") {
		t.Errorf("unknown channel: %v", err)
	}
}

func TestReadWAVBad(t *testing.T) {
	path := filepath.Join("testdata", "wav", "bad_zero_rate.wav")
	_, err := Read(path, Options{RateHz: 1000})
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != path || !strings.Contains(err.Error(), "sample rate 0 Hz") {
		t.Errorf("err = %v, want a *FileError naming %s and the rate", err, path)
	}
}
