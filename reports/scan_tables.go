package reports

import "io"

// The scores and alarms tables of a scan (see docs/schema.md). Both are
// written whole by every scan that changes anything, through
// RecordWriter, and are functions of the features table and the scan's
// settings only: a scan killed and re-run writes them identical to an
// uninterrupted one.

// ScanTablesVersion is the schema version of the scores and alarms
// tables.
const ScanTablesVersion = 1

// ScoresDoc and AlarmsDoc say what a row of each table is.
const (
	ScoresDoc = "One row per capture of a scan: robust z-scores of the key indicators against the sensor's baseline for its operating class, the multivariate score, the ISO zone and the severity."
	AlarmsDoc = "One row per alarm of a scan, open or closed: when it opened, escalated and closed, and its evidence."
)

// ScoresColumns returns the columns of the scores table: keys, the
// operating class and baseline used, one z_<name> per indicator (in
// order, with its unit for the doc), then the summary scores.
func ScoresColumns(indicators []string) []TableColumn {
	cols := []TableColumn{
		{Name: "turbine", Type: "string", Dictionary: true, Role: RoleKey, Doc: "Turbine id."},
		{Name: "sensor", Type: "string", Dictionary: true, Role: RoleKey, Doc: "Sensor id."},
		{Name: "time", Type: "timestamp[us, UTC]", Role: RoleKey, Doc: "Start time of the capture (UTC)."},
		{Name: "path", Type: "string", Role: RoleKey, Doc: "Capture file, relative to the fleet folder."},
		{Name: "component", Type: "string", Dictionary: true, Nullable: true, Role: "score", Doc: "Component the sensor watches (assets file); alarms are per turbine and component; null when the assets file does not say."},
		{Name: "operating_class", Type: "string", Dictionary: true, Role: "score", Doc: "Operating class of the capture: a bin of its shaft speed (rpm), or with --scada of the SCADA active power at capture time (kW), at the reference period's quantiles; 'all' when the operating point is unknown or classes are off."},
		{Name: "operating_point", Type: "double", Nullable: true, Role: "score", Doc: "The capture's operating point: its shaft speed in rpm, or with --scada the mean active power in kW of the SCADA 10-minute row holding its start; null when unknown."},
		{Name: "baseline_class", Type: "string", Dictionary: true, Role: "score", Doc: "Class whose baseline scored the capture: its own class, or 'all' (pooled) when its class had too few reference captures."},
		{Name: "baseline_captures", Type: "int32", Role: "score", Doc: "Reference captures behind that baseline; 0 when the sensor has too few for any baseline yet (then every score is null and the severity ok)."},
		{Name: "in_reference", Type: "boolean", Role: "score", Doc: "Whether the capture lies in the sensor's reference period (it teaches the baseline and raises nothing)."},
	}
	for _, name := range indicators {
		cols = append(cols, TableColumn{Name: "z_" + name, Type: "double", Nullable: true, Role: "score",
			Doc: "Robust z-score of " + name + ": (value − baseline median) / robust scale (1.4826 × MAD, floored, see docs/scan.md); null when the capture or the baseline lacks it."})
	}
	return append(cols,
		TableColumn{Name: "max_z", Type: "double", Nullable: true, Role: "score", Doc: "Largest z over the indicators (rises only count)."},
		TableColumn{Name: "max_z_indicator", Type: "string", Nullable: true, Role: "score", Doc: "Indicator of max_z."},
		TableColumn{Name: "mahalanobis_d2", Type: "double", Nullable: true, Role: "score", Doc: "Squared Mahalanobis distance of the standardised indicators from the baseline (Ledoit–Wolf shrunk covariance); null without enough reference captures."},
		TableColumn{Name: "mahalanobis_limit", Type: "double", Nullable: true, Role: "score", Doc: "Its limit: Hotelling's T² prediction limit at α = 1e-4."},
		TableColumn{Name: "iso_zone", Type: "string", Nullable: true, Role: "score", Doc: "ISO 20816-21 evaluation zone of the capture (A/B, C, D); null without an ISO group."},
		TableColumn{Name: "severity", Type: "string", Dictionary: true, Role: "score", Doc: "Instantaneous grade of the capture: ok, watch, warning or alarm (the worst of the z grade, the zone grade and the multivariate grade)."},
		TableColumn{Name: "raised", Type: "string", Dictionary: true, Role: "score", Doc: "Severity raised on the component after this capture by the persistence rule (k of the last n captures)."},
		TableColumn{Name: "predicted_class", Type: "string", Nullable: true, Role: "score", Doc: "The classifier's verdict on the capture (scan --model); null without a model or when the capture's unit does not fit it."},
		TableColumn{Name: "predicted_probability", Type: "double", Nullable: true, Role: "score", Doc: "The classifier's probability of predicted_class."},
	)
}

// AlarmsColumns returns the columns of the alarms table.
func AlarmsColumns() []TableColumn {
	return []TableColumn{
		{Name: "alarm_id", Type: "string", Role: RoleKey, Doc: "Alarm id: turbine/component/opening time."},
		{Name: "turbine", Type: "string", Dictionary: true, Role: RoleKey, Doc: "Turbine id."},
		{Name: "component", Type: "string", Dictionary: true, Role: RoleKey, Doc: "Component (assets file), or the sensor id when the assets file does not say."},
		{Name: "opened", Type: "timestamp[us, UTC]", Role: RoleKey, Doc: "Time of the capture that raised the alarm."},
		{Name: "closed", Type: "timestamp[us, UTC]", Nullable: true, Role: RoleKey, Doc: "Time of the capture that closed it; null while open."},
		{Name: "severity", Type: "string", Dictionary: true, Role: "alarm", Doc: "Highest severity raised: watch, warning or alarm."},
		{Name: "current_severity", Type: "string", Dictionary: true, Role: "alarm", Doc: "Severity raised by the last capture seen while open (ok once closed)."},
		{Name: "sensor", Type: "string", Dictionary: true, Role: "alarm", Doc: "Sensor of the evidence capture."},
		{Name: "evidence_capture", Type: "string", Role: "alarm", Doc: "Capture the evidence is from (relative path): the last one while open, the peak one once closed."},
		{Name: "evidence_time", Type: "timestamp[us, UTC]", Role: "alarm", Doc: "Time of the evidence capture."},
		{Name: "history", Type: "string", Role: "alarm", Doc: "Severity changes as JSON: [{\"time\": RFC 3339, \"severity\": …}], opening, escalations and closing (ok)."},
		{Name: "operating_class", Type: "string", Role: "alarm", Doc: "Operating class of the evidence capture."},
		{Name: "iso_zone", Type: "string", Nullable: true, Role: "alarm", Doc: "ISO 20816-21 zone of the evidence capture."},
		{Name: "diagnosis", Type: "string", Nullable: true, Role: "alarm", Doc: "Physics diagnosis of the evidence capture (outer_race, inner_race, ball, cage, gear_mesh); null when nothing clears its threshold."},
		{Name: "indicators", Type: "string", Role: "alarm", Doc: "Indicators that moved, as JSON: [{\"name\", \"unit\", \"baseline\", \"value\", \"z\"}], largest z first."},
		{Name: "lines", Type: "string", Role: "alarm", Doc: "Spectral lines found at kinematic frequencies, as JSON: [{\"label\" (e.g. \"BPFO ×2\", \"GMF −1×\"), \"freq_hz\", \"db\" above the local noise floor, \"spectrum\" (envelope or plain)}]."},
		{Name: "summary", Type: "string", Role: "alarm", Doc: "The evidence in one line."},
	}
}

// WriteScanSchemaText writes the schemas of the scores and alarms tables
// for `windpm help schema`; indicators are the scan's key indicators.
func WriteScanSchemaText(w io.Writer, indicators []string) error {
	if err := WriteRecordSchemaText(w, "scores", ScoresDoc, ScoresColumns(indicators)); err != nil {
		return err
	}
	return WriteRecordSchemaText(w, "alarms", AlarmsDoc, AlarmsColumns())
}

// WriteScanSchemaMarkdown writes the same as Markdown sections, for
// docs/schema.md.
func WriteScanSchemaMarkdown(w io.Writer, indicators []string) error {
	if err := WriteRecordSchemaMarkdown(w, "scores", ScoresDoc, ScoresColumns(indicators)); err != nil {
		return err
	}
	return WriteRecordSchemaMarkdown(w, "alarms", AlarmsDoc, AlarmsColumns())
}
