// Package reports writes every output of windpm: tables, plots and
// reports, always atomically (a temporary file in the same folder, then a
// rename) so that no half-written file is ever left behind.
//
// reports must not compute features or scores.
package reports
