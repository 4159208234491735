package ctxprop

import "go/types"

// documentedTwins are the standard library's context-aware twins whose documentation
// says they are the same call honouring a context, by the full name of the plain form
// (types.Func.FullName) and the twin's name:
//
//   - net/http: "NewRequestWithContext ... NewRequest wraps NewRequestWithContext using
//     context.Background";
//   - os/exec: "CommandContext is like Command but includes a context";
//   - database/sql: "Exec uses context.Background internally; to specify the context,
//     use ExecContext" (likewise Query, QueryRow, Prepare, Ping, Begin/BeginTx of DB,
//     Exec, Query, QueryRow, Prepare, Stmt of Tx, Exec, Query, QueryRow of Stmt);
//   - net: "Dial ... see func Dial" / "DialContext connects ... using the provided
//     context" on Dialer; "DialTimeout acts like Dial but takes a timeout" (it is
//     Dialer{Timeout: timeout}.Dial, and Dialer.Dial "uses context.Background
//     internally; to specify the context, use Dialer.DialContext"); the Lookup functions
//     "use context.Background internally; to specify the context, use
//     Resolver.Lookup..." (the net.Dial, net.DialTimeout and net.Lookup* twins are kinds
//     of their own in findTwin);
//   - crypto/tls: "HandshakeContext ... Handshake ... uses context.Background";
//   - net/http/httptest: "NewRequestWithContext is like NewRequest but with context".
//
// These are the pairs F / FContext (or FWithContext) of GOROOT/api with the same
// parameters after the context whose context ends blocking work, but os/signal's Notify,
// whose NotifyContext differs. log/slog's Info/InfoContext (and Debug, Warn, Error) are
// left out on purpose: a log call does not block on its context, which only reaches the
// handler (trace IDs), so passing it is a logging style, not a leak (on prometheus it
// rewrote 81 log calls and nothing else).
var documentedTwins = map[string]string{
	"net/http.NewRequest": "NewRequestWithContext",
	"os/exec.Command":     "CommandContext",

	"(*database/sql.DB).Exec":       "ExecContext",
	"(*database/sql.DB).Query":      "QueryContext",
	"(*database/sql.DB).QueryRow":   "QueryRowContext",
	"(*database/sql.DB).Prepare":    "PrepareContext",
	"(*database/sql.DB).Ping":       "PingContext",
	"(*database/sql.DB).Begin":      "BeginTx",
	"(*database/sql.Tx).Exec":       "ExecContext",
	"(*database/sql.Tx).Query":      "QueryContext",
	"(*database/sql.Tx).QueryRow":   "QueryRowContext",
	"(*database/sql.Tx).Prepare":    "PrepareContext",
	"(*database/sql.Tx).Stmt":       "StmtContext",
	"(*database/sql.Stmt).Exec":     "ExecContext",
	"(*database/sql.Stmt).Query":    "QueryContext",
	"(*database/sql.Stmt).QueryRow": "QueryRowContext",

	"net/http/httptest.NewRequest": "NewRequestWithContext",

	"(*net.Dialer).Dial":           "DialContext",
	"(*crypto/tls.Dialer).Dial":    "DialContext",
	"(*crypto/tls.Conn).Handshake": "HandshakeContext",
}

// documented reports whether tw is the documented twin of fn: the table above, or the
// net package's Dial, DialTimeout and Lookup twins.
func documented(fn *types.Func, tw *twin) bool {
	if tw.kind == dialer || tw.kind == dialTimeout || tw.kind == resolver {
		return true
	}
	return documentedTwins[fn.FullName()] == tw.fn.Name()
}
