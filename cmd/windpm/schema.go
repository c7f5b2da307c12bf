package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/windpm/windpm/features"
	"github.com/windpm/windpm/models"
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
		ex, err := features.NewExtractor(features.Config{})
		if err != nil {
			// The default configuration is valid; this is a bug.
			fmt.Fprintf(cmd.ErrOrStderr(), "windpm: help schema: %v\n", err)
			return
		}
		if err := reports.WriteFeatureSchemaText(cmd.OutOrStdout(), ex.Columns()); err != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "windpm: help schema: %v\n", err)
			return
		}
		var inds []string
		for _, ind := range models.DefaultIndicators() {
			inds = append(inds, ind.Name)
		}
		if err := reports.WriteScanSchemaText(cmd.OutOrStdout(), inds); err != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "windpm: help schema: %v\n", err)
		}
	})
	return c
}
