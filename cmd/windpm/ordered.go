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
	feed := func(send func(int) bool) error {
		for i := 0; i < n && send(i); i++ {
		}
		return nil
	}
	return orderedFeed(ctx, jobs, feed, newWorker, emit)
}

// orderedFeed is ordered over items that feed produces, one at a time, in
// its own goroutine: feed calls send for each item in order and stops when
// send returns false (the run was stopped). Items are handed out only as
// fast as emit takes results (at most 2·jobs in flight), so feed may list
// its items lazily. An error from feed stops the run after every item sent
// before it has been emitted.
func orderedFeed[I, T any](ctx context.Context, jobs int, feed func(send func(I) bool) error,
	newWorker func() func(in I) T, emit func(in I, r T) error) error {
	if jobs < 1 {
		jobs = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type item struct {
		i  int
		in I
	}
	type result struct {
		item
		r T
	}
	next := make(chan item)
	results := make(chan result, jobs)
	// slots bounds the items handed out but not yet emitted.
	slots := make(chan struct{}, 2*jobs)

	var feedErr error
	fed, stopped := 0, false
	go func() {
		defer close(next)
		feedErr = feed(func(in I) bool {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				stopped = true
				return false
			}
			select {
			case next <- item{fed, in}:
				fed++
				return true
			case <-ctx.Done():
				stopped = true
				return false
			}
		})
	}()
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work := newWorker()
			for it := range next {
				r := work(it.in)
				select {
				case results <- result{it, r}:
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

	pending := map[int]result{}
	want := 0
	var err error
	for res := range results {
		if err != nil {
			continue // drain so that the workers can finish
		}
		pending[res.i] = res
		for {
			r, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			if err = emit(r.in, r.r); err != nil {
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
	// results is closed: the workers and feed are done (feedErr, fed and
	// stopped are theirs no more).
	if feedErr != nil {
		return feedErr
	}
	if stopped || want < fed {
		return ctx.Err()
	}
	return nil
}
