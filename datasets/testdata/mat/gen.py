#!/usr/bin/python3
"""Writes the MAT-file fixtures of datasets/mat and datasets (readMAT).

Rerun from the repository root with Debian's Python (numpy, scipy):

    /usr/bin/python3 datasets/testdata/mat/gen.py

Two kinds of fixtures:

* written by scipy.io.savemat (an independent Level-5 writer): basic.mat
  (uncompressed) and compressed.mat (do_compression=True, one miCOMPRESSED
  element per variable), v4.mat (format='4', must be rejected), deep.mat
  (structs nested 40 deep, over the default depth limit);
* hand-crafted with the struct module, for what savemat cannot write:
  big-endian ("MI") files, a double stored as miUINT16 in a small data
  element (as CWRU's XNNNRPM), v7.3 headers, truncated files, compressed
  elements with lying sizes, a decompression bomb, absurd dimensions, an
  unsupported storage type.

expected.json holds, per fixture, every variable the Go tests check: class,
dims, values flattened column-major (as MATLAB stores them), text; for the
files that must fail, the words the error must contain.

If ../shared/data/cwru/97.mat exists, cwru97.json gets the first DE samples
of CWRU record 97 and its RMS and Pearson kurtosis, as read by scipy.
"""

import json
import os
import struct
import zlib

import numpy as np
import scipy.io
import scipy.sparse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

expected = {}


def path(name):
    return os.path.join(HERE, name)


def col(a):
    """Values of a numpy array flattened column-major, as JSON floats."""
    return [float(x) for x in np.asarray(a).flatten(order="F")]


# ---------------------------------------------------------------- savemat

n = np.arange(256)
fs = 1000.0
sine = 2.0 * np.sin(2 * np.pi * 50.0 * n / fs)  # amplitude 2, 50 Hz at 1 kHz
cosine = 0.5 * np.cos(2 * np.pi * 125.0 * n / fs)
gs = 3.0 * np.sin(2 * np.pi * 100.0 * np.arange(128) / 2048.0)

bearing = {"gs": gs.reshape(-1, 1), "sr": 2048.0, "rpm": 1200.0, "unit": "m/s2"}
sarr = np.zeros((1, 2), dtype=[("x", object), ("label", object)])
sarr[0, 0] = (np.array([1.0, 2.0, 3.0]), "first")
sarr[0, 1] = (np.array([[4.0], [5.0]]), "second")
cellv = np.empty((1, 3), dtype=object)
cellv[0, 0] = np.array([7.0, 8.0, 9.0])
cellv[0, 1] = "text"
cellv[0, 2] = np.array([[1, 2], [3, 4]], dtype=np.int32)

variables = {
    "sine": sine.reshape(-1, 1),  # 256×1 column, like CWRU's signals
    "fs": fs,
    "shaft_rpm": 1500.0,
    "unit": "g",
    "pair": np.column_stack([sine, cosine]),  # 256×2: two channels
    "bearing": bearing,
    "i8": np.array([-128, -1, 0, 127], dtype=np.int8),
    "u8": np.array([0, 1, 200, 255], dtype=np.uint8),
    "i16": np.array([-32768, -1, 0, 1, 32767], dtype=np.int16),
    "u16": np.array([0, 1, 65535], dtype=np.uint16),
    "i32": np.array([-2147483648, 0, 2147483647], dtype=np.int32),
    "u32": np.array([0, 4294967295], dtype=np.uint32),
    "i64": np.array([-(2**53), 0, 2**53], dtype=np.int64),
    "u64": np.array([0, 2**53], dtype=np.uint64),
    "f32": np.array([1.5, -2.25, 0.1], dtype=np.float32),
    "flags": np.array([True, False, True]),
    "z": np.array([1 + 2j, -3.5 - 0.5j]),
    "charmat": np.array(["abc", "def"]),
    "cellv": cellv,
    "sarr": sarr,
    "nested": {"inner": {"v": np.array([1.0, -1.0]), "k": 3.0}},
    "sp": scipy.sparse.csc_matrix(np.array([[0.0, 1.0], [2.0, 0.0]])),
    "empty": np.zeros((0, 0)),
    # Rate and rpm one level up from the signal, unit beside it.
    "rig": {"Fs": 512.0, "RPM": 900.0, "acc": {"x": np.arange(8.0).reshape(-1, 1), "units": "mm/s"}},
}


def describe(prefix, value):
    """Expected entries for a savemat variable, keyed by Var.Path."""
    out = {}
    if isinstance(value, dict):
        out[prefix] = {"class": "mxSTRUCT", "dims": [1, 1], "fields": list(value)}
        for k, v in value.items():
            out.update(describe(prefix + "." + k, v))
        return out
    if isinstance(value, str):
        out[prefix] = {"class": "mxCHAR", "dims": [1, len(value)], "text": value}
        return out
    if scipy.sparse.issparse(value):
        out[prefix] = {"class": "mxSPARSE", "dims": list(value.shape), "skipped": True}
        return out
    a = np.asarray(value)
    if a.dtype.kind == "U":
        rows = [str(x) for x in a.ravel()]
        out[prefix] = {"class": "mxCHAR", "dims": [len(rows), len(rows[0])], "text": "\n".join(rows)}
        return out
    if a.dtype.names:
        out[prefix] = {"class": "mxSTRUCT", "dims": list(a.shape), "fields": list(a.dtype.names)}
        for e, el in enumerate(a.flatten(order="F")):
            for k in a.dtype.names:
                out.update(describe("%s(%d).%s" % (prefix, e + 1, k), el[k]))
        return out
    if a.dtype == object:
        out[prefix] = {"class": "mxCELL", "dims": list(a.shape)}
        for e, el in enumerate(a.flatten(order="F")):
            out.update(describe("%s{%d}" % (prefix, e + 1), el))
        return out
    if a.ndim < 2:
        a = a.reshape(1, -1)  # savemat's oned_as='row'
    classes = {
        "float64": "mxDOUBLE", "float32": "mxSINGLE", "int8": "mxINT8", "uint8": "mxUINT8",
        "int16": "mxINT16", "uint16": "mxUINT16", "int32": "mxINT32", "uint32": "mxUINT32",
        "int64": "mxINT64", "uint64": "mxUINT64", "bool": "mxUINT8", "complex128": "mxDOUBLE",
    }
    e = {"class": classes[str(a.dtype)], "dims": list(a.shape)}
    if a.dtype.kind == "c":
        e["real"], e["imag"] = col(a.real), col(a.imag)
    else:
        e["real"] = col(a.astype(np.float64))
    if a.dtype == bool:
        e["logical"] = True
    out[prefix] = e
    return out


savemat_expect = {}
for k, v in variables.items():
    savemat_expect.update(describe(k, v))

for name, compress in [("basic.mat", False), ("compressed.mat", True)]:
    scipy.io.savemat(path(name), variables, do_compression=compress)
    expected[name] = {"vars": savemat_expect}

# Check with scipy that the fixtures read back as described.
back = scipy.io.loadmat(path("compressed.mat"), squeeze_me=False)
assert np.allclose(back["pair"][:, 1], cosine)
assert back["bearing"]["sr"][0, 0][0, 0] == 2048.0

scipy.io.savemat(path("v4.mat"), {"x": np.arange(4.0)}, format="4")
expected["v4.mat"] = {"error": ["v4"]}

deep = {"leaf": 1.0}
for _ in range(40):
    deep = {"d": deep}
scipy.io.savemat(path("deep.mat"), {"deep": deep})
expected["deep.mat"] = {"error": ["nested deeper than 32"]}

# ---------------------------------------------------------- hand-crafted

MI_TYPES = {"i8": 1, "u8": 2, "i16": 3, "u16": 4, "i32": 5, "u32": 6, "f32": 7,
            "f64": 9, "i64": 12, "u64": 13, "matrix": 14, "compressed": 15,
            "utf8": 16, "utf16": 17}
FMT = {1: "b", 2: "B", 3: "h", 4: "H", 5: "i", 6: "I", 7: "f", 9: "d", 12: "q", 13: "Q",
       16: "B", 17: "H"}


class W:
    """Level-5 element writer in byte order e ('<' or '>')."""

    def __init__(self, e):
        self.e = e

    def header(self, text="MATLAB 5.0 MAT-file, Platform: windpm gen.py", subsys=b"\0" * 8):
        t = text.encode("ascii").ljust(116, b" ")
        return t + subsys + struct.pack(self.e + "H", 0x0100) + (b"IM" if self.e == "<" else b"MI")

    def element(self, typ, data, small_ok=True):
        if small_ok and len(data) <= 4:
            return struct.pack(self.e + "I", (len(data) << 16) | typ) + data.ljust(4, b"\0")
        pad = (8 - len(data) % 8) % 8
        return struct.pack(self.e + "II", typ, len(data)) + data + b"\0" * pad

    def values(self, typ, vals, small_ok=True):
        return self.element(typ, struct.pack(self.e + "%d%s" % (len(vals), FMT[typ]), *vals), small_ok)

    def matrix(self, name, cls, dims, body, flags=0, name_small_ok=True):
        content = (self.values(MI_TYPES["u32"], [cls | flags, 0])
                   + self.values(MI_TYPES["i32"], dims)
                   + self.element(MI_TYPES["i8"], name.encode(), name_small_ok)
                   + body)
        return struct.pack(self.e + "II", MI_TYPES["matrix"], len(content)) + content

    def compressed(self, elem, level=6):
        z = zlib.compress(elem, level)
        return struct.pack(self.e + "II", MI_TYPES["compressed"], len(z)) + z


def put(name, data, entry):
    with open(path(name), "wb") as f:
        f.write(data)
    expected[name] = entry


# Big-endian file: a double vector, an int16 vector, a double stored as
# miUINT16 in a small data element, a UTF-16 char array, a 1×1 struct.
be = W(">")
x = [1.0, -2.0, 3.5, 1e300]
data = be.header()
data += be.matrix("x", 6, [1, 4], be.values(9, x))
data += be.matrix("s16", 10, [3, 1], be.values(3, [-300, 0, 300]))
data += be.matrix("XRPM", 6, [1, 1], be.values(4, [1796]))
data += be.matrix("txt", 4, [1, 3], be.values(17, [0x42, 0xE9, 0x20AC]))  # "Bé€"
struct_body = (be.values(5, [32])
               + be.element(1, b"sr".ljust(32, b"\0") + b"gs".ljust(32, b"\0"))
               + be.matrix("", 6, [1, 1], be.values(9, [256.0]))
               + be.matrix("", 7, [4, 1], be.values(7, [0.5, -0.5, 0.25, -0.25])))
data += be.matrix("bearing", 2, [1, 1], struct_body)
put("bigendian.mat", data, {"byteorder": "big", "vars": {
    "x": {"class": "mxDOUBLE", "dims": [1, 4], "real": x},
    "s16": {"class": "mxINT16", "dims": [3, 1], "real": [-300, 0, 300]},
    "XRPM": {"class": "mxDOUBLE", "dims": [1, 1], "real": [1796]},
    "txt": {"class": "mxCHAR", "dims": [1, 3], "text": "B\u00e9\u20ac"},
    "bearing": {"class": "mxSTRUCT", "dims": [1, 1], "fields": ["sr", "gs"]},
    "bearing.sr": {"class": "mxDOUBLE", "dims": [1, 1], "real": [256.0]},
    "bearing.gs": {"class": "mxSINGLE", "dims": [4, 1], "real": [0.5, -0.5, 0.25, -0.25]},
}})

# CWRU-like little-endian file: header padded with spaces, subsystem offset
# of 8 spaces, names never in the small form, RPM as miUINT16 small element.
le = W("<")
de = [round(0.001 * k * (-1) ** k, 6) for k in range(16)]
fe = [round(0.002 * k, 6) for k in range(16)]
data = le.header("MATLAB 5.0 MAT-file, Platform: PCWIN, Created on: Mon Jan 31 15:28:20 2000", b" " * 8)
data += le.matrix("X001_DE_time", 6, [16, 1], le.values(9, de), name_small_ok=False)
data += le.matrix("X001_FE_time", 6, [16, 1], le.values(9, fe), name_small_ok=False)
data += le.matrix("X001RPM", 6, [1, 1], le.values(4, [1796]), name_small_ok=False)
put("cwrulike.mat", data, {"vars": {
    "X001_DE_time": {"class": "mxDOUBLE", "dims": [16, 1], "real": de},
    "X001_FE_time": {"class": "mxDOUBLE", "dims": [16, 1], "real": fe},
    "X001RPM": {"class": "mxDOUBLE", "dims": [1, 1], "real": [1796]},
}})
cwrulike = data

# Big-endian and compressed: two miCOMPRESSED elements in a row.
data = be.header()
data += be.compressed(be.matrix("a", 6, [1, 3], be.values(9, [1.0, 2.0, 3.0])))
data += be.compressed(be.matrix("b", 12, [2, 1], be.values(5, [-7, 7])))
put("bigendian_z.mat", data, {"byteorder": "big", "vars": {
    "a": {"class": "mxDOUBLE", "dims": [1, 3], "real": [1.0, 2.0, 3.0]},
    "b": {"class": "mxINT32", "dims": [2, 1], "real": [-7, 7]},
}})

# v7.3: MATLAB's header text, then the HDF5 superblock at byte 512.
v73 = "MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Tue Mar  4 10:00:00 2025 HDF5 schema 1.00 ."
data = v73.encode().ljust(116, b" ") + b"\0" * 8 + struct.pack("<H", 0x0200) + b"IM"
data = data.ljust(512, b"\0") + b"\x89HDF\r\n\x1a\n" + b"\0" * 56
put("v73.mat", data, {"error": ["v7.3"]})
# The same signature under a header that does not say 7.3.
data = le.header().ljust(512, b"\0") + b"\x89HDF\r\n\x1a\n" + b"\0" * 56
put("v73sig.mat", data, {"error": ["v7.3"]})

# Truncated files: the uncompressed fixture cut inside sine's data, the
# compressed one cut inside its first compressed element.
with open(path("basic.mat"), "rb") as f:
    basic = f.read()
put("truncated.mat", basic[:128 + 1000], {"error": ["variable sine: truncated"]})
with open(path("compressed.mat"), "rb") as f:
    comp = f.read()
put("truncated_z.mat", comp[:128 + 400], {"error": ["variable sine: truncated"]})
put("truncated_header.mat", basic[:100], {"error": ["shorter than the 128-byte"]})

# miCOMPRESSED with lying sizes.
inner = le.matrix("sig", 6, [64, 1], le.values(9, [float(k) for k in range(64)]))
z = zlib.compress(inner)
put("lying_big_z.mat", le.header() + struct.pack("<II", 15, len(z) + 4096) + z,
    {"error": ["variable sig", "truncated"]})
put("lying_small_z.mat", le.header() + struct.pack("<II", 15, len(z) // 2) + z + b"\0" * 64,
    {"error": ["variable sig", "truncated"]})
# The inner miMATRIX claims 2^32-1 bytes but holds 500.
lie = struct.pack("<II", 14, 0xFFFFFFFF) + inner[8:]
put("lying_inner_z.mat", le.header() + le.compressed(lie), {"error": ["variable sig", "truncated"]})

# A decompression bomb: 8 MiB of uint8 zeros in one compressed element,
# a few KB on disk; the Go test decodes it with MaxDecompressed = 1 MiB.
bomb = le.matrix("bomb", 9, [8 << 20, 1], le.element(2, b"\0" * (8 << 20)))
put("bomb_z.mat", le.header() + le.compressed(bomb, 9), {"error": ["limit exceeded"]})

# Absurd dimensions with little data behind them.
put("hugedims.mat", le.header() + le.matrix("big", 6, [2**31 - 1, 2**31 - 1], le.values(9, [1.0])),
    {"error": ["variable big: dimensions"]})
put("dimsmismatch.mat", le.header() + le.matrix("big", 6, [1000000000, 1], le.values(9, [1.0, 2.0])),
    {"error": ["variable big: real part"]})
# Storage type 20 does not exist.
put("badtype.mat", le.header()
    + le.matrix("X105_DE_time", 6, [2, 1], struct.pack("<II", 20, 16) + b"\0" * 16),
    {"error": ["variable X105_DE_time: real part: unsupported storage type 20"]})
# A struct that declares 2^30 fields in a few bytes.
put("manyfields.mat", le.header() + le.matrix("s", 2, [32768, 32768],
    le.values(5, [1]) + le.element(1, b"a")), {"error": ["variable s: truncated"]})
# Only char data: no numeric vector at all.
put("textonly.mat", le.header() + le.matrix("unit", 4, [1, 1], le.values(4, [ord("g")])),
    {"error": ["no numeric vector"]})

# ------------------------------------------------- MATLAB-written files
# Files written by MATLAB 6.1 (Solaris, big-endian) to 8 and by Octave,
# from scipy's own test suite (BSD-3-Clause, (c) SciPy Developers; Debian
# package python3-scipy), copied to scipy/ with their expected contents as
# scipy.io.loadmat reads them.
SCIPY_DATA = os.path.join(os.path.dirname(scipy.io.__file__), "matlab", "tests", "data")
SCIPY_FILES = {
    # name: error words, or None for a file that decodes
    "testmatrix_6.1_SOL2.mat": None, "testminus_6.1_SOL2.mat": None,
    "teststructnest_6.1_SOL2.mat": None, "testdouble_7.4_GLNX86.mat": None,
    "testmatrix_7.4_GLNX86.mat": None, "testcomplex_7.4_GLNX86.mat": None,
    "teststruct_7.4_GLNX86.mat": None, "teststructarr_7.4_GLNX86.mat": None,
    "teststructnest_7.4_GLNX86.mat": None, "testcellnest_7.4_GLNX86.mat": None,
    "testunicode_7.4_GLNX86.mat": None, "teststringarray_7.4_GLNX86.mat": None,
    "test3dmatrix_7.4_GLNX86.mat": None, "testobject_7.4_GLNX86.mat": None,
    "testfunc_7.4_GLNX86.mat": None, "testsparse_7.4_GLNX86.mat": None,
    "testbool_8_WIN64.mat": None, "big_endian.mat": None, "little_endian.mat": None,
    "miuint32_for_miint32.mat": None, "testemptycell_7.4_GLNX86.mat": None,
    "some_functions.mat": None, "nasty_duplicate_fieldnames.mat": None,
    "testsimplecell.mat": None, "testscalarcell_7.4_GLNX86.mat": None,
    "corrupted_zlib_checksum.mat": ["variable dates: compressed element", "checksum"],
    "corrupted_zlib_data.mat": ["variable datagrid: compressed element"],
    "bad_miuint32.mat": ["variable an_array: dimensions", "negative"],
    "testhdf5_7.4_GLNX86.mat": ["v7.3"],
    "testdouble_4.2c_SOL2.mat": ["v4"],
    "malformed1.mat": ["truncated"],
}
CLASSES = {
    "float64": "mxDOUBLE", "float32": "mxSINGLE", "int8": "mxINT8", "uint8": "mxUINT8",
    "int16": "mxINT16", "uint16": "mxUINT16", "int32": "mxINT32", "uint32": "mxUINT32",
    "int64": "mxINT64", "uint64": "mxUINT64", "bool": "mxUINT8", "complex128": "mxDOUBLE",
    "complex64": "mxSINGLE",
}


def describe_loaded(prefix, value):
    """Expected entries for a value returned by loadmat(mat_dtype=True)."""
    out = {}
    if isinstance(value, scipy.io.matlab.MatlabFunction):
        return {prefix: {"class": "mxFUNCTION", "skipped": True}}
    if scipy.sparse.issparse(value):
        return {prefix: {"class": "mxSPARSE", "dims": list(value.shape), "skipped": True}}
    a = np.asarray(value)
    if isinstance(value, scipy.io.matlab.MatlabObject) or a.dtype.names:
        cls = "mxOBJECT" if isinstance(value, scipy.io.matlab.MatlabObject) else "mxSTRUCT"
        names = list(a.dtype.names or [])
        out[prefix] = {"class": cls, "dims": list(a.shape)}
        if len(set(names)) == len(names):
            out[prefix]["fields"] = names
        for e, el in enumerate(a.flatten(order="F")):
            p = prefix if a.size == 1 else "%s(%d)" % (prefix, e + 1)
            for k in names:
                if names.count(k) == 1:
                    out.update(describe_loaded(p + "." + k, el[k]))
        return out
    if a.dtype == object:
        out[prefix] = {"class": "mxCELL", "dims": list(a.shape)}
        for e, el in enumerate(a.flatten(order="F")):
            out.update(describe_loaded("%s{%d}" % (prefix, e + 1), el))
        return out
    if a.dtype.kind == "U":
        out[prefix] = {"class": "mxCHAR", "text": "\n".join(str(x) for x in a.ravel())}
        return out
    e = {"class": CLASSES[a.dtype.name], "dims": list(a.shape)}
    if a.dtype.kind == "c":
        e["real"], e["imag"] = col(a.real), col(a.imag)
    else:
        e["real"] = col(a.astype(np.float64))
    if a.dtype == bool:
        e["logical"] = True
    out[prefix] = e
    return out


os.makedirs(path("scipy"), exist_ok=True)
for name, err in sorted(SCIPY_FILES.items()):
    with open(os.path.join(SCIPY_DATA, name), "rb") as f:
        raw = f.read()
    with open(path(os.path.join("scipy", name)), "wb") as f:
        f.write(raw)
    key = "scipy/" + name
    if err is not None:
        expected[key] = {"error": err}
        continue
    m = scipy.io.loadmat(os.path.join(SCIPY_DATA, name), mat_dtype=True)
    vars_ = {}
    for k, v in m.items():
        if not k.startswith("__"):
            vars_.update(describe_loaded(k, v))
    expected[key] = {"byteorder": "big" if raw[126:128] == b"MI" else "little", "vars": vars_}

with open(path("expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")

# --------------------------------------------------------------- CWRU 97
cwru = os.path.join(ROOT, "..", "shared", "data", "cwru", "97.mat")
if os.path.exists(cwru):
    m = scipy.io.loadmat(cwru, mat_dtype=True)
    sig = m["X097_DE_time"].ravel()
    rms = float(np.sqrt(np.mean(sig ** 2)))
    c = sig - sig.mean()
    kurt = float(np.mean(c ** 4) / np.mean(c ** 2) ** 2)
    with open(path("cwru97.json"), "w") as f:
        json.dump({"channel": "X097_DE_time", "samples": int(sig.size), "head": [float(v) for v in sig[:8]],
                   "rms": rms, "kurtosis_pearson": kurt, "rpm": float(m["X097RPM"].ravel()[0])}, f, indent=1)
        f.write("\n")
