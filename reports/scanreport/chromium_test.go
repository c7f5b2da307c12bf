package scanreport

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// needChromium skips the test when no Chromium is installed, except in CI
// (CI=true), where the browser check must run.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := FindChromium(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %v (scripts/test.sh installs it with apt-get)", err)
		}
		t.Skipf("skipping the browser check: %v", err)
	}
}

// TestChromiumRendersReport opens a report with several alarms and
// hostile names in headless Chromium and checks the DOM the browser built:
// the fleet table, every alarm section with its figures, and no trace of
// the hostile names' scripts. Set SCANREPORT_KEEP=DIR to keep the page
// and its screenshot for a look.
func TestChromiumRendersReport(t *testing.T) {
	needChromium(t)
	dir := t.TempDir()
	if keep := os.Getenv("SCANREPORT_KEEP"); keep != "" {
		dir = keep
	}
	r := sampleReport(4, "WT01", hostile, "WT03")
	r.Title = "windpm scan — " + hostile
	r.Alarms[1].ID = hostile
	for i := range r.Components {
		if r.Components[i].AlarmID == r.Alarms[1].ID {
			r.Components[i].AlarmID = hostile
		}
	}
	page := filepath.Join(dir, "report.html")
	if err := WriteHTML(page, r); err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		file  string
		write func(string, *Report) error
	}{{"report.md", WriteMarkdown}, {"summary.json", WriteSummaryJSON}} {
		if err := w.write(filepath.Join(dir, w.file), r); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dom, err := DumpDOM(ctx, page)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(strings.NewReader(dom))
	if err != nil {
		t.Fatal(err)
	}
	// The browser's DOM has the same parts as the file: the template's
	// output survived a real parser, CSS and all.
	checkStructure(t, doc, r)
	body := findAll(doc, byTag("body"))
	if len(body) != 1 {
		t.Fatal("no body in the DOM")
	}
	if v, ok := attr(body[0], "data-pwned"); ok {
		t.Fatalf("a script from a hostile name ran (data-pwned=%s)", v)
	}
	if n := len(findAll(doc, byTag("svg"))); n != 4*(3+2) {
		t.Errorf("%d svg elements in the DOM, want %d", n, 4*(3+2))
	}
	if !strings.Contains(text(findAll(doc, byTag("h1"))[0]), "<script>") {
		t.Error("the hostile title is not shown as text")
	}

	shot := filepath.Join(dir, "report.png")
	if err := Screenshot(ctx, page, shot, 1280, 1600); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if sz := img.Bounds().Size(); sz.X != 1280 || sz.Y != 1600 {
		t.Errorf("screenshot is %v, want 1280 × 1600", sz)
	}
	// A page is not blank: the severity colours of the fleet table are
	// among its pixels.
	colours := map[string]bool{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			switch [3]uint32{r >> 8, g >> 8, b >> 8} {
			case [3]uint32{0xfd, 0xe0, 0xe0}:
				colours["alarm"] = true
			case [3]uint32{0xe8, 0xf5, 0xe9}:
				colours["ok"] = true
			case [3]uint32{0xff, 0xf6, 0xcc}:
				colours["watch"] = true
			}
		}
	}
	for _, c := range []string{"ok", "watch", "alarm"} {
		if !colours[c] {
			t.Errorf("the screenshot shows no %s row colour", c)
		}
	}
	t.Logf("report.html %d bytes, screenshot %d bytes", fileSize(t, page), len(b))
}

func fileSize(t *testing.T, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func TestChromiumErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := FindChromium(); err != nil {
		if !errors.Is(err, ErrNoChromium) {
			t.Errorf("FindChromium: %v does not wrap ErrNoChromium", err)
		}
		if err := Screenshot(ctx, "x.html", filepath.Join(t.TempDir(), "x.png"), 10, 10); !errors.Is(err, ErrNoChromium) {
			t.Errorf("Screenshot without chromium: %v", err)
		}
		return
	}
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.html")
	if _, err := DumpDOM(ctx, missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("DumpDOM of a missing file: %v", err)
	}
	if err := Screenshot(ctx, missing, filepath.Join(dir, "x.png"), 0, 10); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("Screenshot with a zero width: %v", err)
	}
	t.Setenv("PATH", dir)
	if err := Screenshot(ctx, missing, filepath.Join(dir, "x.png"), 10, 10); !errors.Is(err, ErrNoChromium) {
		t.Errorf("Screenshot with an empty PATH: %v", err)
	}
}
