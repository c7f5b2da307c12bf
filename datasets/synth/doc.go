// Package synth generates a synthetic wind-turbine fleet with known
// faults: vibration captures, 10-minute SCADA, a manifest, an assets file
// and the ground truth of what it made. Deterministic by seed.
package synth
