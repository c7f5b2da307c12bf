#!/usr/bin/python3
"""Writes the capture-manifest fixtures of package datasets and expected.json.

Rerun from this folder with Debian's Python (numpy, scipy):

    cd datasets/testdata/manifest && /usr/bin/python3 gen.py

good.csv names two small captures in caps/ by relative path (a stereo PCM16
WAV and a CSV without a time column) plus a path that does not exist (a
manifest is read without opening its captures). expected.json lists what
each entry of good.csv and semicolon.csv must hold, the metadata column
kinds, and for every bad_*.csv a text its error must contain. A manifest
with absolute paths is written by the Go test itself (absolute paths are
machine-specific).
"""
import json

import numpy as np
from scipy.io import wavfile

n = 64
t = np.arange(n)
a = np.round(0.5 * np.sin(2 * np.pi * 4 * t / n) * 32767).astype("<i2")
b = np.round(0.25 * np.cos(2 * np.pi * 3 * t / n) * 32767).astype("<i2")
wavfile.write("caps/wt01_gbx.wav", 25600, np.stack([a, b], 1))
with open("caps/wt02_mb.csv", "w") as f:
    f.write("acc\n" + "".join(f"{0.01 * k!r}\n" for k in range(n)))

good = """# capture manifest for tests
path,channel,sample_rate_hz,rpm,unit,turbine,sensor,time,bearing,label,site,ambient_c,serial,batch,empty_col,notes
caps/wt01_gbx.wav,ch1,,1500.5,g,WT01,gbx_hss,2025-03-01T02:00:00Z,6205,normal,north,12,0042,7,,"ok, checked"
caps/wt02_mb.csv,,2048,,mm/s,WT02,main_bearing,2025-03-01T02:10:00.5+01:00,,outer_race,north,-3.5,1234567890123,,,
 missing/x.wav ,,,,,WT03,,,,,south,,999,8,,
"""
with open("good.csv", "w") as f:
    f.write(good)

semicolon = "PATH;RPM;Load_HP\ncaps/wt01_gbx.wav;1797;0\ncaps/wt02_mb.csv;1772;1.5\n"
with open("semicolon.csv", "w") as f:
    f.write(semicolon)

expected = {
    "good.csv": {
        "entries": [
            {"path": "caps/wt01_gbx.wav", "channel": "ch1", "rate_hz": 0, "rpm": 1500.5, "unit": "g",
             "turbine": "WT01", "sensor": "gbx_hss", "time": "2025-03-01T02:00:00Z", "bearing": "6205",
             "label": "normal", "line": 3,
             "meta": ["north", "12", "0042", "7", "", "ok, checked"]},
            {"path": "caps/wt02_mb.csv", "channel": "", "rate_hz": 2048, "rpm": 0, "unit": "mm/s",
             "turbine": "WT02", "sensor": "main_bearing", "time": "2025-03-01T01:10:00.5Z", "bearing": "",
             "label": "outer_race", "line": 4,
             "meta": ["north", "-3.5", "1234567890123", "", "", ""]},
            {"path": "missing/x.wav", "channel": "", "rate_hz": 0, "rpm": 0, "unit": "",
             "turbine": "WT03", "sensor": "", "time": "", "bearing": "", "label": "", "line": 5,
             "meta": ["south", "", "999", "8", "", ""]},
        ],
        "meta_columns": [["site", "string"], ["ambient_c", "float"], ["serial", "integer"],
                         ["batch", "integer"], ["empty_col", "string"], ["notes", "string"]],
    },
    "semicolon.csv": {
        "entries": [
            {"path": "caps/wt01_gbx.wav", "channel": "", "rate_hz": 0, "rpm": 1797, "unit": "",
             "turbine": "", "sensor": "", "time": "", "bearing": "", "label": "", "line": 2, "meta": ["0"]},
            {"path": "caps/wt02_mb.csv", "channel": "", "rate_hz": 0, "rpm": 1772, "unit": "",
             "turbine": "", "sensor": "", "time": "", "bearing": "", "label": "", "line": 3, "meta": ["1.5"]},
        ],
        "meta_columns": [["Load_HP", "float"]],
    },
}

head = "path,rpm,unit,time,sample_rate_hz,x\n"
ok = "a.wav,1797,g,2025-03-01T02:00:00Z,12000,1\n"
errors = {
    "bad_rpm.csv": (head + ok + "b.wav,abc,g,,,2\n", 'line 3: rpm "abc" is not a number'),
    "bad_rpm_negative.csv": (head + ok + ok + "b.wav,-5,,,,\n", 'line 4: rpm "-5" must not be negative'),
    "bad_rate.csv": (head + "a.wav,,,,0,\n", 'line 2: sample_rate_hz "0" must be positive'),
    "bad_rate_nan.csv": (head + "a.wav,,,,NaN,\n", 'line 2: sample_rate_hz "NaN" is not a number'),
    "bad_unit.csv": (head + ok + "b.wav,,m/s^2,,,\n", 'line 3: unit "m/s^2" is not one of g, m/s2, mm/s'),
    "bad_time.csv": (head + "b.wav,,,2025-03-01 02:00,,\n", 'line 2: time "2025-03-01 02:00" is not RFC 3339'),
    "bad_ragged.csv": (head + ok + "b.wav,1\n", "line 3: 2 fields, the header has 6"),
    "bad_dup_header.csv": ("path,rpm,x,RPM\na,1,2,3\n", 'line 1: column "RPM" appears twice (columns 2 and 4)'),
    "bad_empty_header.csv": ("path,,x\na,1,2\n", "line 1: column 2 has no name"),
    "bad_no_path.csv": ("# c\nfile,rpm\na.wav,1\n", "line 2: no path column (columns: file, rpm)"),
    "bad_empty_path.csv": (head + ok + " ,1797,,,,\n", "line 3: path is empty"),
    "bad_header_only.csv": (head, "no entries"),
    "bad_empty.csv": ("", "empty manifest"),
    "bad_quote.csv": (head + 'a.wav,"1797,g,,,\n', "line 2"),
}
for name, (text, _) in errors.items():
    with open(name, "w") as f:
        f.write(text)

with open("expected.json", "w") as f:
    json.dump({"manifests": expected, "errors": {k: v for k, (_, v) in errors.items()}}, f, indent=1, sort_keys=True)
    f.write("\n")
print("wrote", len(expected), "manifests and", len(errors), "bad ones")
