// Package powercurve judges 10-minute SCADA against each turbine's own
// power curve, IEC 61400-12-1 style: it sets the quality flags of every
// row (out of range, frozen, downtime, curtailment or derating, icing-like;
// flags, never deletions), fits the measured power curve by the method of
// bins on density-normalised wind speed over the clean rows, and gives per
// row the expected power, the residual and the lost energy.
//
// Main entry: Analyse(table, Options) → Result (one Turbine summary with
// its Curve per turbine, one RowResult per table row). The physics (air
// density, normalisation, bins, physical limits, frozen runs) is in
// package features; the reading of exports in datasets/scada.
//
// powercurve must not read or write files.
package powercurve
