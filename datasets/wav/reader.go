package wav

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Header is the sample format of a WAV file, as its fmt, ds64 and data
// chunks state it.
type Header struct {
	// Format is the container format of one sample.
	Format Format
	// RateHz is the sample rate in frames per second (> 0).
	RateHz int
	// Channels is the number of interleaved channels (> 0).
	Channels int
	// ValidBits is the number of significant bits per sample; it is less
	// than Format.Bits() for, e.g., 20-bit audio in a 24-bit container.
	// PCM samples are left-justified, so the normalisation does not
	// depend on it.
	ValidBits int
	// ChannelMask is the WAVE_FORMAT_EXTENSIBLE speaker mask, 0 if none.
	ChannelMask uint32
	// DataBytes is the data chunk size the file states, or -1 when the
	// file leaves it open (a streaming recorder's 0xFFFFFFFF, or 0 with an
	// unfinished RIFF size); the samples then run to the end of the file.
	DataBytes int64
	// RF64 reports an RF64/BW64 container (EBU Tech 3306) instead of RIFF.
	RF64 bool
}

// FrameBytes returns the size of one frame (one sample of every channel)
// in bytes: the fmt chunk's block align.
func (h *Header) FrameBytes() int { return h.Channels * h.Format.Bits() / 8 }

// File is a decoded WAV file.
type File struct {
	Header
	// Samples holds one slice per channel: Samples[c][i] is channel c at
	// frame i. PCM is normalised to [-1, 1): a b-bit code k becomes
	// k/2^(b-1) (8-bit PCM: (k-128)/128). Float samples are as stored.
	Samples [][]float64
	// Truncated reports that the data ended early: the data chunk stated
	// more bytes than the file holds, or its last frame was incomplete
	// (the partial frame is dropped). It is false for a data chunk whose
	// size was left open (DataBytes == -1).
	Truncated bool
}

// Frames returns the number of frames (samples per channel) in f.
func (f *File) Frames() int {
	if len(f.Samples) == 0 {
		return 0
	}
	return len(f.Samples[0])
}

// Reader decodes the samples of a WAV file frame by frame. NewReader
// consumes the header up to the start of the data chunk.
type Reader struct {
	Header
	r         *bufio.Reader
	remaining int64 // bytes left in the data chunk; -1: to end of file
	avail     int64 // bytes left in the input if known, else -1
	truncated bool
	buf       []byte
}

// Limits of the header fields this package accepts.
const (
	maxFmtRead = 64 // bytes of a fmt chunk that are parsed; the rest is skipped
	ds64Size   = 28 // bytes of a ds64 chunk that are parsed
)

// NewReader reads the RIFF/RF64 header and the chunks before the data
// chunk from r, and returns a Reader positioned at the first sample.
// Chunks other than fmt, ds64 and data (LIST, fact, bext, cue, …) are
// skipped, with the pad byte that follows an odd-sized chunk. The fmt
// chunk must come before the data chunk. A hostile or damaged header
// gives an error; nothing is allocated by what a header claims.
func NewReader(r io.Reader) (*Reader, error) {
	d := &Reader{avail: inputSize(r), remaining: -1}
	if br, ok := r.(*bufio.Reader); ok {
		d.r = br
	} else {
		d.r = bufio.NewReaderSize(r, 1<<16)
	}
	if err := d.readHeader(); err != nil {
		return nil, err
	}
	return d, nil
}

// inputSize returns how many bytes r holds from its current position, or
// -1 if r does not tell. An io.ReaderAt is read through an
// io.SectionReader, which tells.
func inputSize(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer
		return int64(v.Len())
	case *io.SectionReader:
		pos, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return max(v.Size()-pos, 0)
	case *os.File:
		st, err := v.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return -1
		}
		pos, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return max(st.Size()-pos, 0)
	}
	return -1
}

// read fills p from the input, counting the bytes consumed.
func (d *Reader) read(p []byte) (int, error) {
	n, err := io.ReadFull(d.r, p)
	if d.avail >= 0 {
		d.avail = max(d.avail-int64(n), 0)
	}
	return n, err
}

// skip discards n bytes of input; it reports io.ErrUnexpectedEOF if the
// input ends first.
func (d *Reader) skip(n int64) error {
	if d.avail >= 0 && n > d.avail {
		d.r.Discard(int(min(d.avail, math.MaxInt32)))
		d.avail = 0
		return io.ErrUnexpectedEOF
	}
	for n > 0 {
		step := int(min(n, 1<<30))
		k, err := d.r.Discard(step)
		n -= int64(k)
		if d.avail >= 0 {
			d.avail = max(d.avail-int64(k), 0)
		}
		if err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

// skipPad skips the pad byte after an odd-sized chunk. Some writers omit
// it; when the next four bytes already form a chunk ID and the four after
// the would-be pad do not, the pad is taken to be missing.
func (d *Reader) skipPad() error {
	p, _ := d.r.Peek(5)
	if len(p) == 0 {
		return nil // end of input: no pad and no further chunk
	}
	if len(p) == 5 && isChunkID(p[0:4]) && !isChunkID(p[1:5]) {
		return nil
	}
	return d.skip(1)
}

// isChunkID reports whether b looks like a RIFF chunk ID: four printable
// ASCII characters.
func isChunkID(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7E {
			return false
		}
	}
	return len(b) == 4
}

func (d *Reader) readHeader() error {
	var hdr [12]byte
	if n, err := d.read(hdr[:]); err != nil {
		if n == 0 {
			return errors.New("wav: empty file")
		}
		return errors.New("wav: file too short for a RIFF header")
	}
	le := binary.LittleEndian
	switch string(hdr[0:4]) {
	case "RIFF":
	case "RF64", "BW64":
		d.RF64 = true
	default:
		return fmt.Errorf("wav: not a RIFF WAVE file (starts with %q)", printable(hdr[0:4]))
	}
	if string(hdr[8:12]) != "WAVE" {
		return fmt.Errorf("wav: RIFF form type is %q, not WAVE", printable(hdr[8:12]))
	}
	riffSize := le.Uint32(hdr[4:8])
	openRIFF := riffSize == 0 || riffSize == math.MaxUint32
	var ds64Data int64 = -1
	haveFmt := false
	for {
		var ch [8]byte
		if n, err := d.read(ch[:]); err != nil {
			if n == 0 && !haveFmt {
				return errors.New("wav: no fmt chunk")
			}
			return errors.New("wav: no data chunk")
		}
		id := string(ch[0:4])
		size := int64(le.Uint32(ch[4:8]))
		switch id {
		case "ds64":
			if !d.RF64 {
				break
			}
			var b [ds64Size]byte
			k := min(size, ds64Size)
			if _, err := d.read(b[:k]); err != nil || k < 16 {
				return errors.New("wav: ds64 chunk too short")
			}
			v := le.Uint64(b[8:16])
			if v <= math.MaxInt64 {
				ds64Data = int64(v)
			}
			if err := d.skip(size - k); err != nil {
				return errors.New("wav: ds64 chunk runs past the end of the file")
			}
			if size%2 == 1 {
				if err := d.skipPad(); err != nil {
					return errors.New("wav: no data chunk")
				}
			}
			continue
		case "fmt ":
			if haveFmt {
				break // a second fmt chunk is ignored
			}
			if size < 16 {
				return fmt.Errorf("wav: fmt chunk is %d bytes (want at least 16)", size)
			}
			k := min(size, maxFmtRead)
			b := make([]byte, k)
			if _, err := d.read(b); err != nil {
				return errors.New("wav: fmt chunk runs past the end of the file")
			}
			if err := d.parseFmt(b); err != nil {
				return err
			}
			haveFmt = true
			if err := d.skip(size - k); err != nil {
				return errors.New("wav: fmt chunk runs past the end of the file")
			}
			if size%2 == 1 {
				if err := d.skipPad(); err != nil {
					return errors.New("wav: no data chunk")
				}
			}
			continue
		case "data":
			if !haveFmt {
				return errors.New("wav: data chunk comes before the fmt chunk")
			}
			switch {
			case d.RF64 && size == math.MaxUint32 && ds64Data >= 0:
				d.DataBytes = ds64Data
			case size == math.MaxUint32, size == 0 && openRIFF:
				d.DataBytes = -1
			default:
				d.DataBytes = size
			}
			d.remaining = d.DataBytes
			return nil
		}
		// Unknown chunk (LIST, fact, bext, cue, JUNK, …): skip it.
		if err := d.skip(size); err != nil {
			return fmt.Errorf("wav: no data chunk (chunk %q of %d bytes runs past the end of the file)", printable(ch[0:4]), size)
		}
		if size%2 == 1 {
			if err := d.skipPad(); err != nil {
				return errors.New("wav: no data chunk")
			}
		}
	}
}

// parseFmt decodes a fmt chunk (WAVEFORMATEX or WAVEFORMATEXTENSIBLE).
func (d *Reader) parseFmt(b []byte) error {
	le := binary.LittleEndian
	tag := le.Uint16(b[0:2])
	channels := int(le.Uint16(b[2:4]))
	rate := le.Uint32(b[4:8])
	blockAlign := int(le.Uint16(b[12:14]))
	bits := int(le.Uint16(b[14:16]))
	valid := bits
	var mask uint32
	if tag == tagExtensible {
		if bits%8 != 0 {
			return fmt.Errorf("wav: WAVE_FORMAT_EXTENSIBLE with a %d-bit container (want a multiple of 8)", bits)
		}
		if len(b) < 40 || le.Uint16(b[16:18]) < 22 {
			return fmt.Errorf("wav: WAVE_FORMAT_EXTENSIBLE fmt chunk is %d bytes (want 40)", len(b))
		}
		valid = int(le.Uint16(b[18:20]))
		mask = le.Uint32(b[20:24])
		if !bytes.Equal(b[26:40], guidTail[:]) {
			return fmt.Errorf("wav: unsupported WAVE_FORMAT_EXTENSIBLE subformat GUID % x", b[24:40])
		}
		tag = le.Uint16(b[24:26])
		if valid == 0 {
			valid = bits
		}
	}
	if channels == 0 {
		return errors.New("wav: fmt chunk: 0 channels")
	}
	if rate == 0 {
		return errors.New("wav: fmt chunk: sample rate 0 Hz")
	}
	if rate > math.MaxInt32 {
		return fmt.Errorf("wav: fmt chunk: sample rate %d Hz out of range", rate)
	}
	if bits == 0 {
		return errors.New("wav: fmt chunk: 0 bits per sample")
	}
	if valid > bits {
		return fmt.Errorf("wav: fmt chunk: %d valid bits in a %d-bit sample", valid, bits)
	}
	var f Format
	switch tag {
	case tagPCM:
		switch (bits + 7) / 8 {
		case 1:
			f = PCM8
		case 2:
			f = PCM16
		case 3:
			f = PCM24
		case 4:
			f = PCM32
		default:
			return fmt.Errorf("wav: unsupported %d-bit PCM", bits)
		}
		// WAVEFORMATEX may state fewer bits than whole bytes (12-bit audio
		// in 16-bit words): the container is the next whole byte, and the
		// samples are left-justified in it.
	case tagFloat:
		switch bits {
		case 32:
			f = Float32
		case 64:
			f = Float64
		default:
			return fmt.Errorf("wav: unsupported %d-bit IEEE float", bits)
		}
	default:
		return fmt.Errorf("wav: unsupported format tag 0x%04x (only PCM and IEEE float)", tag)
	}
	if want := channels * f.Bits() / 8; blockAlign != want {
		return fmt.Errorf("wav: fmt chunk: block align %d does not match %d channels of %d bits (want %d)", blockAlign, channels, bits, want)
	}
	d.Format, d.RateHz, d.Channels, d.ValidBits, d.ChannelMask = f, int(rate), channels, valid, mask
	return nil
}

// printable returns b with non-printable bytes replaced, for messages.
func printable(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7E {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}

// ReadFrames decodes up to len(dst[0]) frames into dst, one slice per
// channel (len(dst) must be Channels and all slices the same length), and
// returns the number of frames decoded. At the end of the data it returns
// 0, io.EOF. A frame cut short by the end of the file is dropped and
// Truncated reports it.
func (d *Reader) ReadFrames(dst [][]float64) (int, error) {
	if len(dst) != d.Channels {
		return 0, fmt.Errorf("wav: ReadFrames: %d destination slices for %d channels", len(dst), d.Channels)
	}
	want := len(dst[0])
	for _, c := range dst {
		if len(c) != want {
			return 0, errors.New("wav: ReadFrames: destination slices differ in length")
		}
	}
	fb := d.FrameBytes()
	done := 0
	for done < want {
		frames := min(want-done, max(1<<16/fb, 1))
		if d.remaining >= 0 {
			frames = int(min(int64(frames), d.remaining/int64(fb)))
		}
		if frames == 0 {
			if d.remaining > 0 {
				// A partial frame at the end of the stated data.
				d.skip(d.remaining)
				d.remaining = 0
				d.truncated = true
			}
			break
		}
		n := frames * fb
		if cap(d.buf) < n {
			d.buf = make([]byte, n)
		}
		b := d.buf[:n]
		got, err := d.read(b)
		if d.remaining >= 0 {
			d.remaining -= int64(got)
		}
		whole := got / fb
		decode(dst, done, b[:whole*fb], d.Format, d.Channels)
		done += whole
		if err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				// A data chunk left open ends wherever the file ends.
				if d.remaining > 0 || (d.remaining == 0 && got%fb != 0) {
					d.truncated = true
				}
				d.remaining = 0
				break
			}
			return done, fmt.Errorf("wav: reading samples: %w", err)
		}
	}
	if done == 0 && want > 0 {
		return 0, io.EOF
	}
	return done, nil
}

// Truncated reports whether the data ended before the size the data
// chunk stated, or with an incomplete frame.
func (d *Reader) Truncated() bool { return d.truncated }

// decode converts the interleaved frames in b to dst[c][at:], normalising
// PCM to [-1, 1).
func decode(dst [][]float64, at int, b []byte, f Format, channels int) {
	le := binary.LittleEndian
	bps := f.Bits() / 8
	fb := bps * channels
	frames := len(b) / fb
	for c := range channels {
		out := dst[c][at : at+frames]
		off := c * bps
		switch f {
		case PCM8:
			for i := range out {
				out[i] = (float64(b[off+i*fb]) - 128) / 128
			}
		case PCM16:
			for i := range out {
				out[i] = float64(int16(le.Uint16(b[off+i*fb:]))) / (1 << 15)
			}
		case PCM24:
			for i := range out {
				p := b[off+i*fb:]
				k := int32(uint32(p[0])<<8|uint32(p[1])<<16|uint32(p[2])<<24) >> 8
				out[i] = float64(k) / (1 << 23)
			}
		case PCM32:
			for i := range out {
				out[i] = float64(int32(le.Uint32(b[off+i*fb:]))) / (1 << 31)
			}
		case Float32:
			for i := range out {
				out[i] = float64(math.Float32frombits(le.Uint32(b[off+i*fb:])))
			}
		case Float64:
			for i := range out {
				out[i] = math.Float64frombits(le.Uint64(b[off+i*fb:]))
			}
		}
	}
}

// Read decodes a whole WAV file from r (see NewReader for what is
// accepted). Memory grows with the samples actually present, never with
// the sizes a header claims: when r tells its length (*os.File,
// *bytes.Reader, *io.SectionReader over an io.ReaderAt, …) the channels
// are allocated once to fit.
func Read(r io.Reader) (*File, error) {
	d, err := NewReader(r)
	if err != nil {
		return nil, err
	}
	fb := int64(d.FrameBytes())
	// Capacity hint: the smaller of what the header states and what the
	// input holds; without a known input size, a modest start that grows.
	hint := int64(max(1<<16/d.Channels, 1)) // 64 Ki samples in all
	switch {
	case d.avail >= 0 && d.remaining >= 0:
		hint = min(d.avail, d.remaining) / fb
	case d.avail >= 0:
		hint = d.avail / fb
	case d.remaining >= 0:
		hint = min(hint, d.remaining/fb)
	}
	f := &File{Header: d.Header, Samples: make([][]float64, d.Channels)}
	for c := range f.Samples {
		f.Samples[c] = make([]float64, 0, hint)
	}
	block := make([][]float64, d.Channels)
	blockFrames := max(1<<16/int(fb), 1)
	for {
		room := blockFrames
		for _, s := range f.Samples {
			room = min(room, cap(s)-len(s))
		}
		if room == 0 {
			if d.remaining == 0 {
				break
			}
			if d.avail == 0 {
				d.truncated = d.truncated || d.remaining > 0
				break
			}
			for c, s := range f.Samples {
				f.Samples[c] = append(s, make([]float64, blockFrames)...)[:len(s)]
			}
			room = blockFrames
		}
		for c, s := range f.Samples {
			block[c] = s[len(s) : len(s)+room]
		}
		n, err := d.ReadFrames(block)
		for c, s := range f.Samples {
			f.Samples[c] = s[:len(s)+n]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	f.Truncated = d.truncated
	return f, nil
}

// ReadFile decodes the WAV file at path; see Read.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return Read(fh)
}
