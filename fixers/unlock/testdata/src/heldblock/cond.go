package heldblock

import "sync"

// A Queue whose Take waits on a Cond with its own lock, while it holds the queue's
// mutex: Wait releases only c.L (sync's doc: "Wait atomically unlocks c.L"), and Put
// needs q.mu before it can broadcast.
type Queue struct {
	mu     sync.Mutex // guards items
	condMu sync.Mutex
	ready  *sync.Cond
	items  []int
}

func NewQueue() *Queue {
	q := &Queue{}
	q.ready = sync.NewCond(&q.condMu)
	return q
}

func (q *Queue) Put(x int) {
	q.mu.Lock()
	q.items = append(q.items, x)
	q.mu.Unlock()
	q.condMu.Lock()
	q.ready.Broadcast()
	q.condMu.Unlock()
}

func (q *Queue) Take() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.condMu.Lock()
		q.ready.Wait() // want `q.ready.Wait\(\) waits with q.mu held, and every Signal and Broadcast of it locks it first \(Queue.Put → q.mu.Lock\): deadlock`
		q.condMu.Unlock()
	}
	x := q.items[0]
	q.items = q.items[1:]
	return x
}

// Look-alikes.

// The usual shape: the Cond's L is the mutex held, and Wait releases it.
type Buffer struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

func NewBuffer() *Buffer {
	b := &Buffer{}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *Buffer) Put(x int) {
	b.mu.Lock()
	b.items = append(b.items, x)
	b.mu.Unlock()
	b.cond.Signal()
}

func (b *Buffer) Take() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.items) == 0 {
		b.cond.Wait()
	}
	x := b.items[0]
	b.items = b.items[1:]
	return x
}

// A signaller that needs only the Cond's lock can wake the waiter.
type Gate struct {
	mu     sync.Mutex
	condMu sync.Mutex
	open   *sync.Cond
	opened bool
}

func NewGate() *Gate {
	g := &Gate{}
	g.open = sync.NewCond(&g.condMu)
	return g
}

func (g *Gate) Open() {
	g.condMu.Lock()
	g.opened = true
	g.open.Broadcast()
	g.condMu.Unlock()
}

func (g *Gate) Pass() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.condMu.Lock()
	for !g.opened {
		g.open.Wait()
	}
	g.condMu.Unlock()
}
