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
