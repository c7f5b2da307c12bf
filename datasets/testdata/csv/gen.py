#!/usr/bin/python3
"""Writes the CSV capture fixtures of package datasets and expected.json.

Rerun from this folder with Debian's Python (numpy, pandas):

    cd datasets/testdata/csv && /usr/bin/python3 gen.py

Values are printed with repr() (shortest round-trip form), so the Go reader
must return them exactly. Where a file has a time column, expected.json
gives the true rate and a tolerance: the times are printed with limited
decimals, so the derived rate can be off by at most (resolution / span)
relative. Files under "errors" must be rejected with a message containing
the given text.
"""
import json

import numpy as np
import pandas as pd

RNG = np.random.default_rng(7)
N = 50

files = {}
errors = {}


def sig(n, cycles, amp):
    return amp * np.sin(2 * np.pi * cycles * np.arange(n) / n) + RNG.normal(0, 0.01 * amp, n)


def expect(name, channels, cols, rate=None, tol=0.0, start=""):
    files[name] = {
        "channels": channels,
        "rate_hz": rate,
        "rate_tol": tol,
        "time": start,
        "samples": [[float(v) for v in c] for c in cols],
    }


def write(name, text):
    with open(name, "w", newline="") as f:
        f.write(text)


# Header, comma, no time column (the rate must come from --rate).
x, y = sig(N, 3, 0.5), sig(N, 7, 2.0)
write("header_comma.csv", "acc_x,acc_y\n" + "".join(f"{a!r},{b!r}\n" for a, b in zip(x, y)))
expect("header_comma.csv", ["acc_x", "acc_y"], [x, y])

# Comments, ';' delimiter, decimal commas, a time column at 12 kHz printed
# with 6 decimals (steps alternate 83 and 84 microseconds).
de, fe = sig(N, 4, 0.2), sig(N, 9, 0.05)
t = np.arange(N) / 12000.0
lines = ["# exported by a DAQ", "# channels: DE, FE", "Time;DE;FE"]
for i in range(N):
    lines.append(f"{t[i]:.6f};{de[i]!r};{fe[i]!r}".replace(".", ","))
    if i == 10:
        lines.append("# a comment in the middle")
write("semicolon_time.csv", "\n".join(lines) + "\n")
span = float(f"{t[-1]:.6f}") - 0.0
expect("semicolon_time.csv", ["DE", "FE"], [de, fe], 12000.0, 12000.0 * 1e-6 / span * 1.01)

# No header, tab-delimited, three channels.
c3 = [sig(N, 1, 1.0), sig(N, 2, 3.0), sig(N, 5, 0.1)]
write("noheader_tab.csv", "".join("\t".join(repr(c[i]) for c in c3) + "\n" for i in range(N)))
expect("noheader_tab.csv", ["ch0", "ch1", "ch2"], c3)

# A timestamp column in RFC 3339 with microseconds, 2560 Hz (exact steps
# of 390.625 us print as 390 or 391 us).
base = pd.Timestamp("2025-03-01T02:00:00Z")
v = sig(N, 2, 9.81)
stamps = [(base + pd.Timedelta(seconds=i / 2560.0)).strftime("%Y-%m-%dT%H:%M:%S.%fZ") for i in range(N)]
write("timestamp.csv", "timestamp,accel\n" + "".join(f"{s},{a!r}\n" for s, a in zip(stamps, v)))
span = (pd.Timestamp(stamps[-1]) - base).total_seconds()
expect("timestamp.csv", ["accel"], [v], 2560.0, 2560.0 * 1e-6 / span * 1.01, "2025-03-01T02:00:00Z")

# pandas DataFrame.to_csv with its default unnamed index column and a
# seconds column "t" at 1 kHz.
df = pd.DataFrame({"t": np.arange(N) / 1000.0, "gbx_hss": sig(N, 6, 1.5), "gen_de": sig(N, 8, 0.7)})
df.to_csv("pandas_index.csv", float_format=None)
span = df["t"].iloc[-1]
expect("pandas_index.csv", ["gbx_hss", "gen_de"], [df["gbx_hss"], df["gen_de"]], 1000.0, 1e-6)

# UTF-8 byte order mark, CRLF line ends, quoted header names, spaces.
z = sig(N, 3, 0.3)
write("bom_crlf.csv", "\ufeff\"time_s\", \"Main bearing\"\r\n" + "".join(f"{i / 500.0!r}, {a!r}\r\n" for i, a in enumerate(z)))
expect("bom_crlf.csv", ["Main bearing"], [z], 500.0, 1e-6)

# Single column, no header, integers.
ints = np.arange(-5, 5)
write("single_column.csv", "".join(f"{k}\n" for k in ints))
expect("single_column.csv", ["ch0"], [ints.astype(float)])

# --- files that must be rejected -----------------------------------------
good = [f"{a!r},{b!r}" for a, b in zip(x[:8], y[:8])]


def bad(name, text, msg):
    write(name, text)
    errors[name] = msg


rows = list(good)
rows[3] = f"{x[3]!r},abc"
bad("bad_cell.csv", "acc_x,acc_y\n" + "\n".join(rows) + "\n", 'line 5: column 2 (acc_y): "abc" is not a finite number')
rows = list(good)
rows[2] = f"{x[2]!r},"
bad("bad_empty_cell.csv", "acc_x,acc_y\n" + "\n".join(rows) + "\n", "line 4: column 2 (acc_y) is empty")
rows = list(good)
rows[5] = rows[5] + ",1.0"
bad("bad_ragged.csv", "# c\nacc_x,acc_y\n" + "\n".join(rows) + "\n", "line 8: 3 fields, want 2")
rows = list(good)
rows[6] = "nan,1.0"
bad("bad_nan.csv", "acc_x,acc_y\n" + "\n".join(rows) + "\n", 'line 8: column 1 (acc_x): "nan" is not a finite number')
tt = [0.0, 0.001, 0.002, 0.003, 0.005, 0.006, 0.007, 0.008]
bad("bad_gap.csv", "time,a\n" + "".join(f"{s},{a!r}\n" for s, a in zip(tt, x)), "line 6: time step 0.002 s differs from the median step 0.001 s")
bad("bad_time_backwards.csv", "t,a\n" + "".join(f"{-s},{a!r}\n" for s, a in zip(tt, x)), "does not increase")
bad("bad_time_cell.csv", "seconds,a\n0,1\n0.5,2\nnoon,3\n", 'line 4: column 1 (seconds): "noon" is not a time')
bad("bad_one_row_time.csv", "time,a\n0,1\n", "one row is not enough")
bad("bad_manifest.csv", "path,rpm\n97.mat,1796\n", "use it with --manifest")
bad("bad_dup_header.csv", "a,b,A\n1,2,3\n", 'column name "A" appears twice (columns 1 and 3)')
bad("bad_two_time.csv", "time,t,a\n0,0,1\n", "two time columns")
bad("bad_only_header.csv", "a,b\n", "no data rows")
bad("bad_empty.csv", "# nothing but a comment\n", "no data rows")
bad("bad_only_time.csv", "time\n0\n1\n", "no channel columns")
bad("bad_quote.csv", 'a,b\n1,"2\n', "line 2")

with open("expected.json", "w") as f:
    json.dump({"files": files, "errors": errors}, f, indent=1, sort_keys=True)
    f.write("\n")
print("wrote", len(files), "readable and", len(errors), "bad fixtures")
