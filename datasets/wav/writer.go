package wav

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/windpm/windpm/reports/atomicfile"
)

// maxDataBytes is the largest data chunk a RIFF file can describe: the
// RIFF size field is 32 bits and also counts the header chunks.
const maxDataBytes = math.MaxUint32 - 128

// Write writes the channels as one RIFF WAVE file at rateHz samples per
// second in the given format. All channels must have the same length;
// channel i becomes the file's i-th interleaved channel.
//
// PCM formats scale full scale to [-1, 1): a value v becomes the code
// round(v·2^(b-1)) for b bits, clipped to [-2^(b-1), 2^(b-1)-1], so 1.0
// clips to the largest code and NaN becomes 0; reading the file back
// divides by 2^(b-1) again. Float formats store the values unchanged
// (physical units; Float32 rounds to single precision).
//
// The header is the plain 16-byte PCM fmt chunk for PCM8/PCM16 with one
// or two channels; IEEE float (format tag 3) with a fact chunk for float
// data with one or two channels; and WAVE_FORMAT_EXTENSIBLE (channel mask
// 0: no speaker positions) for PCM wider than 16 bits or more than two
// channels, as Microsoft's WAVEFORMATEXTENSIBLE guidance asks.
func Write(w io.Writer, rateHz int, format Format, channels ...[]float64) error {
	if !format.valid() {
		return fmt.Errorf("wav: write: unknown format %v", format)
	}
	if rateHz <= 0 || int64(rateHz) > math.MaxUint32 {
		return fmt.Errorf("wav: write: sample rate %d Hz out of range", rateHz)
	}
	nch := len(channels)
	if nch == 0 || nch > math.MaxUint16 {
		return fmt.Errorf("wav: write: %d channels (want 1..65535)", nch)
	}
	frames := len(channels[0])
	for i, c := range channels {
		if len(c) != frames {
			return fmt.Errorf("wav: write: channel %d has %d samples, channel 0 has %d", i, len(c), frames)
		}
	}
	bytesPer := format.Bits() / 8
	blockAlign := nch * bytesPer
	if blockAlign > math.MaxUint16 {
		return fmt.Errorf("wav: write: %d channels of %v make a %d-byte frame (max 65535)", nch, format, blockAlign)
	}
	dataBytes := int64(frames) * int64(blockAlign)
	if dataBytes > maxDataBytes {
		return fmt.Errorf("wav: write: %d bytes of samples exceed the 4 GiB RIFF limit", dataBytes)
	}

	extensible := nch > 2 || (!format.IsFloat() && format.Bits() > 16)
	tag := uint16(tagPCM)
	if format.IsFloat() {
		tag = tagFloat
	}

	var hdr []byte
	le := binary.LittleEndian
	fmtSize := 16
	switch {
	case extensible:
		fmtSize = 40
	case format.IsFloat():
		fmtSize = 18
	}
	hasFact := format.IsFloat()
	pad := dataBytes % 2
	riffSize := 4 + 8 + int64(fmtSize) + 8 + dataBytes + pad
	if hasFact {
		riffSize += 12
	}
	hdr = append(hdr, "RIFF"...)
	hdr = le.AppendUint32(hdr, uint32(riffSize))
	hdr = append(hdr, "WAVEfmt "...)
	hdr = le.AppendUint32(hdr, uint32(fmtSize))
	if extensible {
		hdr = le.AppendUint16(hdr, tagExtensible)
	} else {
		hdr = le.AppendUint16(hdr, tag)
	}
	hdr = le.AppendUint16(hdr, uint16(nch))
	hdr = le.AppendUint32(hdr, uint32(rateHz))
	hdr = le.AppendUint32(hdr, uint32(int64(rateHz)*int64(blockAlign)))
	hdr = le.AppendUint16(hdr, uint16(blockAlign))
	hdr = le.AppendUint16(hdr, uint16(format.Bits()))
	switch {
	case extensible:
		hdr = le.AppendUint16(hdr, 22)                    // cbSize
		hdr = le.AppendUint16(hdr, uint16(format.Bits())) // wValidBitsPerSample
		hdr = le.AppendUint32(hdr, 0)                     // dwChannelMask
		hdr = le.AppendUint16(hdr, tag)
		hdr = append(hdr, guidTail[:]...)
	case format.IsFloat():
		hdr = le.AppendUint16(hdr, 0) // cbSize
	}
	if hasFact {
		hdr = append(hdr, "fact"...)
		hdr = le.AppendUint32(hdr, 4)
		hdr = le.AppendUint32(hdr, uint32(min(int64(frames), math.MaxUint32)))
	}
	hdr = append(hdr, "data"...)
	hdr = le.AppendUint32(hdr, uint32(dataBytes))
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("wav: write: %w", err)
	}

	// Encode in blocks of whole frames so memory stays bounded.
	const blockFrames = 4096
	buf := make([]byte, 0, blockFrames*blockAlign)
	for start := 0; start < frames; start += blockFrames {
		end := min(start+blockFrames, frames)
		buf = buf[:0]
		for i := start; i < end; i++ {
			for _, c := range channels {
				buf = appendSample(buf, format, c[i])
			}
		}
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("wav: write: %w", err)
		}
	}
	if pad == 1 {
		if _, err := w.Write([]byte{0}); err != nil {
			return fmt.Errorf("wav: write: %w", err)
		}
	}
	return nil
}

// appendSample appends v encoded in format f to b.
func appendSample(b []byte, f Format, v float64) []byte {
	le := binary.LittleEndian
	switch f {
	case PCM8:
		return append(b, byte(pcmCode(v, 8)+128))
	case PCM16:
		return le.AppendUint16(b, uint16(int16(pcmCode(v, 16))))
	case PCM24:
		k := uint32(int32(pcmCode(v, 24)))
		return append(b, byte(k), byte(k>>8), byte(k>>16))
	case PCM32:
		return le.AppendUint32(b, uint32(int32(pcmCode(v, 32))))
	case Float32:
		return le.AppendUint32(b, math.Float32bits(float32(v)))
	case Float64:
		return le.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

// pcmCode returns round(v·2^(bits-1)) clipped to the signed range of bits;
// NaN gives 0.
func pcmCode(v float64, bits int) int64 {
	if math.IsNaN(v) {
		return 0
	}
	full := float64(int64(1) << (bits - 1))
	x := math.Round(v * full)
	if x >= full {
		return int64(full) - 1
	}
	if x < -full {
		return -int64(full)
	}
	return int64(x)
}

// WriteFile writes a WAV file at path as Write does, atomically (see
// atomicfile.Write): an error never leaves a half-written file.
func WriteFile(path string, rateHz int, format Format, channels ...[]float64) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		return Write(w, rateHz, format, channels...)
	})
}
