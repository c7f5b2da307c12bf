package scanreport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/windpm/windpm/reports/atomicfile"
)

// ChromiumNames are the executables FindChromium looks for in PATH, in
// order.
var ChromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ErrNoChromium is returned (wrapped) by FindChromium, Screenshot and
// DumpDOM when no Chromium is installed.
var ErrNoChromium = errors.New("no Chromium found in PATH (looked for " + strings.Join(ChromiumNames, ", ") + "); on Debian or Ubuntu: apt-get install chromium")

// FindChromium returns the path of the first of ChromiumNames found in
// PATH, or an error wrapping ErrNoChromium.
func FindChromium() (string, error) {
	for _, name := range ChromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// Screenshot opens the HTML file htmlPath in a headless Chromium with a
// window of width × height CSS pixels and saves what it shows (the top of
// the page) as a PNG at pngPath, atomically. ctx bounds the run.
func Screenshot(ctx context.Context, htmlPath, pngPath string, width, height int) error {
	if width <= 0 || height <= 0 {
		return fmt.Errorf("screenshot of %s: window %d × %d is empty", htmlPath, width, height)
	}
	tmp, err := os.MkdirTemp("", "windpm-chromium-*")
	if err != nil {
		return fmt.Errorf("screenshot of %s: %w", htmlPath, err)
	}
	defer os.RemoveAll(tmp)
	shot := filepath.Join(tmp, "screenshot.png")
	if _, err := runChromium(ctx, tmp, htmlPath,
		"--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height),
		"--screenshot="+shot); err != nil {
		return err
	}
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		return fmt.Errorf("screenshot of %s: chromium wrote no PNG", htmlPath)
	}
	return atomicfile.Write(pngPath, func(w io.Writer) error {
		_, err := w.Write(png)
		return err
	})
}

// DumpDOM opens the HTML file htmlPath in a headless Chromium and returns
// the document as the browser built it (--dump-dom): what a test checks to
// know that a page renders, and that nothing in it ran a script. ctx
// bounds the run.
func DumpDOM(ctx context.Context, htmlPath string) (string, error) {
	tmp, err := os.MkdirTemp("", "windpm-chromium-*")
	if err != nil {
		return "", fmt.Errorf("dom of %s: %w", htmlPath, err)
	}
	defer os.RemoveAll(tmp)
	out, err := runChromium(ctx, tmp, htmlPath, "--dump-dom")
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// runChromium runs a headless Chromium on the file htmlPath with a fresh
// profile in tmp and the extra arguments, and returns its standard output.
// The flags keep it from touching the network (no updates, sync or
// background requests) and let it run as root in a container.
func runChromium(ctx context.Context, tmp, htmlPath string, extra ...string) ([]byte, error) {
	bin, err := FindChromium()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(htmlPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", htmlPath, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("%s: %w", htmlPath, atomicfile.UnwrapPathError(err))
	}
	args := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
		"--user-data-dir=" + filepath.Join(tmp, "profile"),
	}
	args = append(args, extra...)
	args = append(args, (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String())
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), "HOME="+tmp) // Chromium writes caches under HOME
	// Chromium's helper processes may keep the output pipes open after the
	// browser exits or is killed; do not wait for them forever.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s on %s: %w", filepath.Base(bin), htmlPath, ctx.Err())
		}
		return nil, fmt.Errorf("%s on %s: %w: %s", filepath.Base(bin), htmlPath, err, lastLines(stderr.String(), 3))
	}
	return stdout.Bytes(), nil
}

// lastLines returns the last n non-empty lines of s, joined by " | ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
