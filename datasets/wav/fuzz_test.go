package wav

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Read: it must not panic, must return
// consistent channels, and must never decode more frames than the input
// holds bytes for.
func FuzzRead(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.wav"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, r := range []func() (*File, error){
			func() (*File, error) { return Read(bytes.NewReader(data)) },
			func() (*File, error) { return Read(onlyReader{bytes.NewReader(data)}) },
		} {
			w, err := r()
			if err != nil {
				if w != nil {
					t.Fatal("non-nil File with an error")
				}
				continue
			}
			if w.Channels <= 0 || w.RateHz <= 0 || len(w.Samples) != w.Channels {
				t.Fatalf("bad header accepted: %+v", w.Header)
			}
			for _, c := range w.Samples {
				if len(c) != w.Frames() {
					t.Fatal("channels differ in length")
				}
			}
			if int64(w.Frames())*int64(w.FrameBytes()) > int64(len(data)) {
				t.Fatalf("%d frames of %d bytes from %d bytes of input", w.Frames(), w.FrameBytes(), len(data))
			}
		}
	})
}
