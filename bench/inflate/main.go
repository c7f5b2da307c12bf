// Command inflate makes a scan's record tables (scores.parquet,
// alarms.parquet) k times longer by writing each row k times in a row,
// which keeps them in turbine order: bench/report.sh uses it to give
// `windpm report` shards whose tables are as long as a long history's
// without scanning one.
//
//	go run ./bench/inflate -k 200 FILE.parquet...
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/windpm/windpm/reports"
)

func main() {
	k := flag.Int("k", 100, "times each row is written")
	flag.Parse()
	for _, path := range flag.Args() {
		if err := inflate(path, *k); err != nil {
			fmt.Fprintln(os.Stderr, "inflate:", err)
			os.Exit(1)
		}
	}
}

func inflate(path string, k int) error {
	t, err := reports.ReadRecordTable(path)
	if err != nil {
		return err
	}
	w, err := reports.NewRecordWriter(path, t.Name, reports.ScanTablesVersion, t.Columns, t.Meta)
	if err != nil {
		return err
	}
	defer w.Abort()
	for _, r := range t.Rows {
		for range k {
			if err := w.Write(r); err != nil {
				return err
			}
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Printf("%s: %d rows\n", path, k*len(t.Rows))
	return nil
}
