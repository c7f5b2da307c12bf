// Package features computes named, unit-carrying values from captures:
// time-domain statistics, spectra and their peaks, and the kinematics of
// the machine (bearing defect frequencies from geometry or orders): the
// feature set (Extractor and its groups), physics diagnosis (Diagnoser),
// the kinematic lines a spectrum shows (Spectrum.LinesAbove, the evidence
// of a scan's alarms), and SCADA derived quantities (air density,
// density-normalised wind speed).
//
// features must not read or write files.
package features
