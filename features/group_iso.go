package features

import (
	"math"
	"strings"

	"github.com/windpm/windpm/fft"
)

// isoBand is one band-limited r.m.s. quantity of the ISO group.
type isoBand struct {
	col      Column
	loHz     float64
	hiHz     float64
	velocity bool // velocity (mm/s) rather than acceleration (m/s²)
}

// isoBands are the broadband quantities of VDI 3834-1:2009 / ISO
// 10816-21:2015 Annex A for the four component groups (see isoZoneTable).
var isoBands = []isoBand{
	{Column{"velocity_rms_10_1000_hz_mm_s", "mm/s", "r.m.s. velocity 10–1000 Hz: Parseval sum over FFT bins 10 Hz ≤ f_k ≤ 1000 Hz of the whole mean-removed capture, acceleration bins divided by 2πf_k (ISO 20816-21 / VDI 3834-1 main bearing, gearbox, generator)"}, 10, 1000, true},
	{Column{"velocity_rms_0p1_10_hz_mm_s", "mm/s", "r.m.s. velocity 0.1–10 Hz, as velocity_rms_10_1000_hz_mm_s (VDI 3834-1 nacelle and tower); null for captures shorter than 10 s"}, 0.1, 10, true},
	{Column{"acceleration_rms_0p1_10_hz_m_s2", "m/s2", "r.m.s. acceleration 0.1–10 Hz: Parseval sum over FFT bins 0.1 Hz ≤ f_k ≤ 10 Hz (VDI 3834-1 nacelle/tower, main bearing, gearbox); null for captures shorter than 10 s"}, 0.1, 10, false},
	{Column{"acceleration_rms_10_2000_hz_m_s2", "m/s2", "r.m.s. acceleration 10–2000 Hz: Parseval sum over FFT bins 10 Hz ≤ f_k ≤ 2000 Hz (VDI 3834-1 gearbox)"}, 10, 2000, false},
	{Column{"acceleration_rms_10_5000_hz_m_s2", "m/s2", "r.m.s. acceleration 10–5000 Hz: Parseval sum over FFT bins 10 Hz ≤ f_k ≤ 5000 Hz (VDI 3834-1 generator)"}, 10, 5000, false},
}

// isoGroup computes the broadband evaluation quantities of ISO 20816-21 /
// VDI 3834-1 and the evaluation zone of the sensor's component group.
//
// Band r.m.s. values come from one FFT of the whole mean-removed capture
// (rectangular window, no averaging): with X = rfft(x−μ) of n samples at
// rate fs, f_k = k·fs/n and c_k = 2 for 0 < k < n/2 (1 at DC and Nyquist),
//
//	a_rms² = Σ_{lo ≤ f_k ≤ hi} c_k·|X_k|²/n²                 (Parseval)
//	v_rms² = Σ_{lo ≤ f_k ≤ hi} c_k·|X_k|²/(n·2πf_k)²         (v = a/(i·2πf))
//
// that is an ideal rectangular band-pass with integration in the frequency
// domain. Captures in g are converted with StandardGravity, velocities to
// mm/s; a capture in mm/s gives the velocities directly and no
// accelerations; a capture of unknown unit gives nothing. A band is null
// when hi is above Nyquist or lo below the resolution fs/n (the capture is
// shorter than 1/lo). The zone columns follow isoZoneTable. The group
// keeps its FFT plan and buffers for the last capture length.
type isoGroup struct {
	plan *fft.Plan
	buf  []float64
	spec []complex128
	vals map[string]float64
}

func newISOGroup() *isoGroup { return &isoGroup{vals: make(map[string]float64, len(isoBands))} }

var isoColumns = func() []Column {
	var cols []Column
	for _, b := range isoBands {
		cols = append(cols, b.col)
	}
	return append(cols,
		Column{"iso_zone_velocity", "", "evaluation zone of the group's velocity quantity (2 = A/B, 3 = C, 4 = D; VDI 3834-1:2009 boundaries, see docs/features.md); null without iso_group"},
		Column{"iso_zone", "", "worst evaluation zone over every quantity of the sensor's ISO group that the capture allows (2 = A/B, 3 = C, 4 = D); null without iso_group"},
	)
}()

func (g *isoGroup) columns() []Column { return isoColumns }

func (g *isoGroup) compute(dst []float64, in *Input) error {
	var scale float64 // to m/s² (acceleration input) or mm/s (velocity input)
	velocityIn := false
	switch in.Unit {
	case "g":
		scale = StandardGravity
	case "m/s2":
		scale = 1
	case "mm/s":
		scale, velocityIn = 1, true
	default:
		return nil
	}
	n := len(in.X)
	if g.plan == nil || g.plan.Len() != n {
		g.plan = fft.NewPlan(n)
		g.buf = make([]float64, n)
		g.spec = make([]complex128, n/2+1)
	}
	centreInto(g.buf, in.X)
	g.plan.Forward(g.spec, g.buf)
	binHz := in.RateHz / float64(n)
	clear(g.vals)
	for i, b := range isoBands {
		dst[i] = math.NaN()
		if b.hiHz > in.RateHz/2 || b.loHz < binHz || (velocityIn && !b.velocity) {
			continue
		}
		var ms float64
		for k := range g.spec {
			f := float64(k) * in.RateHz / float64(n) // fft.BinFrequency
			if f < b.loHz {
				continue
			}
			if f > b.hiHz {
				break
			}
			c := 2.0
			if k == 0 || 2*k == n {
				c = 1
			}
			p := c * (real(g.spec[k])*real(g.spec[k]) + imag(g.spec[k])*imag(g.spec[k]))
			if b.velocity && !velocityIn {
				w := 2 * math.Pi * f
				p /= w * w
			}
			ms += p
		}
		rms := math.Sqrt(ms) / float64(n) * scale
		if b.velocity && !velocityIn {
			rms *= 1000 // m/s → mm/s
		}
		dst[i] = rms
		g.vals[b.col.Name] = rms
	}
	zv, zall := math.NaN(), math.NaN()
	for _, q := range ISOZoneBoundaries(in.Kin.ISOGroup) {
		v, ok := g.vals[q.Column]
		if !ok {
			continue
		}
		z := ISOZone(v, q.BC, q.CD)
		if strings.HasPrefix(q.Column, "velocity") {
			zv = z
		}
		if math.IsNaN(zall) || z > zall {
			zall = z
		}
	}
	dst[len(isoBands)] = zv
	dst[len(isoBands)+1] = zall
	return nil
}
