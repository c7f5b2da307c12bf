package features

import (
	"math"
	"strings"
)

// StandardGravity is g_n in m/s², used to convert captures in g to m/s²
// (CGPM 1901; ISO 80000-3).
const StandardGravity = 9.80665

// Zone codes of the iso_zone columns. The sources below give only the B/C
// and C/D boundaries, so A and B are one zone, coded 2; ZoneA is never
// produced and is declared for the reader of the table.
const (
	ZoneA  = 1 // newly commissioned (not separable from B, never emitted)
	ZoneAB = 2 // below the B/C boundary: acceptable for long-term operation
	ZoneC  = 3 // between B/C and C/D: not for long-term continuous operation
	ZoneD  = 4 // at or above C/D: potentially damaging
)

// ISOBoundary is one evaluated quantity of an ISO 20816-21 / VDI 3834-1
// component group: the feature column that holds it and its B/C and C/D
// zone boundaries in the column's unit.
type ISOBoundary struct {
	Column string
	BC, CD float64
}

// ISO groups understood by Kinematics.ISOGroup (after lower-casing and
// mapping '-' and ' ' to '_'; aliases in isoGroupAliases).
const (
	ISOGroupNacelle     = "nacelle_tower"
	ISOGroupMainBearing = "main_bearing"
	ISOGroupGearbox     = "gearbox"
	ISOGroupGenerator   = "generator"
)

var isoGroupAliases = map[string]string{
	"nacelle":                 ISOGroupNacelle,
	"tower":                   ISOGroupNacelle,
	"nacelle_tower":           ISOGroupNacelle,
	"nacelle_and_tower":       ISOGroupNacelle,
	"main_bearing":            ISOGroupMainBearing,
	"rotor":                   ISOGroupMainBearing,
	"rotor_bearing":           ISOGroupMainBearing,
	"rotor_main_bearing":      ISOGroupMainBearing,
	"rotor_with_main_bearing": ISOGroupMainBearing,
	"gearbox":                 ISOGroupGearbox,
	"gear":                    ISOGroupGearbox,
	"generator":               ISOGroupGenerator,
}

// isoZoneTable holds the evaluation zone boundaries for wind turbines with
// gearbox of VDI 3834 Part 1:2009 (Table 1), which ISO 10816-21:2015
// reproduces for information in its Annex A (onshore turbines up to 3 MW).
// ISO 20816-21:2025 replaced ISO 10816-21 with a revised annex whose
// values could not be checked, so they are not used. The numbers were not
// read from the standards themselves: they are the widely reproduced
// VDI 3834-1 table, cross-checked against an independent public
// implementation of VDI 3834-1 (MATLAB, P. Riabtsev 2017) that uses the
// same bands and boundaries. Accelerations are r.m.s. in m/s², velocities
// r.m.s. in mm/s, in the band the column name states. docs/features.md
// repeats the table.
var isoZoneTable = map[string][]ISOBoundary{
	ISOGroupNacelle: {
		{"acceleration_rms_0p1_10_hz_m_s2", 0.3, 0.5},
		{"velocity_rms_0p1_10_hz_mm_s", 60, 100},
	},
	ISOGroupMainBearing: {
		{"acceleration_rms_0p1_10_hz_m_s2", 0.3, 0.5},
		{"velocity_rms_10_1000_hz_mm_s", 2.0, 3.2},
	},
	ISOGroupGearbox: {
		{"acceleration_rms_0p1_10_hz_m_s2", 0.3, 0.5},
		{"acceleration_rms_10_2000_hz_m_s2", 7.5, 12},
		{"velocity_rms_10_1000_hz_mm_s", 3.5, 5.6},
	},
	ISOGroupGenerator: {
		{"acceleration_rms_10_5000_hz_m_s2", 10, 16},
		{"velocity_rms_10_1000_hz_mm_s", 6.0, 10},
	},
}

// ISOZoneBoundaries returns the evaluated quantities of the component
// group named group (see the ISOGroup constants; aliases such as "rotor"
// or "tower" are accepted), nil for an unknown group. The slice is shared:
// do not modify it.
func ISOZoneBoundaries(group string) []ISOBoundary {
	return isoZoneTable[canonicalISOGroup(group)]
}

// isoGroupSeparators maps the separators a user may write in a group name
// to '_'.
var isoGroupSeparators = strings.NewReplacer("-", "_", " ", "_")

func canonicalISOGroup(group string) string {
	if g, ok := isoGroupAliases[group]; ok { // the common case, without allocating
		return g
	}
	return isoGroupAliases[isoGroupSeparators.Replace(strings.ToLower(strings.TrimSpace(group)))]
}

// ISOZone returns the zone code of value against boundaries bc < cd:
// ZoneAB below bc, ZoneC from bc up to cd, ZoneD from cd on (a value on a
// boundary belongs to the worse zone), NaN for a NaN value.
func ISOZone(value, bc, cd float64) float64 {
	switch {
	case math.IsNaN(value):
		return math.NaN()
	case value >= cd:
		return ZoneD
	case value >= bc:
		return ZoneC
	}
	return ZoneAB
}
