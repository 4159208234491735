// Package layout checks blank lines and one-line statements around the edits.
package layout

import "context"

func use(ctx context.Context) {}

func lastSilencer() {
	ctx, cancel := context.WithCancel(context.Background()) // want `never called`
	use(ctx)

	_ = cancel
}

func lastSilencerLoop(n int) {
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(context.Background()) // want `never called`
		use(ctx)

		_ = cancel
	}
}

func firstInCase(k int) {
	switch k {
	case 1:
		ctx, cancel := context.WithCancel(context.Background()) // want `never called`

		_ = cancel

		use(ctx)
	}
}

func onlyOneLine() {
	ctx, _ := context.WithCancel(context.Background()) // want `discarded`
	use(ctx)
}

func inSelect(ch chan int) {
	for {
		select {
		case <-ch:
			ctx, _ := context.WithCancel(context.Background()) // want `discarded`
			use(ctx)
		}
	}
}
