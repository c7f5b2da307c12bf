package datasets

import (
	"fmt"
	"strings"
)

// SelectChannels returns the indices of names that the pattern want picks,
// in file order. An empty pattern picks every channel. Matching is
// case-insensitive and tries, in turn: the exact name; a suffix of the
// name ("DE_time" picks "X097_DE_time"); a part of the name between
// underscores ("DE" picks "X097_DE_time"). The first rule that matches
// anything decides. A pattern that matches nothing is an error listing the
// channels there are.
func SelectChannels(names []string, want string) ([]int, error) {
	if want == "" {
		idx := make([]int, len(names))
		for i := range names {
			idx[i] = i
		}
		return idx, nil
	}
	w := strings.ToLower(want)
	rules := []func(string) bool{
		func(n string) bool { return n == w },
		func(n string) bool { return strings.HasSuffix(n, w) },
		func(n string) bool {
			for _, part := range strings.Split(n, "_") {
				if part == w {
					return true
				}
			}
			return false
		},
	}
	for _, match := range rules {
		var idx []int
		for i, n := range names {
			if match(strings.ToLower(n)) {
				idx = append(idx, i)
			}
		}
		if len(idx) > 0 {
			return idx, nil
		}
	}
	return nil, fmt.Errorf("no channel %q (channels: %s)", want, strings.Join(names, ", "))
}
