// Package mat reads MATLAB Level-5 MAT-files (MATLAB versions 5 to 7.x;
// MathWorks, "MAT-File Format", 2023): numeric matrices of every storage
// type, compressed (miCOMPRESSED, zlib) elements, structs and struct
// arrays, cell arrays, char arrays, logical arrays, both endiannesses and
// the small-data-element form. Sparse arrays, function handles and MATLAB
// objects are kept as headers marked Skipped. v7.3 files (HDF5) and v4
// files are rejected with ErrV73 and ErrV4.
//
// Decode turns a file into a File: a tree of Var values whose numbers are
// float64 whatever their storage type. Options.Select lets a caller skip
// the data of arrays it does not need; Limits bound what a file may make
// the decoder allocate or inflate, so that a hostile or corrupt file fails
// with an error (ErrLimit, ErrTruncated) instead of exhausting memory.
// Errors about one variable are *Error values naming it.
//
// The package knows nothing of captures: datasets turns variables into
// channels.
package mat
