// Package mat reads MATLAB Level-5 MAT-files: numeric matrices of every
// storage type, compressed elements, structs, char arrays, both
// endiannesses and the small-data-element form. Sizes are bounded so that
// a hostile file cannot make the reader allocate without limit.
package mat
