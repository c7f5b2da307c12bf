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

// PredictionColumns returns the columns of the predictions table of a
// model with these classes: the key columns of the features row, the
// row's true class when the input has the model's label column, the
// predicted class, and one probability column p_<class> per class.
func PredictionColumns(m *Model) []reports.TableColumn {
	cols := []reports.TableColumn{
		{Name: "turbine", Type: "string", Dictionary: true, Role: reports.RoleKey, Doc: "Turbine id of the features row; empty when unknown."},
		{Name: "sensor", Type: "string", Dictionary: true, Role: reports.RoleKey, Doc: "Sensor id of the features row; empty when unknown."},
		{Name: "time", Type: "timestamp[us, UTC]", Nullable: true, Role: reports.RoleKey, Doc: "Start time of the capture or segment (UTC); null when unknown."},
		{Name: "path", Type: "string", Role: reports.RoleKey, Doc: "Capture file as the features row names it."},
		{Name: "channel", Type: "string", Dictionary: true, Role: reports.RoleKey, Doc: "Channel inside the capture file."},
		{Name: "segment", Type: "int32", Role: reports.RoleKey, Doc: "Window index within the capture, from 0."},
		{Name: "label", Type: "string", Nullable: true, Role: "truth",
			Doc: fmt.Sprintf("The row's value of the model's label column %s when the input has it (to check predictions); null otherwise.", m.Label)},
		{Name: "predicted", Type: "string", Role: "prediction", Doc: "The class of largest probability (the first in class order on ties)."},
	}
	for _, c := range m.Classes {
		cols = append(cols, reports.TableColumn{Name: "p_" + c, Type: "double", Role: "probability",
			Doc: fmt.Sprintf("Probability of class %s: the mean of the trees' leaf distributions (forest) or the softmax (logreg).", c)})
	}
	return cols
}
