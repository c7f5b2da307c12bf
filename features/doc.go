// Package features computes named, unit-carrying values from captures:
// time-domain statistics, spectra and their peaks, and the kinematics of
// the machine (bearing defect frequencies from geometry or orders).
//
// features must not read or write files.
package features
