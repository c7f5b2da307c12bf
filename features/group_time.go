package features

import "math"

// timeGroup is the time-domain feature group: the statistics of TimeDomain
// on the mean-removed signal (mean is its own column), population moments.
// It needs no scratch, so it allocates nothing. The ratios (crest factor
// to clearance factor) are NaN for a constant signal, where they are 0/0.
type timeGroup struct{}

func newTimeGroup() *timeGroup { return &timeGroup{} }

// timeColumns are the time-domain columns; μ is the mean and N the number
// of samples, every other value is taken on x−μ.
var timeColumns = []Column{
	{"mean", SignalUnit, "arithmetic mean μ = Σx/N"},
	{"std", SignalUnit, "population standard deviation √(Σ(x−μ)²/N)"},
	{"rms", SignalUnit, "RMS of the mean-removed signal √(Σ(x−μ)²/N) (equals std)"},
	{"peak", SignalUnit, "max|x−μ|"},
	{"peak_to_peak", SignalUnit, "max(x) − min(x)"},
	{"crest_factor", "", "peak/rms (√2 for a sine)"},
	{"kurtosis_pearson", "", "Pearson kurtosis m4/m2² with population moments m_k = Σ(x−μ)^k/N (normal = 3, sine = 1.5)"},
	{"skewness", "", "m3/m2^1.5 with population moments (0 for a symmetric signal)"},
	{"shape_factor", "", "rms/mean|x−μ| (π/(2√2) ≈ 1.111 for a sine)"},
	{"impulse_factor", "", "peak/mean|x−μ| (π/2 for a sine)"},
	{"clearance_factor", "", "peak/(mean √|x−μ|)²"},
}

func (g *timeGroup) columns() []Column { return timeColumns }

func (g *timeGroup) compute(dst []float64, in *Input) error {
	s := TimeDomain(in.X)
	copy(dst, []float64{s.Mean, s.Std, s.RMS, s.Peak, s.PeakToPeak, s.Crest,
		s.Kurtosis, s.Skewness, s.Shape, s.Impulse, s.Clearance})
	if s.Std == 0 {
		// The ratios are 0/0 for a constant signal: leave them null.
		for i := 5; i < len(dst); i++ {
			dst[i] = math.NaN()
		}
	}
	return nil
}
