package store_test

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/windpm/windpm/datasets/store"
)

// A write is visible only once committed; an aborted one leaves nothing.
// The same code writes to s3://bucket/prefix, gs://… or azblob://….
func ExampleStore_Create() {
	dir, _ := os.MkdirTemp("", "store-example-")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	s, err := store.Open(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	w, err := s.Create(ctx, "features/turbine=WT01/part-0.parquet")
	if err != nil {
		fmt.Println(err)
		return
	}
	io.WriteString(w, "table bytes")
	_, err = s.Stat(ctx, "features/turbine=WT01/part-0.parquet")
	fmt.Println("before Commit:", err != nil)
	if err := w.Commit(); err != nil {
		fmt.Println(err)
		return
	}

	w, _ = s.Create(ctx, "features/turbine=WT02/part-0.parquet")
	io.WriteString(w, "half a table")
	w.Abort()

	for o, err := range s.List(ctx, "features/") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(o.Key, o.Size)
	}
	// Output:
	// before Commit: true
	// features/turbine=WT01/part-0.parquet 11
}
