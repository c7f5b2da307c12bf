package datasets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strings"

	"github.com/windpm/windpm/datasets/store"
	"github.com/windpm/windpm/reports/atomicfile"

	"gopkg.in/yaml.v3"
)

// AssetsVersion is the version of the assets file format this package
// reads and writes.
const AssetsVersion = 1

// maxAssetsBytes bounds the size of an assets file; a real fleet's file is
// a few hundred kilobytes at most.
const maxAssetsBytes = 16 << 20

// Assets is the content of an assets file (assets.yaml): the turbines of a
// fleet, their sensors and the kinematics each sensor sees. See
// docs/assets.md for the format.
type Assets struct {
	// Version is the format version; AssetsVersion.
	Version int `yaml:"version"`
	// Site is an optional name for the fleet or wind farm.
	Site string `yaml:"site,omitempty"`
	// ElevationM is the site's elevation in metres above sea level, nil
	// when not given; the SCADA analysis takes the air pressure for the
	// air density from it (ISO 2533 standard atmosphere, docs/scada.md).
	ElevationM *float64 `yaml:"elevation_m,omitempty"`
	// Turbines lists the turbines in file order.
	Turbines []Turbine `yaml:"turbines"`
}

// Turbine is one turbine of an assets file.
type Turbine struct {
	// ID names the turbine as in the fleet folder and the SCADA
	// ("WT01"); unique in the file.
	ID string `yaml:"id"`
	// Model is an optional free-text turbine type.
	Model string `yaml:"model,omitempty"`
	// Sensors lists the turbine's vibration sensors.
	Sensors []Sensor `yaml:"sensors"`
	// Line is the line of the turbine's entry in the file, 0 when not read
	// from a file.
	Line int `yaml:"-"`
}

// Sensor is one vibration sensor of a turbine and the machine it sees.
type Sensor struct {
	// ID names the sensor as in the fleet folder ("gbx_hss"); unique
	// within its turbine.
	ID string `yaml:"id"`
	// Component is the drivetrain component the sensor is mounted on:
	// main_bearing, gearbox, generator, … (lower-case snake_case).
	Component string `yaml:"component"`
	// ISOGroup is the ISO 20816-21 component group whose evaluation zones
	// apply, as free text ("" when not stated).
	ISOGroup string `yaml:"iso_group,omitempty"`
	// Unit is the physical unit of the sensor's captures: g, m/s2, mm/s,
	// or "" when the captures state it.
	Unit string `yaml:"unit,omitempty"`
	// SensitivityMVPerUnit is the sensor sensitivity in millivolts per
	// Unit (mV/g for an accelerometer), needed only for raw captures in
	// volts; 0 when not given.
	SensitivityMVPerUnit float64 `yaml:"sensitivity_mv_per_unit,omitempty"`
	// Shaft is the shaft the sensor's speed (rpm) refers to.
	Shaft Shaft `yaml:"shaft"`
	// Bearing is the bearing the sensor sees, nil when none.
	Bearing *BearingRef `yaml:"bearing,omitempty"`
	// Gear is the gear mesh the sensor sees, nil when none.
	Gear *Gear `yaml:"gear,omitempty"`
	// Bands are frequency bands of this component whose power the feature
	// table reports (band_power_<name>), such as a structural resonance
	// or a known problem band.
	Bands []Band `yaml:"bands,omitempty"`
	// Line is the line of the sensor's entry in the file, 0 when not read
	// from a file.
	Line int `yaml:"-"`
}

// Shaft names the reference shaft of a sensor and its speed relative to
// the rotor.
type Shaft struct {
	// Name is the shaft's name ("main", "hss", "generator").
	Name string `yaml:"name"`
	// RatioToRotor is the shaft speed divided by the rotor speed (1 for
	// the main shaft, the gearbox ratio for the high-speed shaft); 0 when
	// unknown.
	RatioToRotor float64 `yaml:"ratio_to_rotor,omitempty"`
}

// BearingRef is a bearing given by catalog name, by defect orders, or
// both (then Orders win and Name is descriptive).
type BearingRef struct {
	// Name is a bearing catalog name such as "6205" or a descriptive name.
	Name string `yaml:"name,omitempty"`
	// Orders are the defect frequencies as multiples of the reference
	// shaft speed, nil when the catalog name is to be looked up.
	Orders *BearingOrders `yaml:"orders,omitempty"`
}

// BearingOrders are bearing defect frequencies as multiples of the shaft
// speed, with the conventions of features.DefectOrders (BSF is the
// classical ball-spin frequency; a ball defect shows at 2×BSF).
type BearingOrders struct {
	BPFO float64 `yaml:"bpfo"`
	BPFI float64 `yaml:"bpfi"`
	BSF  float64 `yaml:"bsf"`
	FTF  float64 `yaml:"ftf"`
}

// Band is a named frequency band of a component.
type Band struct {
	// Name is lower-case snake_case; it becomes the feature column
	// band_power_<name>.
	Name string `yaml:"name"`
	// LoHz and HiHz are the band edges in hertz, 0 <= LoHz < HiHz.
	LoHz float64 `yaml:"lo_hz"`
	HiHz float64 `yaml:"hi_hz"`
}

// Gear is a gear mesh seen by a sensor.
type Gear struct {
	// Teeth is the number of teeth of the gear on the reference shaft, so
	// that the mesh frequency is Teeth × shaft speed.
	Teeth int `yaml:"teeth"`
	// Ratio is the speed ratio of the stage (output speed over input
	// speed); 0 when not given.
	Ratio float64 `yaml:"ratio,omitempty"`
}

// Sensor returns the sensor called sensor of the turbine called turbine,
// or nil when the file has no such sensor.
func (a *Assets) Sensor(turbine, sensor string) *Sensor {
	for i := range a.Turbines {
		t := &a.Turbines[i]
		if t.ID != turbine {
			continue
		}
		for j := range t.Sensors {
			if t.Sensors[j].ID == sensor {
				return &t.Sensors[j]
			}
		}
	}
	return nil
}

// ReadAssets reads and validates the assets file at path. Every error is a
// *FileError naming path and, where known, the line.
func ReadAssets(path string) (*Assets, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	defer f.Close()
	return readAssets(path, f)
}

// ReadAssetsAt reads the assets file at loc: a local path (ReadAssets) or
// the URL of an object (s3://bucket/site/assets.yaml; the folder's
// location is opened once per process, see store.OpenShared). Errors are
// *FileError naming loc (for a URL without its query).
func ReadAssetsAt(ctx context.Context, loc string) (*Assets, error) {
	if !store.IsURL(loc) {
		return ReadAssets(loc)
	}
	parent, key, err := store.SplitURL(loc)
	if err != nil {
		return nil, err
	}
	if key == "" {
		return nil, fmt.Errorf("%s: names a bucket, not an assets file", store.DisplayURL(loc))
	}
	st, err := store.OpenShared(ctx, parent)
	if err != nil {
		return nil, err
	}
	return readAssetsObject(ctx, st, key)
}

// readAssetsObject reads the assets file key of st.
func readAssetsObject(ctx context.Context, st *store.Store, key string) (*Assets, error) {
	r, err := st.Open(ctx, key)
	if err != nil {
		return nil, storeFileError(st.URL(key), err)
	}
	defer r.Close()
	return readAssets(st.URL(key), r)
}

// readAssets reads and validates an assets file (named path) from r.
func readAssets(path string, r io.Reader) (*Assets, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxAssetsBytes+1))
	if err != nil {
		return nil, storeFileError(path, err)
	}
	if len(data) > maxAssetsBytes {
		return nil, fileErrorf(path, "assets file larger than %d bytes", maxAssetsBytes)
	}
	a, err := ParseAssets(data)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	return a, nil
}

// ParseAssets decodes and validates the content of an assets file. Errors
// name the line where yaml or the validation knows it.
func ParseAssets(data []byte) (*Assets, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty assets file")
		}
		return nil, fmt.Errorf("yaml: %w", trimYAMLError(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one YAML document in the assets file")
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	var a Assets
	if err := decodeAssets(doc, &a); err != nil {
		return nil, err
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return &a, nil
}

// trimYAMLError drops the "yaml: " prefix yaml.v3 puts on its messages.
func trimYAMLError(err error) error {
	return errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
}

// lineError is an error at a line of the assets file.
func lineError(line int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		return fmt.Errorf("line %d: %s", line, msg)
	}
	return errors.New(msg)
}

// mappingFields checks that n is a mapping whose keys are all in allowed
// and returns the value node of each key.
func mappingFields(n *yaml.Node, what string, allowed ...string) (map[string]*yaml.Node, error) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return nil, lineError(n.Line, "%s: expected a mapping", what)
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, lineError(k.Line, "%s: keys must be plain names", what)
		}
		known := false
		for _, a := range allowed {
			if k.Value == a {
				known = true
				break
			}
		}
		if !known {
			return nil, lineError(k.Line, "%s: unknown key %q (known: %s)", what, k.Value, strings.Join(allowed, ", "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, lineError(k.Line, "%s: key %q given twice", what, k.Value)
		}
		out[k.Value] = v
	}
	return out, nil
}

// decodeScalar decodes the scalar node n (if present) into dst.
func decodeScalar(n *yaml.Node, what string, dst any) error {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.ScalarNode {
		return lineError(n.Line, "%s: expected a single value", what)
	}
	if err := n.Decode(dst); err != nil {
		return lineError(n.Line, "%s: %q is not a valid %s", what, n.Value, kindName(dst))
	}
	return nil
}

func kindName(dst any) string {
	switch dst.(type) {
	case *int:
		return "integer"
	case *float64:
		return "number"
	default:
		return "string"
	}
}

// sequence returns the items of the sequence node n (nil n: none).
func sequence(n *yaml.Node, what string) ([]*yaml.Node, error) {
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, lineError(n.Line, "%s: expected a list", what)
	}
	return n.Content, nil
}

func decodeAssets(n *yaml.Node, a *Assets) error {
	f, err := mappingFields(n, "assets", "version", "site", "elevation_m", "turbines")
	if err != nil {
		return err
	}
	if err := decodeScalar(f["version"], "version", &a.Version); err != nil {
		return err
	}
	if err := decodeScalar(f["site"], "site", &a.Site); err != nil {
		return err
	}
	if e := f["elevation_m"]; e != nil {
		var v float64
		if err := decodeScalar(e, "elevation_m", &v); err != nil {
			return err
		}
		if math.IsNaN(v) || v < -500 || v > 9000 {
			return lineError(e.Line, "elevation_m: %g is not a site elevation in metres (want -500 to 9000)", v)
		}
		a.ElevationM = &v
	}
	items, err := sequence(f["turbines"], "turbines")
	if err != nil {
		return err
	}
	for _, it := range items {
		t := Turbine{Line: it.Line}
		if err := decodeTurbine(it, &t); err != nil {
			return err
		}
		a.Turbines = append(a.Turbines, t)
	}
	return nil
}

func decodeTurbine(n *yaml.Node, t *Turbine) error {
	f, err := mappingFields(n, "turbine", "id", "model", "sensors")
	if err != nil {
		return err
	}
	if err := decodeScalar(f["id"], "turbine id", &t.ID); err != nil {
		return err
	}
	if err := decodeScalar(f["model"], "turbine "+t.ID+": model", &t.Model); err != nil {
		return err
	}
	items, err := sequence(f["sensors"], "turbine "+t.ID+": sensors")
	if err != nil {
		return err
	}
	for _, it := range items {
		s := Sensor{Line: it.Line}
		if err := decodeSensor(it, t.ID, &s); err != nil {
			return err
		}
		t.Sensors = append(t.Sensors, s)
	}
	return nil
}

func decodeSensor(n *yaml.Node, turbine string, s *Sensor) error {
	f, err := mappingFields(n, "turbine "+turbine+": sensor", "id", "component", "iso_group", "unit",
		"sensitivity_mv_per_unit", "shaft", "bearing", "gear", "bands")
	if err != nil {
		return err
	}
	what := "turbine " + turbine + ": sensor"
	if err := decodeScalar(f["id"], what+" id", &s.ID); err != nil {
		return err
	}
	what = "turbine " + turbine + ": sensor " + s.ID
	for _, p := range []struct {
		key string
		dst any
	}{
		{"component", &s.Component},
		{"iso_group", &s.ISOGroup},
		{"unit", &s.Unit},
		{"sensitivity_mv_per_unit", &s.SensitivityMVPerUnit},
	} {
		if err := decodeScalar(f[p.key], what+": "+p.key, p.dst); err != nil {
			return err
		}
	}
	if sn := f["shaft"]; sn != nil {
		sf, err := mappingFields(sn, what+": shaft", "name", "ratio_to_rotor")
		if err != nil {
			return err
		}
		if err := decodeScalar(sf["name"], what+": shaft name", &s.Shaft.Name); err != nil {
			return err
		}
		if err := decodeScalar(sf["ratio_to_rotor"], what+": shaft ratio_to_rotor", &s.Shaft.RatioToRotor); err != nil {
			return err
		}
	}
	if bn := f["bearing"]; bn != nil {
		bf, err := mappingFields(bn, what+": bearing", "name", "orders")
		if err != nil {
			return err
		}
		b := &BearingRef{}
		if err := decodeScalar(bf["name"], what+": bearing name", &b.Name); err != nil {
			return err
		}
		if on := bf["orders"]; on != nil {
			of, err := mappingFields(on, what+": bearing orders", "bpfo", "bpfi", "bsf", "ftf")
			if err != nil {
				return err
			}
			o := &BearingOrders{}
			for _, p := range []struct {
				key string
				dst *float64
			}{{"bpfo", &o.BPFO}, {"bpfi", &o.BPFI}, {"bsf", &o.BSF}, {"ftf", &o.FTF}} {
				if err := decodeScalar(of[p.key], what+": bearing orders "+p.key, p.dst); err != nil {
					return err
				}
			}
			b.Orders = o
		}
		s.Bearing = b
	}
	if gn := f["gear"]; gn != nil {
		gf, err := mappingFields(gn, what+": gear", "teeth", "ratio")
		if err != nil {
			return err
		}
		g := &Gear{}
		if err := decodeScalar(gf["teeth"], what+": gear teeth", &g.Teeth); err != nil {
			return err
		}
		if err := decodeScalar(gf["ratio"], what+": gear ratio", &g.Ratio); err != nil {
			return err
		}
		s.Gear = g
	}
	if bn := f["bands"]; bn != nil {
		items, err := sequence(bn, what+": bands")
		if err != nil {
			return err
		}
		for _, it := range items {
			bf, err := mappingFields(it, what+": band", "name", "lo_hz", "hi_hz")
			if err != nil {
				return err
			}
			var b Band
			for _, p := range []struct {
				key string
				dst any
			}{{"name", &b.Name}, {"lo_hz", &b.LoHz}, {"hi_hz", &b.HiHz}} {
				if err := decodeScalar(bf[p.key], what+": band "+p.key, p.dst); err != nil {
					return err
				}
			}
			s.Bands = append(s.Bands, b)
		}
	}
	return nil
}

var assetIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
var componentPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// assetUnits are the units a sensor may state (DESIGN.md, manifest).
var assetUnits = []string{"g", "m/s2", "mm/s"}

// Validate checks the assets: version, unique non-empty turbine and sensor
// ids usable as folder names, a component per sensor, known units, finite
// non-negative numbers, a bearing given by name or positive orders, gears
// with at least one tooth. Errors name the line when the assets came from
// a file.
func (a *Assets) Validate() error {
	if a.Version != AssetsVersion {
		return fmt.Errorf("version: got %d, want %d", a.Version, AssetsVersion)
	}
	if e := a.ElevationM; e != nil && (math.IsNaN(*e) || *e < -500 || *e > 9000) {
		return fmt.Errorf("elevation_m: %g is not a site elevation in metres (want -500 to 9000)", *e)
	}
	if len(a.Turbines) == 0 {
		return errors.New("no turbines")
	}
	seen := make(map[string]int, len(a.Turbines))
	for i := range a.Turbines {
		t := &a.Turbines[i]
		if !assetIDPattern.MatchString(t.ID) {
			return lineError(t.Line, "turbine id %q: want letters, digits, '_', '.', '-'", t.ID)
		}
		if l, dup := seen[t.ID]; dup {
			return lineError(t.Line, "turbine %s given twice (first at line %d)", t.ID, l)
		}
		seen[t.ID] = t.Line
		sseen := make(map[string]int, len(t.Sensors))
		for j := range t.Sensors {
			s := &t.Sensors[j]
			if err := s.validate(t.ID); err != nil {
				return err
			}
			if l, dup := sseen[s.ID]; dup {
				return lineError(s.Line, "turbine %s: sensor %s given twice (first at line %d)", t.ID, s.ID, l)
			}
			sseen[s.ID] = s.Line
		}
	}
	return nil
}

func (s *Sensor) validate(turbine string) error {
	bad := func(format string, args ...any) error {
		return lineError(s.Line, "turbine %s: sensor %s: %s", turbine, s.ID, fmt.Sprintf(format, args...))
	}
	if !assetIDPattern.MatchString(s.ID) {
		return lineError(s.Line, "turbine %s: sensor id %q: want letters, digits, '_', '.', '-'", turbine, s.ID)
	}
	if !componentPattern.MatchString(s.Component) {
		return bad("component %q: want a lower-case name such as main_bearing, gearbox, generator", s.Component)
	}
	if s.Unit != "" {
		ok := false
		for _, u := range assetUnits {
			if s.Unit == u {
				ok = true
			}
		}
		if !ok {
			return bad("unit %q unknown (known: %s)", s.Unit, strings.Join(assetUnits, ", "))
		}
	}
	if !finiteNonNeg(s.SensitivityMVPerUnit) {
		return bad("sensitivity_mv_per_unit %g must be a non-negative number", s.SensitivityMVPerUnit)
	}
	if !finiteNonNeg(s.Shaft.RatioToRotor) {
		return bad("shaft ratio_to_rotor %g must be a non-negative number", s.Shaft.RatioToRotor)
	}
	if b := s.Bearing; b != nil {
		if b.Orders == nil && strings.TrimSpace(b.Name) == "" {
			return bad("bearing needs a catalog name or defect orders")
		}
		if o := b.Orders; o != nil {
			for _, v := range []struct {
				name string
				x    float64
			}{{"bpfo", o.BPFO}, {"bpfi", o.BPFI}, {"bsf", o.BSF}, {"ftf", o.FTF}} {
				if !finiteNonNeg(v.x) {
					return bad("bearing order %s %g must be a non-negative number", v.name, v.x)
				}
			}
			if o.BPFO == 0 && o.BPFI == 0 && o.BSF == 0 && o.FTF == 0 {
				return bad("bearing orders are all zero")
			}
		}
	}
	bseen := map[string]bool{}
	for _, b := range s.Bands {
		if !componentPattern.MatchString(b.Name) {
			return bad("band name %q: want a lower-case snake_case name such as tower_mode", b.Name)
		}
		if bseen[b.Name] {
			return bad("band %s given twice", b.Name)
		}
		bseen[b.Name] = true
		if !finiteNonNeg(b.LoHz) || !(b.HiHz > b.LoHz) || math.IsInf(b.HiHz, 1) {
			return bad("band %s: %g–%g Hz: want 0 <= lo_hz < hi_hz", b.Name, b.LoHz, b.HiHz)
		}
	}
	if g := s.Gear; g != nil {
		if g.Teeth < 1 {
			return bad("gear teeth %d must be at least 1", g.Teeth)
		}
		if !finiteNonNeg(g.Ratio) {
			return bad("gear ratio %g must be a non-negative number", g.Ratio)
		}
	}
	return nil
}

func finiteNonNeg(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }

// MarshalAssets validates a and returns it as the YAML of an assets file.
func MarshalAssets(a *Assets) ([]byte, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString("# windpm assets file; format: docs/assets.md\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(a); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteAssets validates a and writes it to path as YAML, atomically (see
// atomicfile.Write).
func WriteAssets(path string, a *Assets) error {
	data, err := MarshalAssets(a)
	if err != nil {
		return &FileError{Path: path, Err: err}
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
