package scanreport

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// summaryKeys lists the key paths of summary.json from the Summary type:
// "a" for a top-level key, "a.b" inside an object, "a[].b" inside the
// objects of a list.
func summaryKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		path := prefix + name
		keys = append(keys, path)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			keys = append(keys, summaryKeys(ft.Elem(), path+"[].")...)
		case ft.Kind() == reflect.Struct && ft != reflect.TypeOf(time.Time{}):
			keys = append(keys, summaryKeys(ft, path+".")...)
		}
	}
	return keys
}

// TestDocsListEverySummaryKey keeps docs/report.md and summary.json
// together: the key table lists every key, in the file's order, and
// nothing else; the JSON excerpt is a summary ReadSummaryJSON accepts.
func TestDocsListEverySummaryKey(t *testing.T) {
	b, err := os.ReadFile("../../docs/report.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	row := regexp.MustCompile("(?m)^\\| `([a-z_.\\[\\]]+)` \\|")
	var documented []string
	keyTable := doc[strings.Index(doc, "\n## summary.json"):]
	for _, m := range row.FindAllStringSubmatch(keyTable, -1) {
		documented = append(documented, m[1])
	}
	want := summaryKeys(reflect.TypeOf(Summary{}), "")
	if !slices.Equal(documented, want) {
		t.Errorf("docs/report.md key table:\n%v\nsummary.json keys:\n%v", documented, want)
	}
	start := strings.Index(doc, "```json\n")
	end := strings.Index(doc[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no JSON excerpt in docs/report.md")
	}
	s, err := DecodeSummary(strings.NewReader(doc[start+8 : start+8+end]))
	if err != nil {
		t.Fatalf("the excerpt: %v", err)
	}
	if len(s.Alarms) != 1 || s.Alarms[0].Closed != nil || s.Alarms[0].Anchor != AnchorID(s.Alarms[0].ID) {
		t.Errorf("the excerpt's alarm: %+v", s.Alarms)
	}
}
