package classifier

import (
	"fmt"

	"github.com/windpm/windpm/reports"
)

// PredictionsSchemaVersion is the schema version of the predictions table.
const PredictionsSchemaVersion = 1

// PredictionsTable names the predictions table (file metadata
// windpm.table).
const PredictionsTable = "predictions"

// PredictionsDoc says what writes the predictions table, what a row is
// and which file metadata it carries beyond the common keys, for
// `windpm help schema` and docs/schema.md.
const PredictionsDoc = "Written by windpm predict: one row per row of its features tables (or of the captures' features), in input order, with the model's verdict and its probability for every class of the model. The file metadata also holds windpm.model (the model file as given), windpm.model_sha256 (the SHA-256 of its bytes), windpm.model_training_data (the fingerprint of the data it was trained on) and windpm.config (model, classes, label and kind as JSON)."

// ClassPlaceholder stands for a class name in the documented name of the
// per-class probability column, p_{class} (PredictionSchemaColumns).
const ClassPlaceholder = "{class}"

// PredictionColumns returns the columns of the predictions table of a
// model with these classes: the key columns of the features row, the
// row's true class when the input has the model's label column, the
// predicted class, and one probability column p_<class> per class.
func PredictionColumns(m *Model) []reports.TableColumn {
	cols := predictionFixedColumns()
	for _, c := range m.Classes {
		cols = append(cols, probabilityColumn(c))
	}
	return cols
}

// PredictionSchemaColumns returns the columns of the predictions table of
// any model, for its documentation: the fixed columns of
// PredictionColumns, then one column named p_{class} (ClassPlaceholder)
// standing for the per-class probability columns, which a file has one of
// per class of its model, in the model's class order.
func PredictionSchemaColumns() []reports.TableColumn {
	p := probabilityColumn(ClassPlaceholder)
	p.Doc += " One such column per class of the model, in the model's class order (file metadata windpm.config, classes)."
	return append(predictionFixedColumns(), p)
}

// predictionFixedColumns returns the columns of the predictions table that
// do not depend on the classes.
func predictionFixedColumns() []reports.TableColumn {
	return []reports.TableColumn{
		{Name: "turbine", Type: "string", Dictionary: true, Role: reports.RoleKey, Doc: "Turbine id of the features row; empty when unknown."},
		{Name: "sensor", Type: "string", Dictionary: true, Role: reports.RoleKey, Doc: "Sensor id of the features row; empty when unknown."},
		{Name: "time", Type: "timestamp[us, UTC]", Nullable: true, Role: reports.RoleKey, Doc: "Start time of the capture or segment (UTC); null when unknown."},
		{Name: "path", Type: "string", Role: reports.RoleKey, Doc: "Capture file as the features row names it."},
		{Name: "channel", Type: "string", Dictionary: true, Role: reports.RoleKey, Doc: "Channel inside the capture file."},
		{Name: "segment", Type: "int32", Role: reports.RoleKey, Doc: "Window index within the capture, from 0."},
		{Name: "label", Type: "string", Nullable: true, Role: "truth",
			Doc: "The row's value of the model's label column (file metadata windpm.config, label) when the input has it (to check predictions); null otherwise."},
		{Name: "predicted", Type: "string", Role: "prediction", Doc: "The class of largest probability (the first in class order on ties)."},
	}
}

// probabilityColumn returns the probability column of class c.
func probabilityColumn(c string) reports.TableColumn {
	return reports.TableColumn{Name: "p_" + c, Type: "double", Role: "probability",
		Doc: fmt.Sprintf("Probability of class %s: the mean of the trees' leaf distributions (forest) or the softmax (logreg).", c)}
}
