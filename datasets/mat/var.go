package mat

import (
	"encoding/binary"
	"fmt"
)

// Class is a MATLAB array class (mxCLASS), as stored in a matrix's array
// flags.
type Class uint8

// The MATLAB array classes of the Level-5 format (MAT-File Format, Table 1-3).
const (
	ClassCell     Class = 1
	ClassStruct   Class = 2
	ClassObject   Class = 3
	ClassChar     Class = 4
	ClassSparse   Class = 5
	ClassDouble   Class = 6
	ClassSingle   Class = 7
	ClassInt8     Class = 8
	ClassUint8    Class = 9
	ClassInt16    Class = 10
	ClassUint16   Class = 11
	ClassInt32    Class = 12
	ClassUint32   Class = 13
	ClassInt64    Class = 14
	ClassUint64   Class = 15
	ClassFunction Class = 16
	ClassOpaque   Class = 17
)

var classNames = [...]string{
	ClassCell:     "mxCELL",
	ClassStruct:   "mxSTRUCT",
	ClassObject:   "mxOBJECT",
	ClassChar:     "mxCHAR",
	ClassSparse:   "mxSPARSE",
	ClassDouble:   "mxDOUBLE",
	ClassSingle:   "mxSINGLE",
	ClassInt8:     "mxINT8",
	ClassUint8:    "mxUINT8",
	ClassInt16:    "mxINT16",
	ClassUint16:   "mxUINT16",
	ClassInt32:    "mxINT32",
	ClassUint32:   "mxUINT32",
	ClassInt64:    "mxINT64",
	ClassUint64:   "mxUINT64",
	ClassFunction: "mxFUNCTION",
	ClassOpaque:   "mxOPAQUE",
}

// String returns MATLAB's name of the class, such as "mxDOUBLE".
func (c Class) String() string {
	if int(c) < len(classNames) && classNames[c] != "" {
		return classNames[c]
	}
	return fmt.Sprintf("class %d", uint8(c))
}

// Numeric reports whether arrays of class c hold numbers (double, single
// or an integer class); logical arrays are stored as mxUINT8.
func (c Class) Numeric() bool { return c >= ClassDouble && c <= ClassUint64 }

// File is a decoded Level-5 MAT-file.
type File struct {
	// Header is the descriptive text of the 128-byte header, trailing
	// spaces and NULs removed ("MATLAB 5.0 MAT-file, Platform: …").
	Header string
	// ByteOrder is the file's byte order, from the endian indicator
	// ("IM": little-endian, "MI": big-endian).
	ByteOrder binary.ByteOrder
	// Vars are the top-level variables in file order.
	Vars []*Var
}

// Var returns the top-level variable called name, or nil.
func (f *File) Var(name string) *Var {
	for _, v := range f.Vars {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// Var is one MATLAB array: a top-level variable, a struct field or a cell
// element.
//
// Multi-dimensional data is stored column-major, as MATLAB stores it: the
// element at (i, j) of an R×C matrix is at index i + j*R.
type Var struct {
	// Name is the array's own name: the variable name at top level, the
	// field name in a struct, "" in a cell.
	Name string
	// Path names the array from the top of the file: "X097_DE_time",
	// "bearing.gs" for a field of a 1×1 struct, "s(2).gs" for a field of
	// element 2 (1-based, column-major) of a struct array, "c{3}" for a
	// cell element.
	Path string
	// Class is the MATLAB class.
	Class Class
	// Dims are the dimensions, at least two.
	Dims []int
	// Complex, Global and Logical are the array flags.
	Complex, Global, Logical bool
	// Real and Imag hold a numeric or logical array's values converted to
	// float64 whatever the storage type (int64 and uint64 values beyond
	// 2^53 are rounded). Imag is nil unless Complex. Both are nil when
	// the data was skipped (see Skipped).
	Real, Imag []float64
	// Text holds a char array: a 1×N or N×1 array as one string, an R×C
	// array as its R rows joined by "\n".
	Text string
	// ClassName is the class of an mxOBJECT array.
	ClassName string
	// FieldNames are the field names of a struct or object array; the k-th
	// duplicate of a name (k counted over the struct, from 1) is renamed
	// "_k_name", as scipy.io.loadmat does.
	FieldNames []string
	// Fields hold a struct's values, element by element (column-major)
	// and within an element field by field: field f of element e is
	// Fields[e*len(FieldNames)+f].
	Fields []*Var
	// Cells hold a cell array's elements, column-major.
	Cells []*Var
	// Skipped says why the contents were not decoded ("" when they were):
	// the caller's Select declined the data, or the class (sparse,
	// function handle, MATLAB object) is not supported.
	Skipped string
}

// Len returns the number of elements, the product of Dims.
func (v *Var) Len() int {
	if len(v.Dims) == 0 {
		return 0
	}
	n := 1
	for _, d := range v.Dims {
		n *= d
	}
	return n
}

// Field returns field name of the first element of a struct (the only one
// of a 1×1 struct), or nil.
func (v *Var) Field(name string) *Var {
	for i, f := range v.FieldNames {
		if f == name && i < len(v.Fields) {
			return v.Fields[i]
		}
	}
	return nil
}

// DimsString returns the dimensions written as MATLAB does, "3×1".
func (v *Var) DimsString() string {
	s := ""
	for i, d := range v.Dims {
		if i > 0 {
			s += "×"
		}
		s += fmt.Sprint(d)
	}
	return s
}
