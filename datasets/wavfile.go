package datasets

import (
	"fmt"

	"github.com/windpm/windpm/datasets/wav"
)

// readWAV reads a WAV capture: one Capture per selected channel, named
// "ch0", "ch1", … in file order, at the header's sample rate. PCM samples
// are full-scale normalised to [-1, 1) and floats kept as stored (see
// package wav); the unit is "" because a WAV file does not state one (a
// manifest's unit column or the assets file supplies it).
func readWAV(path string, opts Options) ([]Capture, error) {
	f, err := wav.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return wavCaptures(path, f, opts)
}

// wavCaptures makes the captures of a decoded WAV file (see readWAV).
func wavCaptures(path string, f *wav.File, opts Options) ([]Capture, error) {
	names := make([]string, f.Channels)
	for i := range names {
		names[i] = fmt.Sprintf("ch%d", i)
	}
	idx, err := SelectChannels(names, opts.Channel)
	if err != nil {
		return nil, err
	}
	caps := make([]Capture, 0, len(idx))
	for _, i := range idx {
		caps = append(caps, Capture{
			Path:    path,
			Channel: names[i],
			Samples: f.Samples[i],
			RateHz:  float64(f.RateHz),
		})
	}
	return caps, nil
}
