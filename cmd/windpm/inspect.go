package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TEMPORARY placeholder, replaced by the real command.
func newInspectCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "inspect",
		Short:  "(not built yet)",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("inspect: not built yet")
		},
	}
}
