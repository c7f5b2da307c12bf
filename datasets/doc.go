// Package datasets reads every input windpm takes: capture files (MATLAB
// Level-5 MAT, WAV, CSV), capture manifests, and — in sub-packages — the
// synthetic fleet generator (datasets/synth).
//
// A reader turns one file into Captures: one per selected channel, with
// the sample rate, shaft speed and metadata the file states, overridden by
// Options where the user gave a flag. Read picks the reader by extension.
// Every error names the file and the problem on one line (*FileError);
// bad input never panics, and every reader has a fuzz target.
//
// A fleet (OpenFleet, OpenFleetStore) is a folder or a prefix in object
// storage (datasets/store): turbines are listed first, then one turbine's
// captures at a time, and a capture is read once (FleetCapture.ReadAll)
// and decoded from its bytes (Source.ReadData), whatever holds it.
//
// datasets must not compute features: it hands samples on as they are.
package datasets
