package a

// A test that drives want's channel by hand, outside the mutex protocol: the close in
// cancel is still guarded for the package's own senders (go-redis's want_conn_test.go
// sends on w.result directly).
func deliverByHand(w *want) { w.result <- result{1} }
