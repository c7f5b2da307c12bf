package features

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Bearing is a rolling-element bearing's kinematics, either from geometry
// or as defect orders given directly.
type Bearing struct {
	// Name is the catalog name ("6205") or "" for a bearing given by flags.
	Name string
	// BallDiameterIn, PitchDiameterIn (inches), Balls and ContactAngleDeg
	// describe the geometry; zero when the bearing is given by orders.
	BallDiameterIn, PitchDiameterIn float64
	Balls                           int
	ContactAngleDeg                 float64
	// Orders are the defect frequencies as multiples of shaft speed.
	Orders DefectOrders
}

// DefectOrders are bearing defect frequencies as multiples of the shaft
// speed (inner ring rotating, outer ring fixed).
type DefectOrders struct {
	// BPFO is the ball-pass frequency of the outer race.
	BPFO float64
	// BPFI is the ball-pass frequency of the inner race.
	BPFI float64
	// BSF is the classical ball-spin frequency (one revolution of a ball
	// about its own axis). A ball defect striking both races shows at
	// 2×BSF, which is what CWRU lists as "BSF".
	BSF float64
	// FTF is the fundamental train (cage) frequency.
	FTF float64
}

// OrdersFromGeometry returns the defect orders of a bearing with n rolling
// elements of diameter d on pitch diameter D (same unit) and contact angle
// phi, from the classical kinematic formulas with r = d/D·cos(phi)
// (Randall & Antoni 2011, eq. 1–4):
//
//	FTF  = (1 − r)/2
//	BPFO = n/2·(1 − r)
//	BPFI = n/2·(1 + r)
//	BSF  = D/(2d)·(1 − r²)
//
// It panics if d, D or n are not positive (programmer error).
func OrdersFromGeometry(d, D float64, n int, phiDeg float64) DefectOrders {
	if d <= 0 || D <= 0 || n <= 0 {
		panic("features: OrdersFromGeometry needs positive d, D and n")
	}
	r := d / D * math.Cos(phiDeg*math.Pi/180)
	return DefectOrders{
		FTF:  (1 - r) / 2,
		BPFO: float64(n) / 2 * (1 - r),
		BPFI: float64(n) / 2 * (1 + r),
		BSF:  D / (2 * d) * (1 - r*r),
	}
}

// Frequencies returns the defect frequencies in hertz at shaft speed rpm.
func (o DefectOrders) Frequencies(rpm float64) DefectOrders {
	f := rpm / 60
	return DefectOrders{BPFO: o.BPFO * f, BPFI: o.BPFI * f, BSF: o.BSF * f, FTF: o.FTF * f}
}

// catalog holds the built-in bearings; geometry as published by the
// manufacturer (SKF 6205-2RS JEM and 6203-2RS JEM as used on the CWRU
// test rig, ../shared/data/README.md).
var catalog = map[string]Bearing{
	"6205": {Name: "6205", BallDiameterIn: 0.3126, PitchDiameterIn: 1.537, Balls: 9},
	"6203": {Name: "6203", BallDiameterIn: 0.2656, PitchDiameterIn: 1.122, Balls: 8},
}

// LookupBearing returns the catalog bearing called name (case-insensitive,
// an "SKF " prefix and a "-2RS…" suffix ignored) with its orders computed
// from geometry.
func LookupBearing(name string) (Bearing, error) {
	key := strings.ToUpper(strings.TrimSpace(name))
	key = strings.TrimPrefix(key, "SKF ")
	if i := strings.IndexByte(key, '-'); i > 0 {
		key = key[:i]
	}
	b, ok := catalog[key]
	if !ok {
		return Bearing{}, fmt.Errorf("unknown bearing %q (catalog: %s; or give defect orders with --bpfo --bpfi --bsf --ftf)", name, strings.Join(CatalogNames(), ", "))
	}
	b.Orders = OrdersFromGeometry(b.BallDiameterIn, b.PitchDiameterIn, b.Balls, b.ContactAngleDeg)
	return b, nil
}

// CatalogNames returns the names of the built-in bearings, sorted.
func CatalogNames() []string {
	names := make([]string, 0, len(catalog))
	for n := range catalog {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
