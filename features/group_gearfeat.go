package features

// TEMPORARY: the gearfeat feature group is being written.
type gearGroup struct{}

func newGearGroup() *gearGroup { return &gearGroup{} }

func (g *gearGroup) columns() []Column { return nil }

func (g *gearGroup) compute(dst []float64, in *Input) error { return nil }
