// Package scanreport renders the result of a fleet scan (windpm scan) as
// the files a person or a cron job reads: a self-contained HTML page
// (WriteHTML), its Markdown twin without figures (WriteMarkdown) and a
// machine-readable summary.json (WriteSummaryJSON, read back with
// ReadSummaryJSON). docs/report.md documents the files and every JSON
// key.
//
// The scan fills a Report: the header (title, time, folders, counts,
// failed files), the fleet table (one Component per turbine × sensor),
// the alarms with their evidence (indicators, spectral lines, trends,
// spectrum and envelope spectrum) and, when the scan had SCADA, the SCADA
// section (per turbine the power curve, the temperature residual trends
// with their thresholds, the events; scada.go). WritePowerCurvePlot
// draws power curves as a figure file for `windpm scada powercurve`. The
// package only formats; it must not compute features, scores or alarm
// states, and it draws what it is given (thinning long series for the
// figures, never changing a value).
//
// Every file is written atomically (reports/atomicfile) and is a pure
// function of the Report: the same Report gives byte-identical files. In
// the HTML every string of the Report is escaped by html/template, the
// page carries no script and a Content-Security-Policy that forbids one,
// and the figures are inline SVG drawn with gonum/plot.
//
// Screenshot and DumpDOM run a headless Chromium (FindChromium) on a
// written page, for the README's screenshot and for tests that check the
// page renders in a browser.
package scanreport
