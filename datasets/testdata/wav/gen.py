#!/usr/bin/python3
"""Writes the WAV capture fixtures for datasets.Read (package datasets).

Rerun from this folder with Debian's Python (numpy, scipy):

    cd datasets/testdata/wav && /usr/bin/python3 gen.py

The Go test checks the samples against the closed-form signals below, not
against a file of numbers:

  three_ch_float32.wav  12 kHz, 1200 frames, float32:
      ch0 = 1.5 sin(2 pi 100 t), ch1 = 0.2 sin(2 pi 250 t + 0.5), ch2 = 3 cos(2 pi 1000 t)
  pcm16_stereo.wav      8 kHz, 800 frames, int16 codes round(x * 32767):
      ch0 = 0.5 sin(2 pi 50 t), ch1 = -0.25 sin(2 pi 50 t)
  bad_zero_rate.wav     a PCM16 mono file whose fmt chunk states 0 Hz.
"""
import struct

import numpy as np
from scipy.io import wavfile

t = np.arange(1200) / 12000.0
x = np.stack([1.5 * np.sin(2 * np.pi * 100 * t),
              0.2 * np.sin(2 * np.pi * 250 * t + 0.5),
              3.0 * np.cos(2 * np.pi * 1000 * t)], 1).astype("<f4")
wavfile.write("three_ch_float32.wav", 12000, x)

t = np.arange(800) / 8000.0
s = np.sin(2 * np.pi * 50 * t)
p = np.stack([np.round(0.5 * s * 32767), np.round(-0.25 * s * 32767)], 1).astype("<i2")
wavfile.write("pcm16_stereo.wav", 8000, p)

fmt = struct.pack("<HHIIHH", 1, 1, 0, 0, 2, 16)
data = b"\0\0" * 16
body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(data)) + data
with open("bad_zero_rate.wav", "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", len(body)) + body)
