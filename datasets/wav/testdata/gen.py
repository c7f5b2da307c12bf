#!/usr/bin/python3
"""Writes the WAV fixtures of package wav and expected.json.

Rerun from this folder with Debian's Python (numpy, scipy):

    cd datasets/wav/testdata && /usr/bin/python3 gen.py

scipy.io.wavfile writes the plain formats (PCM 8/16/32, float 32/64, any
channel count). What scipy cannot write -- 24-bit PCM, WAVE_FORMAT_EXTENSIBLE,
odd-sized chunks, streamed and truncated data chunks, RF64, hostile headers --
is assembled byte by byte with the struct module.

expected.json maps each readable file to its rate, channel count, format,
frame count, truncation flag and the exact samples the Go reader must return:
PCM code k of b bits -> k / 2**(b-1) (8-bit: (k-128)/128), floats as stored.
Files listed under "errors" must be rejected; the value is a substring the
error message must contain.
"""
import json
import struct

import numpy as np
from scipy.io import wavfile

RNG = np.random.default_rng(20250301)
N = 96  # frames per fixture: small files, enough to see a sine


def sine(n, cycles, amp, phase=0.0):
    t = np.arange(n)
    return amp * np.sin(2 * np.pi * cycles * t / n + phase)


def codes(x, bits):
    """Signed PCM codes of x in [-1, 1) for the given bit depth."""
    full = 2 ** (bits - 1)
    return np.clip(np.round(x * full), -full, full - 1).astype(np.int64)


expected = {}
errors = {}


def record(name, rate, fmt, chans, truncated=False):
    expected[name] = {
        "rate_hz": rate,
        "format": fmt,
        "channels": len(chans),
        "frames": len(chans[0]),
        "truncated": truncated,
        "samples": [[float(v) for v in c] for c in chans],
    }


# --- scipy-written plain files -------------------------------------------
# PCM16 mono, 8 kHz: includes both extreme codes.
c16 = codes(sine(N, 3, 0.9), 16)
c16[10], c16[11] = 32767, -32768
wavfile.write("pcm16_mono.wav", 8000, c16.astype("<i2"))
record("pcm16_mono.wav", 8000, "pcm16", [c16 / 32768.0])

# PCM32 stereo, 25.6 kHz.
a = codes(sine(N, 5, 0.7), 32)
b = codes(sine(N, 7, -0.3, 0.4), 32)
a[0], b[0] = 2**31 - 1, -(2**31)
wavfile.write("pcm32_stereo.wav", 25600, np.stack([a, b], 1).astype("<i4"))
record("pcm32_stereo.wav", 25600, "pcm32", [a / 2.0**31, b / 2.0**31])

# PCM8 mono (unsigned).
u8 = np.clip(np.round(sine(N, 2, 0.8) * 128) + 128, 0, 255).astype(np.uint8)
u8[5], u8[6] = 0, 255
wavfile.write("pcm8_mono.wav", 4000, u8)
record("pcm8_mono.wav", 4000, "pcm8", [(u8.astype(np.int64) - 128) / 128.0])

# Float32, three channels, physical units (values beyond +-1 allowed).
f3 = np.stack([sine(N, 4, 2.5), sine(N, 9, 0.01), RNG.normal(0, 3, N)], 1).astype("<f4")
wavfile.write("float32_3ch.wav", 12000, f3)
record("float32_3ch.wav", 12000, "float32", [f3[:, i].astype(np.float64) for i in range(3)])

# Float64 mono.
f64 = sine(N, 6, 12.34) + RNG.normal(0, 0.1, N)
wavfile.write("float64_mono.wav", 51200, f64.astype("<f8"))
record("float64_mono.wav", 51200, "float64", [f64])

# Float64, five channels.
f5 = RNG.normal(0, 1, (N, 5))
wavfile.write("float64_5ch.wav", 1000, f5)
record("float64_5ch.wav", 1000, "float64", [f5[:, i] for i in range(5)])


# --- struct-built files ---------------------------------------------------
def chunk(cid, payload, pad=True, size=None):
    size = len(payload) if size is None else size
    out = cid + struct.pack("<I", size) + payload
    if pad and len(payload) % 2:
        out += b"\0"
    return out


def fmt_plain(tag, ch, rate, bits, block=None, extra=b""):
    block = ch * ((bits + 7) // 8) if block is None else block
    body = struct.pack("<HHIIHH", tag, ch, rate, rate * block, block, bits)
    return chunk(b"fmt ", body + extra)


GUID_TAIL = bytes([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71])


def fmt_ext(sub, ch, rate, bits, valid, mask=0, tail=GUID_TAIL):
    block = ch * bits // 8
    body = struct.pack("<HHIIHH", 0xFFFE, ch, rate, rate * block, block, bits)
    body += struct.pack("<HHI", 22, valid, mask) + struct.pack("<H", sub) + tail
    return chunk(b"fmt ", body)


def riff(chunks, form=b"WAVE", size=None, magic=b"RIFF"):
    body = form + b"".join(chunks)
    return magic + struct.pack("<I", len(body) if size is None else size) + body


def interleave(cols, enc):
    out = bytearray()
    for i in range(len(cols[0])):
        for c in cols:
            out += enc(c[i])
    return bytes(out)


def enc24(k):
    return struct.pack("<i", int(k))[:3]


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


# 24-bit PCM stereo, plain WAVEFORMATEX (tag 1).
p = codes(sine(N, 3, 0.6), 24)
q = codes(sine(N, 8, 0.2, 1.0), 24)
p[1], q[1] = 2**23 - 1, -(2**23)
d24 = interleave([p, q], enc24)
write("pcm24_stereo.wav", riff([fmt_plain(1, 2, 48000, 24), chunk(b"data", d24)]))
record("pcm24_stereo.wav", 48000, "pcm24", [p / 2.0**23, q / 2.0**23])

# WAVE_FORMAT_EXTENSIBLE, PCM 24 in 24, four channels, with a LIST chunk.
cols = [codes(sine(N, k + 1, 0.5), 24) for k in range(4)]
dext = interleave(cols, enc24)
info = chunk(b"LIST", b"INFOISFT" + struct.pack("<I", 6) + b"windp\0")
write("ext_pcm24_4ch.wav", riff([fmt_ext(1, 4, 20000, 24, 24, 0x33), info, chunk(b"data", dext)]))
record("ext_pcm24_4ch.wav", 20000, "pcm24", [c / 2.0**23 for c in cols])

# WAVE_FORMAT_EXTENSIBLE, 20 valid bits in a 32-bit container (left-justified).
c20 = codes(sine(N, 2, 0.75), 20) << 12
write("ext_pcm20in32.wav", riff([fmt_ext(1, 1, 10000, 32, 20), chunk(b"data", interleave([c20], lambda k: struct.pack("<i", int(k))))]))
record("ext_pcm20in32.wav", 10000, "pcm32", [c20 / 2.0**31])

# WAVE_FORMAT_EXTENSIBLE float32 stereo with a fact chunk.
g = np.stack([sine(N, 3, 4.0), sine(N, 11, 0.5)], 1).astype("<f4")
fact = chunk(b"fact", struct.pack("<I", N))
write("ext_float32_stereo.wav", riff([fmt_ext(3, 2, 8192, 32, 32), fact, chunk(b"data", g.tobytes())]))
record("ext_float32_stereo.wav", 8192, "float32", [g[:, 0].astype(np.float64), g[:, 1].astype(np.float64)])

# Odd-sized unknown chunks with pad bytes, before and after the data chunk;
# a fmt chunk with cbSize and extra bytes (18 + 2 bytes).
c = codes(sine(N, 4, 0.5), 16)
d16 = c.astype("<i2").tobytes()
write("odd_chunks.wav", riff([
    chunk(b"JUNK", b"abc"),  # 3 bytes + pad
    fmt_plain(1, 1, 16000, 16, extra=struct.pack("<H", 2) + b"xy"),
    chunk(b"LIST", b"INFOICMT" + struct.pack("<I", 5) + b"odd!\0"),  # 17 bytes + pad
    chunk(b"data", d16),
    chunk(b"id3 ", b"tag"),
]))
record("odd_chunks.wav", 16000, "pcm16", [c / 32768.0])

# An odd chunk whose writer forgot the pad byte.
write("odd_nopad.wav", riff([fmt_plain(1, 1, 16000, 16), chunk(b"bext", b"hello", pad=False), chunk(b"data", d16)]))
record("odd_nopad.wav", 16000, "pcm16", [c / 32768.0])

# 12-bit PCM in 16-bit words (tag 1 states 12 bits); codes left-justified.
c12 = codes(sine(N, 5, 0.9), 12) << 4
write("pcm12_in16.wav", riff([fmt_plain(1, 1, 5000, 12, block=2), chunk(b"data", c12.astype("<i2").tobytes())]))
record("pcm12_in16.wav", 5000, "pcm16", [c12 / 32768.0])

# Streaming recorder: data size 0xFFFFFFFF, RIFF size 0xFFFFFFFF; a trailing
# partial frame (3 bytes of a 4-byte stereo frame) is dropped.
st = np.stack([codes(sine(N, 3, 0.4), 16), codes(sine(N, 6, 0.1), 16)], 1).astype("<i2")
write("streamed.wav", riff([fmt_plain(1, 2, 8000, 16), chunk(b"data", st.tobytes() + b"\1\2\3", size=0xFFFFFFFF, pad=False)], size=0xFFFFFFFF))
record("streamed.wav", 8000, "pcm16", [st[:, 0] / 32768.0, st[:, 1] / 32768.0])

# Unfinished header: RIFF size 0 and data size 0, samples follow.
write("unfinished.wav", riff([fmt_plain(1, 2, 8000, 16), chunk(b"data", st.tobytes(), size=0)], size=0))
record("unfinished.wav", 8000, "pcm16", [st[:, 0] / 32768.0, st[:, 1] / 32768.0])

# Data chunk that claims 1 MB but the file holds 96 frames: read to EOF.
write("data_too_long.wav", riff([fmt_plain(3, 1, 3000, 32), chunk(b"data", g[:, 0].tobytes(), size=1 << 20)]))
record("data_too_long.wav", 3000, "float32", [g[:, 0].astype(np.float64)], truncated=True)

# Data size not a multiple of the frame: 2 bytes of a 4-byte frame dropped.
write("partial_frame.wav", riff([fmt_plain(1, 2, 8000, 16), chunk(b"data", st.tobytes() + b"\7\7")]))
record("partial_frame.wav", 8000, "pcm16", [st[:, 0] / 32768.0, st[:, 1] / 32768.0], truncated=True)

# Empty data chunk: zero frames.
write("empty_data.wav", riff([fmt_plain(1, 1, 8000, 16), chunk(b"data", b"")]))
record("empty_data.wav", 8000, "pcm16", [[]])

# RF64 with a ds64 chunk (EBU Tech 3306), float64 mono.
rf = f64.astype("<f8").tobytes()
ds64 = chunk(b"ds64", struct.pack("<QQQI", 0, len(rf), N, 0))
write("rf64.wav", riff([ds64, fmt_plain(3, 1, 51200, 64), chunk(b"data", rf, size=0xFFFFFFFF)], size=0xFFFFFFFF, magic=b"RF64"))
record("rf64.wav", 51200, "float64", [f64])


# --- files that must be rejected -----------------------------------------
d = st.tobytes()
bad = {
    "bad_not_riff.wav": (b"OggS" + b"\0" * 40, "not a RIFF WAVE"),
    "bad_not_wave.wav": (riff([], form=b"AVI "), "not WAVE"),
    "bad_short.wav": (b"RIFF\x10\0\0", "too short"),
    "bad_empty.wav": (b"", "empty"),
    "bad_zero_channels.wav": (riff([fmt_plain(1, 0, 8000, 16, block=0), chunk(b"data", d)]), "0 channels"),
    "bad_zero_rate.wav": (riff([fmt_plain(1, 2, 0, 16), chunk(b"data", d)]), "sample rate 0"),
    "bad_zero_bits.wav": (riff([fmt_plain(1, 2, 8000, 0, block=4), chunk(b"data", d)]), "0 bits"),
    "bad_block_align.wav": (riff([fmt_plain(1, 2, 8000, 16, block=6), chunk(b"data", d)]), "block align"),
    "bad_fmt_short.wav": (riff([chunk(b"fmt ", b"\1\0\1\0"), chunk(b"data", d)]), "fmt chunk is 4 bytes"),
    "bad_no_data.wav": (riff([fmt_plain(1, 2, 8000, 16), chunk(b"LIST", b"INFO")]), "no data chunk"),
    "bad_no_fmt.wav": (riff([]), "no fmt chunk"),
    "bad_data_before_fmt.wav": (riff([chunk(b"data", d), fmt_plain(1, 2, 8000, 16)]), "before the fmt"),
    "bad_huge_list.wav": (riff([fmt_plain(1, 2, 8000, 16), chunk(b"LIST", b"INFO", size=0xFFFFFFF0), chunk(b"data", d)]), "no data chunk"),
    "bad_huge_fmt.wav": (riff([chunk(b"fmt ", struct.pack("<HHIIHH", 1, 2, 8000, 32000, 4, 16), size=0x7FFFFFFF)]), "fmt chunk runs past"),
    "bad_alaw.wav": (riff([fmt_plain(6, 1, 8000, 8), chunk(b"data", d)]), "format tag 0x0006"),
    "bad_pcm64.wav": (riff([fmt_plain(1, 1, 8000, 64), chunk(b"data", d)]), "64-bit PCM"),
    "bad_float16.wav": (riff([fmt_plain(3, 1, 8000, 16), chunk(b"data", d)]), "16-bit IEEE float"),
    "bad_ext_guid.wav": (riff([fmt_ext(1, 1, 8000, 16, 16, tail=bytes(14)), chunk(b"data", d)]), "subformat GUID"),
    "bad_ext_valid.wav": (riff([fmt_ext(1, 1, 8000, 16, 24), chunk(b"data", d)]), "24 valid bits"),
    "bad_ext_short.wav": (riff([fmt_plain(0xFFFE, 1, 8000, 16, extra=struct.pack("<H", 0)), chunk(b"data", d)]), "EXTENSIBLE fmt chunk"),
    "bad_many_channels.wav": (riff([fmt_plain(1, 65535, 8000, 16, block=65535 * 2 & 0xFFFF), chunk(b"data", d)]), "block align"),
}
for name, (data, msg) in bad.items():
    write(name, data)
    errors[name] = msg

with open("expected.json", "w") as f:
    json.dump({"files": expected, "errors": errors}, f, indent=1, sort_keys=True)
    f.write("\n")

# Check the plain files with scipy itself, as an independent reader.
for name in ["pcm16_mono.wav", "pcm32_stereo.wav", "float32_3ch.wav", "float64_mono.wav",
             "pcm24_stereo.wav", "ext_float32_stereo.wav", "odd_chunks.wav"]:
    rate, data = wavfile.read(name)
    assert rate == expected[name]["rate_hz"], name
print("wrote", len(expected), "readable and", len(errors), "bad fixtures")
