package synth

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/windpm/windpm/reports/atomicfile"

	"github.com/windpm/windpm/datasets"
	"github.com/windpm/windpm/datasets/wav"
)

// Config describes a synthetic fleet.
type Config struct {
	// Turbines is the number of turbines, named WT01, WT02, ….
	Turbines int
	// Days is the number of days; day 0 starts at Start.
	Days int
	// Seed makes the fleet: the same Config gives byte-identical files.
	Seed int64
	// Start is the beginning of day 0 (UTC).
	Start time.Time
	// CaptureSeconds, if > 0, sets the length of every capture instead of
	// the sensor models' own lengths.
	CaptureSeconds float64
	// Faults are the faults seeded in the fleet, at most one per sensor.
	Faults []FaultSpec
	// Jobs is the number of captures generated in parallel; 0 means
	// GOMAXPROCS. The output does not depend on it.
	Jobs int
	// Drivetrain is the turbine model.
	Drivetrain Drivetrain
}

// FaultSpec is a fault that starts on a chosen day and grows.
type FaultSpec struct {
	// Turbine and Sensor name where the fault is ("WT01", "gbx_hss").
	Turbine, Sensor string
	// Kind is outer_race, inner_race, ball or gear_tooth.
	Kind FaultKind
	// StartDay is the first day (0-based) the fault is present.
	StartDay int
	// InitialSeverity is the severity on StartDay and FinalSeverity on the
	// last day; in between it grows exponentially. Severity 1 is a fully
	// developed fault (the sensor model's ImpulseG or ToothDamageMax).
	InitialSeverity, FinalSeverity float64
}

// growthPerDay returns the exponential growth rate k (1/day) of the
// severity s(d) = s0·exp(k·(d − start)) that reaches FinalSeverity on the
// last day.
func (f *FaultSpec) growthPerDay(days int) float64 {
	span := float64(days - 1 - f.StartDay)
	if span <= 0 || f.InitialSeverity <= 0 {
		return 0
	}
	return math.Log(f.FinalSeverity/f.InitialSeverity) / span
}

// severityAt returns the severity at (possibly fractional) day d: 0 before
// StartDay, then s0·exp(k·(d − StartDay)), capped at FinalSeverity.
func (f *FaultSpec) severityAt(d float64, days int) float64 {
	if d < float64(f.StartDay) {
		return 0
	}
	if days-1 <= f.StartDay {
		return f.FinalSeverity
	}
	s := f.InitialSeverity * math.Exp(f.growthPerDay(days)*(d-float64(f.StartDay)))
	return math.Min(s, f.FinalSeverity)
}

// ParseFaultSpec parses a fault written as TURBINE/SENSOR/KIND@DAY
// ("WT01/gbx_hss/outer_race@30"), with severities 0.05 → 1, or a SCADA
// fault as TURBINE/scada/KIND@DAY ("WT03/scada/gearbox_temp_step@20";
// SCADAFaultKinds).
func ParseFaultSpec(s string) (FaultSpec, error) {
	body, day, ok := strings.Cut(s, "@")
	parts := strings.Split(body, "/")
	if !ok || len(parts) != 3 {
		return FaultSpec{}, fmt.Errorf("fault %q: want TURBINE/SENSOR/KIND@DAY, e.g. WT01/gbx_hss/outer_race@30", s)
	}
	d, err := strconv.Atoi(day)
	if err != nil {
		return FaultSpec{}, fmt.Errorf("fault %q: day %q is not an integer", s, day)
	}
	return FaultSpec{Turbine: parts[0], Sensor: parts[1], Kind: FaultKind(parts[2]), StartDay: d,
		InitialSeverity: 0.05, FinalSeverity: 1}, nil
}

// String returns f in the form ParseFaultSpec reads.
func (f FaultSpec) String() string {
	return fmt.Sprintf("%s/%s/%s@%d", f.Turbine, f.Sensor, f.Kind, f.StartDay)
}

// TurbineID returns the name of turbine index i (0-based): WT01, WT02, ….
func TurbineID(i int) string { return fmt.Sprintf("WT%02d", i+1) }

// DefaultStart is day 0 of the default configurations.
var DefaultStart = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)

// DefaultFaults returns the faults of the default fleets: an outer-race
// fault on WT01's gearbox high-speed bearing from the middle day, and a
// damaged tooth on WT02's high-speed pinion from a third of the way (when
// there is a WT02); the other turbines are healthy.
func DefaultFaults(turbines, days int) []FaultSpec {
	f := []FaultSpec{{Turbine: TurbineID(0), Sensor: "gbx_hss", Kind: OuterRace, StartDay: days / 2, InitialSeverity: 0.05, FinalSeverity: 1}}
	if turbines > 1 {
		f = append(f, FaultSpec{Turbine: TurbineID(1), Sensor: "gbx_hss", Kind: GearTooth, StartDay: days / 3, InitialSeverity: 0.05, FinalSeverity: 1})
	}
	return f
}

// DefaultConfig returns the configuration of `windpm synth`: 3 turbines,
// 7 days, seed 1, the default drivetrain and DefaultFaults.
func DefaultConfig() Config {
	return Config{
		Turbines: 3, Days: 7, Seed: 1, Start: DefaultStart,
		Faults: DefaultFaults(3, 7), Drivetrain: DefaultDrivetrain(),
	}
}

// DemoConfig returns the fleet of `windpm demo`: 6 turbines × 3 sensors
// × 60 days, one capture per sensor per day, an outer-race fault growing
// on WT01's gearbox bearing from day 30 and a gear tooth fault on WT02
// from day 20.
func DemoConfig() Config {
	c := DefaultConfig()
	c.Turbines, c.Days = 6, 60
	c.Faults = DefaultFaults(6, 60)
	return c
}

// Validate checks the configuration: counts in range, a valid drivetrain,
// and faults on existing turbines and sensors with known kinds, start
// days within the fleet and 0 < initial <= final severity.
func (c *Config) Validate() error {
	if c.Turbines < 1 || c.Turbines > 999 {
		return fmt.Errorf("synth: turbines %d must be in [1, 999]", c.Turbines)
	}
	if c.Days < 1 || c.Days > 3660 {
		return fmt.Errorf("synth: days %d must be in [1, 3660]", c.Days)
	}
	if c.CaptureSeconds < 0 || c.CaptureSeconds > 600 || math.IsNaN(c.CaptureSeconds) {
		return fmt.Errorf("synth: capture length %g s must be in [0, 600]", c.CaptureSeconds)
	}
	if c.Jobs < 0 {
		return fmt.Errorf("synth: jobs %d must be >= 0", c.Jobs)
	}
	if err := c.Drivetrain.validate(); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	seen := map[string]bool{}
	for _, f := range c.Faults {
		ti := -1
		for i := 0; i < c.Turbines; i++ {
			if TurbineID(i) == f.Turbine {
				ti = i
			}
		}
		if ti < 0 {
			return fmt.Errorf("synth: fault %s: no turbine %s (have %s…%s)", f, f.Turbine, TurbineID(0), TurbineID(c.Turbines-1))
		}
		if f.Kind.IsSCADA() || f.Sensor == SCADASensor {
			if !f.Kind.IsSCADA() || f.Sensor != SCADASensor {
				return fmt.Errorf("synth: fault %s: the SCADA faults (%s, %s, %s) are TURBINE/%s/KIND@DAY", f, GearboxTempStep, GearboxTempRamp, Derate, SCADASensor)
			}
			if f.StartDay < 0 || f.StartDay >= c.Days {
				return fmt.Errorf("synth: fault %s: start day %d outside [0, %d)", f, f.StartDay, c.Days)
			}
			key := f.Turbine + "/" + f.Sensor
			if seen[key] {
				return fmt.Errorf("synth: more than one SCADA fault on %s", f.Turbine)
			}
			seen[key] = true
			continue
		}
		s := c.Drivetrain.Sensor(f.Sensor)
		if s == nil {
			return fmt.Errorf("synth: fault %s: no sensor %s", f, f.Sensor)
		}
		switch {
		case f.Kind.IsBearing():
		case f.Kind == GearTooth:
			if s.GearTeeth == 0 {
				return fmt.Errorf("synth: fault %s: sensor %s sees no gear", f, f.Sensor)
			}
		default:
			return fmt.Errorf("synth: fault %s: unknown kind %q (known: outer_race, inner_race, ball, gear_tooth; on TURBINE/scada: gearbox_temp_step, gearbox_temp_ramp, derate)", f, f.Kind)
		}
		if f.StartDay < 0 || f.StartDay >= c.Days {
			return fmt.Errorf("synth: fault %s: start day %d outside [0, %d)", f, f.StartDay, c.Days)
		}
		if !(f.InitialSeverity > 0 && f.InitialSeverity <= f.FinalSeverity && f.FinalSeverity <= 100) {
			return fmt.Errorf("synth: fault %s: want 0 < initial severity <= final severity <= 100", f)
		}
		key := f.Turbine + "/" + f.Sensor
		if seen[key] {
			return fmt.Errorf("synth: more than one fault on %s", key)
		}
		seen[key] = true
	}
	return nil
}

// Truth is the ground truth of a synthetic fleet, written as truth.json.
type Truth struct {
	Generator string        `json:"generator"`
	Seed      int64         `json:"seed"`
	Start     time.Time     `json:"start"`
	Days      int           `json:"days"`
	Turbines  []string      `json:"turbines"`
	Sensors   []TruthSensor `json:"sensors"`
	// Captures and SCADARows count what was written.
	Captures  int `json:"captures"`
	SCADARows int `json:"scada_rows"`
	// Faults lists every seeded vibration fault; a turbine/sensor not
	// listed is healthy.
	Faults []TruthFault `json:"faults"`
	// SCADAFaults lists the faults seeded in the SCADA alone (steps and
	// ramps of the gearbox bearing temperature, deratings), with their
	// onsets; omitted when there are none.
	SCADAFaults []TruthSCADAFault `json:"scada_faults,omitempty"`
}

// TruthSensor describes a sensor of every turbine: its reference shaft
// and kinematics.
type TruthSensor struct {
	ID           string  `json:"id"`
	Shaft        string  `json:"shaft"`
	RatioToRotor float64 `json:"ratio_to_rotor"`
	RateHz       int     `json:"sample_rate_hz"`
	Seconds      float64 `json:"seconds"`
	BPFO         float64 `json:"bpfo"`
	BPFI         float64 `json:"bpfi"`
	BSF          float64 `json:"bsf"`
	FTF          float64 `json:"ftf"`
	GearTeeth    int     `json:"gear_teeth,omitempty"`
	ResonanceHz  float64 `json:"resonance_hz"`
}

// TruthFault is one seeded fault and its severity in every capture.
type TruthFault struct {
	Turbine string    `json:"turbine"`
	Sensor  string    `json:"sensor"`
	Kind    FaultKind `json:"kind"`
	// StartDay and StartTime give when the fault appears.
	StartDay  int       `json:"start_day"`
	StartTime time.Time `json:"start_time"`
	// Severity grows as InitialSeverity·exp(GrowthPerDay·(day − StartDay)).
	InitialSeverity float64 `json:"initial_severity"`
	FinalSeverity   float64 `json:"final_severity"`
	GrowthPerDay    float64 `json:"growth_per_day"`
	// Order is the fault frequency as a multiple of the reference shaft
	// speed: BPFO, BPFI or 2×BSF for bearings (impacts per revolution),
	// the tooth count (mesh order, with sidebands at ±1×) for gear_tooth.
	Order float64 `json:"order"`
	// NominalRPM is the reference shaft speed at rated rotor speed and
	// FrequencyHz = Order × NominalRPM/60.
	NominalRPM  float64 `json:"nominal_rpm"`
	FrequencyHz float64 `json:"frequency_hz"`
	// Captures lists every capture of the sensor from StartDay on.
	Captures []TruthCapture `json:"captures"`
}

// TruthCapture is the fault's state in one capture.
type TruthCapture struct {
	Day         int       `json:"day"`
	Time        time.Time `json:"time"`
	Path        string    `json:"path"`
	RPM         float64   `json:"rpm"`
	FrequencyHz float64   `json:"frequency_hz"`
	Severity    float64   `json:"severity"`
}

// RNG streams: every random sequence is keyed by (seed, turbine, stream,
// index) so that nothing depends on the order of generation.
const (
	streamSCADA      = 1
	streamCapture    = 2
	streamSCADAFault = 3
)

// newRNG returns a PCG generator keyed by (seed, turbine, stream, index)
// through the SplitMix64 finaliser.
func newRNG(seed int64, turbine, stream, index int) *rand.Rand {
	h := uint64(seed)
	for _, v := range []int{turbine, stream, index} {
		h = splitmix(h ^ splitmix(uint64(int64(v))+0x9e3779b97f4a7c15))
	}
	return rand.New(rand.NewPCG(h, splitmix(h)))
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// captureTask is one capture to make.
type captureTask struct {
	turbine, sensor, day int
	time                 time.Time
	rotorRPM             float64
	rel                  string // path relative to the fleet folder
}

// manifestHeader is the manifest's header row.
var manifestHeader = []string{"path", "sample_rate_hz", "rpm", "unit", "turbine", "sensor", "time", "bearing", "label", "day", "fault", "severity", "component", "shaft"}

// captureSlot is the first SCADA interval of day d from 02:00 in which the
// turbine runs (the condition monitoring system waits for production), or
// 02:00 if it does not run that day.
func captureSlot(rows []SCADARow, d int) int {
	perDay := int(24 * time.Hour / SCADAInterval)
	first := d*perDay + 12
	for i := first; i < (d+1)*perDay; i++ {
		if rows[i].Status == StatusRun {
			return i
		}
	}
	return first
}

// Generate writes the fleet cfg describes under outDir:
//
//	fleet/<turbine>/<sensor>/<YYYYMMDDTHHMMSSZ>.wav   captures, float32, g
//	fleet/manifest.csv                               capture manifest
//	fleet/assets.yaml                                assets file
//	scada/<turbine>.csv                              10-minute SCADA
//	truth.json                                       ground truth
//
// Captures are made by cfg.Jobs workers, each from its own generator
// keyed by (seed, turbine, sensor, day), so the files do not depend on the
// number of workers. Every file is written atomically (temporary file,
// then rename); a manifest and truth left by an earlier run are removed
// first and written again last, so an interrupted run (ctx cancelled)
// leaves complete captures but no manifest. progress, if not
// nil, is called from one goroutine after each capture.
func Generate(ctx context.Context, cfg Config, outDir string, progress func(done, total int)) (*Truth, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart
	}
	cfg.Start = cfg.Start.UTC()
	d := &cfg.Drivetrain
	fleetDir := filepath.Join(outDir, "fleet")
	scadaDir := filepath.Join(outDir, "scada")
	if err := os.MkdirAll(scadaDir, 0o755); err != nil {
		return nil, err
	}
	// A manifest or truth from an earlier run would describe files this
	// run may not finish: remove them first, write them again last.
	for _, p := range []string{filepath.Join(fleetDir, "manifest.csv"), filepath.Join(outDir, "truth.json")} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}

	truth := &Truth{Generator: "windpm synth 1", Seed: cfg.Seed, Start: cfg.Start, Days: cfg.Days}
	for _, s := range d.Sensors {
		bpfo, bpfi, bsf, ftf := s.Bearing.Orders()
		truth.Sensors = append(truth.Sensors, TruthSensor{ID: s.ID, Shaft: s.Shaft, RatioToRotor: s.RatioToRotor,
			RateHz: s.RateHz, Seconds: cfg.seconds(&s), BPFO: bpfo, BPFI: bpfi, BSF: bsf, FTF: ftf,
			GearTeeth: s.GearTeeth, ResonanceHz: s.Bearing.ResonanceHz})
	}

	// SCADA first: the captures take their speed from it.
	var tasks []captureTask
	for ti := 0; ti < cfg.Turbines; ti++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tid := TurbineID(ti)
		truth.Turbines = append(truth.Turbines, tid)
		rows := scada(&cfg, ti)
		if err := writeSCADA(filepath.Join(scadaDir, tid+".csv"), rows); err != nil {
			return nil, err
		}
		truth.SCADARows += len(rows)
		for si, s := range d.Sensors {
			if err := os.MkdirAll(filepath.Join(fleetDir, tid, s.ID), 0o755); err != nil {
				return nil, err
			}
			for day := 0; day < cfg.Days; day++ {
				slot := captureSlot(rows, day)
				t := rows[slot].Time.Add(time.Duration(si) * time.Minute)
				rel := filepath.ToSlash(filepath.Join(tid, s.ID, t.Format("20060102T150405Z")+".wav"))
				tasks = append(tasks, captureTask{turbine: ti, sensor: si, day: day, time: t, rotorRPM: rows[slot].RotorRPM, rel: rel})
			}
		}
	}

	if err := runCaptures(ctx, &cfg, fleetDir, tasks, progress); err != nil {
		return nil, err
	}
	truth.Captures = len(tasks)

	// Manifest and truth, in task order.
	var mbuf bytes.Buffer
	mw := csv.NewWriter(&mbuf)
	mw.Write(manifestHeader)
	faultOf := func(ti, si int) *FaultSpec {
		for i := range cfg.Faults {
			f := &cfg.Faults[i]
			if f.Turbine == TurbineID(ti) && f.Sensor == d.Sensors[si].ID {
				return f
			}
		}
		return nil
	}
	truthIdx := map[*FaultSpec]int{}
	for i := range cfg.Faults {
		f := &cfg.Faults[i]
		if f.Kind.IsSCADA() {
			truth.SCADAFaults = append(truth.SCADAFaults, f.truthSCADA(&cfg))
			continue
		}
		s := d.Sensor(f.Sensor)
		order := f.order(s)
		nominal := d.RatedRotorRPM * s.RatioToRotor
		truthIdx[f] = len(truth.Faults)
		truth.Faults = append(truth.Faults, TruthFault{
			Turbine: f.Turbine, Sensor: f.Sensor, Kind: f.Kind, StartDay: f.StartDay,
			StartTime:       cfg.Start.AddDate(0, 0, f.StartDay),
			InitialSeverity: f.InitialSeverity, FinalSeverity: f.FinalSeverity, GrowthPerDay: f.growthPerDay(cfg.Days),
			Order: order, NominalRPM: nominal, FrequencyHz: order * nominal / 60,
			Captures: []TruthCapture{},
		})
	}
	for _, tk := range tasks {
		s := &d.Sensors[tk.sensor]
		rpm := round(tk.rotorRPM*s.RatioToRotor, 3)
		label, fault, sev := string(Healthy), "none", 0.0
		if f := faultOf(tk.turbine, tk.sensor); f != nil {
			fault = string(f.Kind)
			sev = f.severityAt(float64(tk.day), cfg.Days)
			if sev > 0 {
				label = string(f.Kind)
				tf := &truth.Faults[truthIdx[f]]
				tf.Captures = append(tf.Captures, TruthCapture{Day: tk.day, Time: tk.time, Path: "fleet/" + tk.rel,
					RPM: rpm, FrequencyHz: tf.Order * rpm / 60, Severity: sev})
			}
		}
		mw.Write([]string{tk.rel, strconv.Itoa(s.RateHz), strconv.FormatFloat(rpm, 'f', -1, 64), "g",
			TurbineID(tk.turbine), s.ID, tk.time.Format(time.RFC3339), "", label, strconv.Itoa(tk.day),
			fault, strconv.FormatFloat(sev, 'f', 6, 64), s.Component, s.Shaft})
	}
	mw.Flush()
	if err := mw.Error(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := datasets.WriteAssets(filepath.Join(fleetDir, "assets.yaml"), cfg.assets()); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(fleetDir, "manifest.csv"), mbuf.Bytes()); err != nil {
		return nil, err
	}
	tj, err := json.MarshalIndent(truth, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(outDir, "truth.json"), append(tj, '\n')); err != nil {
		return nil, err
	}
	return truth, nil
}

// order returns the fault's order on sensor s (see TruthFault.Order).
func (f *FaultSpec) order(s *SensorModel) float64 {
	if f.Kind == GearTooth {
		return float64(s.GearTeeth)
	}
	bpfo, bpfi, bsf, ftf := s.Bearing.Orders()
	return (&BearingSpec{Kind: f.Kind, BPFO: bpfo, BPFI: bpfi, BSF: bsf, FTF: ftf}).Order()
}

// seconds returns the capture length of sensor s.
func (c *Config) seconds(s *SensorModel) float64 {
	if c.CaptureSeconds > 0 {
		return c.CaptureSeconds
	}
	return s.Seconds
}

// CaptureSpec returns the SignalSpec of sensor s at reference-shaft speed
// shaftHz with a fault of kind at severity (Healthy or severity 0 for
// none): the content the fleet generator puts into that capture.
func CaptureSpec(s *SensorModel, shaftHz float64, kind FaultKind, severity float64) SignalSpec {
	spec := SignalSpec{
		RateHz: float64(s.RateHz), ShaftHz: shaftHz, SpeedWander: s.SpeedWander,
		Harmonics: s.Harmonics, Tones: s.Tones, NoiseG: s.NoiseG,
	}
	if s.GearTeeth > 0 {
		g := &GearSpec{Teeth: s.GearTeeth, MeshG: s.MeshG, Eccentricity: s.Eccentricity}
		if kind == GearTooth {
			g.ToothDamage = severity * s.ToothDamageMax
		}
		spec.Gear = g
	}
	if kind.IsBearing() && severity > 0 {
		b := s.Bearing
		bpfo, bpfi, bsf, ftf := b.Orders()
		spec.Bearing = &BearingSpec{Kind: kind, BPFO: bpfo, BPFI: bpfi, BSF: bsf, FTF: ftf,
			ImpulseG: severity * b.ImpulseG, ResonanceHz: b.ResonanceHz, Damping: b.Damping,
			Slip: b.Slip, LoadModulation: b.LoadModulation}
	}
	return spec
}

func runCaptures(ctx context.Context, cfg *Config, fleetDir string, tasks []captureTask, progress func(done, total int)) error {
	jobs := cfg.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	done := make(chan struct{}, len(tasks))
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []float64
			for i := range next {
				if ctx.Err() != nil {
					continue
				}
				if err := makeCapture(cfg, fleetDir, &tasks[i], &buf); err != nil {
					fail(err)
					continue
				}
				done <- struct{}{}
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range tasks {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(done) }()
	n := 0
	for range done {
		n++
		if progress != nil {
			progress(n, len(tasks))
		}
	}
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if n != len(tasks) {
		return errors.New("synth: not every capture was made")
	}
	return nil
}

func makeCapture(cfg *Config, fleetDir string, tk *captureTask, buf *[]float64) error {
	d := &cfg.Drivetrain
	s := &d.Sensors[tk.sensor]
	kind, sev := Healthy, 0.0
	for i := range cfg.Faults {
		f := &cfg.Faults[i]
		if f.Turbine == TurbineID(tk.turbine) && f.Sensor == s.ID {
			kind, sev = f.Kind, f.severityAt(float64(tk.day), cfg.Days)
		}
	}
	n := int(math.Round(cfg.seconds(s) * float64(s.RateHz)))
	if cap(*buf) < n {
		*buf = make([]float64, n)
	}
	x := (*buf)[:n]
	shaftHz := round(tk.rotorRPM*s.RatioToRotor, 3) / 60
	rng := newRNG(cfg.Seed, tk.turbine, streamCapture, tk.sensor*100000+tk.day)
	if _, err := Signal(x, CaptureSpec(s, shaftHz, kind, sev), rng); err != nil {
		return fmt.Errorf("%s: %w", tk.rel, err)
	}
	// Encode in memory and rename into place without fsync: a synthetic
	// fleet can be made again, and a thousand fsyncs would dominate the
	// run time. The rename still means no half-written capture is seen.
	var b bytes.Buffer
	b.Grow(64 + 4*n)
	if err := wav.Write(&b, s.RateHz, wav.Float32, x); err != nil {
		return fmt.Errorf("%s: %w", tk.rel, err)
	}
	return writeFileAtomic(filepath.Join(fleetDir, filepath.FromSlash(tk.rel)), b.Bytes())
}

func writeSCADA(path string, rows []SCADARow) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(SCADAHeader)
	for i := range rows {
		w.Write(rows[i].record())
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// assets returns the assets file of the fleet.
func (c *Config) assets() *datasets.Assets {
	d := &c.Drivetrain
	a := &datasets.Assets{Version: datasets.AssetsVersion, Site: fmt.Sprintf("synthetic fleet, seed %d", c.Seed)}
	for ti := 0; ti < c.Turbines; ti++ {
		t := datasets.Turbine{ID: TurbineID(ti), Model: d.Model}
		for _, s := range d.Sensors {
			bpfo, bpfi, bsf, ftf := s.Bearing.Orders()
			as := datasets.Sensor{
				ID: s.ID, Component: s.Component, ISOGroup: s.ISOGroup, Unit: "g",
				Shaft: datasets.Shaft{Name: s.Shaft, RatioToRotor: s.RatioToRotor},
				Bearing: &datasets.BearingRef{Name: s.Bearing.Name, Orders: &datasets.BearingOrders{
					BPFO: round(bpfo, 6), BPFI: round(bpfi, 6), BSF: round(bsf, 6), FTF: round(ftf, 6)}},
			}
			if s.GearTeeth > 0 {
				as.Gear = &datasets.Gear{Teeth: s.GearTeeth, Ratio: s.GearStageRatio}
			}
			t.Sensors = append(t.Sensors, as)
		}
		a.Turbines = append(a.Turbines, t)
	}
	return a
}

// writeFileAtomic writes data to path atomically but without a sync to
// disk: a fleet is made again in seconds, and a thousand syncs would
// dominate the run (see atomicfile.WriteUnsynced).
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.WriteUnsynced(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
