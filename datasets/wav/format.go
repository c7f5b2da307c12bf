package wav

import "fmt"

// Format is the sample encoding of a WAV file's data chunk.
//
// PCM formats hold signed two's-complement integers (8-bit PCM is
// unsigned, offset 128, as RIFF WAVE prescribes) that represent the range
// [-1, 1): a b-bit code k stands for k / 2^(b-1). IEEE float formats hold
// values as they are, in whatever physical unit the writer chose.
type Format int

// The sample formats this package reads and writes.
const (
	// PCM8 is unsigned 8-bit PCM (code 128 is zero).
	PCM8 Format = iota + 1
	// PCM16 is signed 16-bit little-endian PCM.
	PCM16
	// PCM24 is signed 24-bit little-endian PCM packed in 3 bytes.
	PCM24
	// PCM32 is signed 32-bit little-endian PCM.
	PCM32
	// Float32 is IEEE 754 single precision, little-endian.
	Float32
	// Float64 is IEEE 754 double precision, little-endian.
	Float64
)

// String returns the format's name, such as "pcm16" or "float32".
func (f Format) String() string {
	switch f {
	case PCM8:
		return "pcm8"
	case PCM16:
		return "pcm16"
	case PCM24:
		return "pcm24"
	case PCM32:
		return "pcm32"
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// Bits returns the number of bits one sample of format f occupies in the
// file, or 0 for an unknown format.
func (f Format) Bits() int {
	switch f {
	case PCM8:
		return 8
	case PCM16:
		return 16
	case PCM24:
		return 24
	case PCM32, Float32:
		return 32
	case Float64:
		return 64
	}
	return 0
}

// IsFloat reports whether f is an IEEE float format.
func (f Format) IsFloat() bool { return f == Float32 || f == Float64 }

// valid reports whether f is one of the defined formats.
func (f Format) valid() bool { return f >= PCM8 && f <= Float64 }

// RIFF WAVE format tags (Microsoft mmreg.h).
const (
	tagPCM        = 0x0001
	tagFloat      = 0x0003
	tagExtensible = 0xFFFE
)

// guidTail is bytes 2..15 of the KSDATAFORMAT_SUBTYPE_PCM and
// KSDATAFORMAT_SUBTYPE_IEEE_FLOAT GUIDs; bytes 0..1 hold the format tag.
var guidTail = [14]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}
