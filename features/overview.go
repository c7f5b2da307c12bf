package features

// Overview is the first look at one capture that `windpm inspect` prints:
// its time-domain statistics and the largest lines of its spectrum.
type Overview struct {
	Stats TimeStats
	// Peaks are the largest lines of the Hann-windowed amplitude spectrum
	// of the whole record above 1 Hz, largest first, in the capture's unit.
	Peaks []SpectralPeak
}

// Inspect returns the overview of x sampled at rateHz with its k largest
// spectral peaks.
func Inspect(x []float64, rateHz float64, k int) (Overview, error) {
	ov := Overview{Stats: TimeDomain(x)}
	if len(x) < 16 {
		return ov, nil
	}
	s, err := ComputeSpectrum(x, rateHz, SpectrumOptions{})
	if err != nil {
		return ov, err
	}
	ov.Peaks = s.Peaks(k, 1, 0)
	return ov, nil
}
