package twins

import (
	"context"
	"log/slog"
)

// Look-alikes: slog's ...Context methods are twins by name, but a log call does not block
// on its context, which only reaches the handler. Passing it is a logging style, not a
// leak: not reported (prometheus had 81 such calls).
func logs(ctx context.Context, logger *slog.Logger, err error) error {
	slog.Info("starting", "step", 1)
	logger.Error("failed", "err", err)
	logger.Debug("retrying")
	return ctx.Err()
}

// Several contexts in scope change nothing for them.
func logsTwo(ctx, other context.Context, logger *slog.Logger) {
	logger.Warn("two contexts")
	_, _ = ctx, other
}
