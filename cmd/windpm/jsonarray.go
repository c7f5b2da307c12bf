package main

import (
	"encoding/json"
	"fmt"
	"io"
)

// jsonArray streams a JSON array to w one element at a time, so that
// memory does not grow with the number of inputs: Add writes an element,
// Close the closing bracket (also after an error, so that what was
// printed is valid JSON).
type jsonArray struct {
	w io.Writer
	n int
}

func newJSONArray(w io.Writer) *jsonArray {
	fmt.Fprint(w, "[")
	return &jsonArray{w: w}
}

// Add writes v as the next element, indented.
func (a *jsonArray) Add(v any) error {
	js, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		return err
	}
	sep := ","
	if a.n == 0 {
		sep = ""
	}
	a.n++
	_, err = fmt.Fprintf(a.w, "%s\n  %s", sep, js)
	return err
}

// Close ends the array.
func (a *jsonArray) Close() {
	fmt.Fprintln(a.w, "]")
}
