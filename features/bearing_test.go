package features

import (
	"math"
	"testing"
)

// The CWRU rig's published orders (../shared/data/README.md); CWRU's "BSF"
// is 2× the classical ball spin.
func TestLookupBearingMatchesCWRU(t *testing.T) {
	cases := []struct {
		name                   string
		bpfi, bpfo, ftf, bsf2x float64
	}{
		{"6205", 5.4152, 3.5848, 0.39828, 4.7135},
		{"SKF 6203-2RS JEM", 4.9469, 3.0530, 0.3817, 3.9874},
	}
	for _, c := range cases {
		b, err := LookupBearing(c.name)
		if err != nil {
			t.Fatal(err)
		}
		o := b.Orders
		for _, v := range []struct {
			what      string
			got, want float64
		}{{"BPFI", o.BPFI, c.bpfi}, {"BPFO", o.BPFO, c.bpfo}, {"FTF", o.FTF, c.ftf}, {"2xBSF", 2 * o.BSF, c.bsf2x}} {
			if math.Abs(v.got-v.want)/v.want > 2e-4 {
				t.Errorf("%s %s = %.5f, CWRU %.5f", c.name, v.what, v.got, v.want)
			}
		}
	}
}

func TestFrequenciesAt1797rpm(t *testing.T) {
	b, _ := LookupBearing("6205")
	f := b.Orders.Frequencies(1797)
	if math.Abs(f.BPFI-162.19) > 0.02 || math.Abs(f.BPFO-107.36) > 0.02 {
		t.Errorf("BPFI %.2f BPFO %.2f, want 162.19 and 107.36 Hz", f.BPFI, f.BPFO)
	}
}

func TestLookupBearingUnknown(t *testing.T) {
	if _, err := LookupBearing("9999"); err == nil {
		t.Fatal("want an error for an unknown bearing")
	}
}

func TestGearLines(t *testing.T) {
	// 25 teeth at 1500 rpm: mesh 625 Hz, sidebands every 25 Hz.
	lines := GearLines(25, 1500, 2, 1)
	want := []struct {
		label string
		hz    float64
	}{{"GMF", 625}, {"GMF −1×", 600}, {"GMF +1×", 650}, {"GMF ×2", 1250}, {"GMF ×2 −1×", 1225}, {"GMF ×2 +1×", 1275}}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d: %+v", len(lines), len(want), lines)
	}
	for i, w := range want {
		if lines[i].Label != w.label || math.Abs(lines[i].FreqHz-w.hz) > 1e-9 {
			t.Errorf("line %d: %s %.3f Hz, want %s %.3f Hz", i, lines[i].Label, lines[i].FreqHz, w.label, w.hz)
		}
	}
	if l, ok := NearestLine(lines, 1226, 2, 0); !ok || l.Label != "GMF ×2 −1×" {
		t.Errorf("NearestLine(1226 Hz) = %+v, %v", l, ok)
	}
	if _, ok := NearestLine(lines, 700, 2, 0.01); ok {
		t.Error("NearestLine(700 Hz) matched, want none")
	}
}
