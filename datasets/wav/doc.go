// Package wav reads and writes RIFF WAVE files: PCM 16/24/32-bit, IEEE
// float 32/64 and WAVE_FORMAT_EXTENSIBLE, any number of channels.
package wav
