package main

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestOrderedKeepsOrder(t *testing.T) {
	for _, jobs := range []int{1, 2, 7} {
		var got []int
		err := ordered(context.Background(), 100, jobs, func() func(int) int {
			r := rand.New(rand.NewPCG(uint64(jobs), 1))
			return func(i int) int {
				time.Sleep(time.Duration(r.IntN(200)) * time.Microsecond)
				return i * i
			}
		}, func(i, v int) error {
			if v != i*i {
				t.Errorf("item %d: result %d", i, v)
			}
			got = append(got, i)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("jobs %d: emitted %v, want 0..99 in order", jobs, got)
			}
		}
		if len(got) != 100 {
			t.Errorf("jobs %d: %d results", jobs, len(got))
		}
	}
}

func TestOrderedStops(t *testing.T) {
	boom := errors.New("boom")
	emitted := 0
	err := ordered(context.Background(), 1000, 3, func() func(int) int {
		return func(i int) int { return i }
	}, func(i, v int) error {
		emitted++
		if i == 10 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || emitted != 11 {
		t.Errorf("err %v after %d emits, want boom after 11", err, emitted)
	}

	ctx, cancel := context.WithCancel(context.Background())
	err = ordered(ctx, 1000, 2, func() func(int) int {
		return func(i int) int {
			if i == 5 {
				cancel()
			}
			return i
		}
	}, func(int, int) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: err %v", err)
	}
}

func TestOrderedFeed(t *testing.T) {
	// Items are fed lazily: never more than 2·jobs ahead of emit.
	boom := errors.New("listing failed")
	for _, jobs := range []int{1, 3} {
		fed, emitted, ahead := 0, 0, 0
		var mu sync.Mutex
		err := orderedFeed(context.Background(), jobs, func(send func(string) bool) error {
			for i := 0; i < 50; i++ {
				mu.Lock()
				fed++
				if d := fed - emitted; d > ahead {
					ahead = d
				}
				mu.Unlock()
				if !send(strconv.Itoa(i)) {
					return nil
				}
			}
			return boom // after the 50 items: they are emitted first
		}, func() func(string) int {
			return func(s string) int { n, _ := strconv.Atoi(s); return n }
		}, func(s string, n int) error {
			mu.Lock()
			defer mu.Unlock()
			if n != emitted || s != strconv.Itoa(emitted) {
				t.Errorf("jobs %d: emitted %q (%d) at %d", jobs, s, n, emitted)
			}
			emitted++
			return nil
		})
		if !errors.Is(err, boom) || emitted != 50 {
			t.Errorf("jobs %d: err %v after %d emits, want the feed's error after 50", jobs, err, emitted)
		}
		if ahead > 2*jobs+1 {
			t.Errorf("jobs %d: feed ran %d items ahead of emit", jobs, ahead)
		}
	}
}
