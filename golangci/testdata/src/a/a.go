package a

import "sync"

type cache struct {
	mu sync.Mutex
	m  map[string]string
}

func (c *cache) get(k string) (string, bool) {
	c.mu.Lock() // want `c.mu is not unlocked on every path: the return at line 14 leaves it locked \(line 14: this return leaves c.mu locked\)$`
	v, ok := c.m[k]
	if !ok {
		return "", false
	}
	c.mu.Unlock()
	return v, true
}
