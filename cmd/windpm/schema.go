package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/models"
	"github.com/windpm/windpm/models/classifier"
	"github.com/windpm/windpm/reports"
)

// newSchemaTopic returns the `windpm help schema` topic. Its text is made
// when it is asked for, from the code that writes the tables, so that it
// always lists the columns this build writes.
func newSchemaTopic() *cobra.Command {
	c := &cobra.Command{
		Use:   "schema",
		Short: "Columns, types and units of the tables windpm writes",
		Long:  "Columns, types and units of the tables windpm writes (see 'windpm help schema').",
	}
	c.SetHelpFunc(func(cmd *cobra.Command, _ []string) {
		if err := writeSchema(cmd.OutOrStdout(), false); err != nil {
			// The default configuration is valid; this is a bug.
			fmt.Fprintf(cmd.ErrOrStderr(), "windpm: help schema: %v\n", err)
		}
	})
	return c
}

// recordSchema is one record table as `windpm help schema` documents it.
type recordSchema struct {
	table, doc string
	cols       []reports.TableColumn
}

// otherSchemas returns the record tables written outside a scan, each
// with the columns its writer uses (placeholder names for the columns
// that depend on the model or the export).
func otherSchemas() []recordSchema {
	return []recordSchema{
		{classifier.PredictionsTable, classifier.PredictionsDoc, classifier.PredictionSchemaColumns()},
		{scadaTable, scadaDoc, scadaSchemaColumns()},
		{eventsTable, eventsDoc, eventsColumns()},
	}
}

// writeSchema writes the schemas of every table windpm writes: the
// features table, the scan's scores and alarms, then the predictions,
// scada and events tables; as Markdown (docs/schema.md) or as text for a
// terminal.
func writeSchema(w io.Writer, markdown bool) error {
	ex, err := features.NewExtractor(features.Config{})
	if err != nil {
		return err
	}
	var inds []string
	for _, ind := range models.DefaultIndicators() {
		inds = append(inds, ind.Name)
	}
	writeFeatures, writeScan, writeRecord := reports.WriteFeatureSchemaText, reports.WriteScanSchemaText, reports.WriteRecordSchemaText
	if markdown {
		writeFeatures, writeScan, writeRecord = reports.WriteFeatureSchemaMarkdown, reports.WriteScanSchemaMarkdown, reports.WriteRecordSchemaMarkdown
	}
	if err := writeFeatures(w, ex.Columns()); err != nil {
		return err
	}
	if err := writeScan(w, inds); err != nil {
		return err
	}
	for _, s := range otherSchemas() {
		if err := writeRecord(w, s.table, s.doc, s.cols); err != nil {
			return err
		}
	}
	return nil
}
