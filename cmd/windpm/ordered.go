package main

import (
	"context"
	"sync"
)

// ordered runs work on n items with jobs workers and hands each result to
// emit in item order, on the calling goroutine, so that output does not
// depend on the number of workers. newWorker is called once per worker and
// returns the function that worker runs; whatever it closes over (FFT
// plans, buffers) belongs to that worker alone. At most 2·jobs results
// wait for emit at any time, so memory does not grow with n. The first
// error from emit, or the context's, stops the run.
func ordered[T any](ctx context.Context, n, jobs int, newWorker func() func(i int) T, emit func(i int, r T) error) error {
	if jobs < 1 {
		jobs = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type result struct {
		i int
		r T
	}
	next := make(chan int)
	results := make(chan result, jobs)
	// slots bounds the items handed out but not yet emitted.
	slots := make(chan struct{}, 2*jobs)

	go func() {
		defer close(next)
		for i := 0; i < n; i++ {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work := newWorker()
			for i := range next {
				r := work(i)
				select {
				case results <- result{i, r}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	pending := map[int]T{}
	want := 0
	var err error
	for res := range results {
		if err != nil {
			continue // drain so that the workers can finish
		}
		pending[res.i] = res.r
		for {
			r, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			if err = emit(want, r); err != nil {
				cancel()
				break
			}
			want++
			<-slots
		}
	}
	if err != nil {
		return err
	}
	if want < n {
		return ctx.Err()
	}
	return nil
}
