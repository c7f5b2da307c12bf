// Package wav reads and writes RIFF WAVE files: PCM 8/16/24/32-bit, IEEE
// float 32/64 and WAVE_FORMAT_EXTENSIBLE, any number of channels, and
// reads RF64/BW64 too.
//
// Convention: PCM is full-scale normalised to [-1, 1): a b-bit code k is
// the value k/2^(b-1) (8-bit PCM, which is unsigned, is (k-128)/128), so
// the largest positive code is 1-2^(1-b) and -1 is the most negative.
// Float samples are taken and written as they are, in physical units.
// A WAV file states no unit.
//
// Read decodes a whole file; NewReader and Reader.ReadFrames stream it.
// The reader skips unknown chunks (LIST, fact, bext, …) and odd-chunk pad
// bytes (also when a writer forgot them), reads a data chunk whose size is
// 0xFFFFFFFF or larger than the file (a streaming recorder that never
// patched its header) to the end of the file in whole frames, and rejects
// hostile headers (0 channels, rate 0, 0 bits, block align mismatch,
// unsupported formats) with a one-line error. Memory follows the bytes
// actually present, never a size a header claims.
//
// Write and WriteFile produce files that scipy.io.wavfile, sox and
// ffmpeg read; WriteFile is atomic (temporary file, then rename).
package wav
