package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TEMPORARY placeholder, replaced by the real command.
func newDemoCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "demo",
		Short:  "(not built yet)",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("demo: not built yet")
		},
	}
}
