package stream

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Each runs fn(i) for i in [0, n) on up to workers goroutines (0: one per
// CPU), in batches of consecutive indexes, and returns the error of the
// lowest index that failed. fn must only touch what belongs to index i.
// Small inputs run on the calling goroutine.
func Each(n, workers, batch int, fn func(i int) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if batch <= 0 {
		batch = 1
	}
	batches := (n + batch - 1) / batch
	if workers > batches {
		workers = batches
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	errs := make([]error, batches)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b := int(next.Add(1)) - 1
				if b >= batches {
					return
				}
				for i := b * batch; i < min((b+1)*batch, n); i++ {
					if errs[b] = fn(i); errs[b] != nil {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
