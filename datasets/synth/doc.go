// Package synth generates a synthetic wind-turbine fleet with known
// faults: vibration captures, 10-minute SCADA, a manifest, an assets file
// and the ground truth of what it made. Deterministic by seed. It is the
// project's source of test signals with known answers and the data of
// `windpm demo`.
//
// Two levels:
//
//   - Signal fills a buffer with one capture from a SignalSpec (rate,
//     shaft speed with in-capture wander, shaft orders, fixed tones, a gear
//     mesh with an optional damaged tooth, a bearing defect as an impact
//     train through a resonance, white noise). It is pure: tests elsewhere
//     use it to make signals whose spectrum and envelope spectrum are known.
//     CaptureSpec gives the spec the fleet uses for one sensor.
//   - Generate writes a fleet described by a Config (turbines, days, seed,
//     faults that start on a day and grow exponentially, the Drivetrain
//     model) under a folder: fleet/<turbine>/<sensor>/<time>.wav,
//     fleet/manifest.csv, fleet/assets.yaml, scada/<turbine>.csv and
//     truth.json. SCADA returns one turbine's SCADA in memory.
//
// Every random choice comes from a PCG generator keyed by (seed, turbine,
// stream, index), so the output is byte-identical whatever the number of
// workers, and the SCADA of a turbine does not depend on the faults (a
// bearing fault only adds heat to its temperature column). SCADA faults
// (TURBINE/scada/KIND@DAY: a gearbox bearing temperature step or ramp, a
// derating; scadafault.go) change only their turbine's SCADA from their
// onset, which truth.json lists under scada_faults.
//
// The physics follows Randall & Antoni 2011 ("Rolling element bearing
// diagnostics — A tutorial", MSSP 25) for bearings and McFadden & Smith
// 1985 for a local gear-tooth fault; docs/synth.md describes the models,
// the file layout and the ground-truth format.
//
// synth must not compute features; its tests compute spectra only to
// check what it made.
package synth
