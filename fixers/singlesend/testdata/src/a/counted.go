package a

import "errors"

type hostPool struct{ size int }

var errTooMany = errors.New("too many hosts")

func dialHost(h string) *hostPool { return &hostPool{size: len(h)} }

// gocql's policyConnPool.SetHosts: a counter counts the goroutines that the fan-out
// loop starts (it skips some hosts), and the fan-in loop receives until the count is
// down to zero. Every goroutine is received: silent.
func setHosts(hosts []string, up func(string) bool) map[string]*hostPool {
	pools := make(chan *hostPool)
	created := 0
	for _, h := range hosts {
		if !up(h) {
			continue
		}
		created++
		go func(h string) {
			pools <- dialHost(h)
		}(h)
	}
	res := make(map[string]*hostPool)
	for created > 0 {
		p := <-pools
		created--
		if p.size > 0 {
			res["h"] = p
		}
	}
	return res
}

// A return between the loops leaves the counted goroutines blocked: reported.
func setHostsEarly(hosts []string, up func(string) bool) error {
	pools := make(chan *hostPool) // want `goroutine may block forever sending on unbuffered channel pools`
	created := 0
	for _, h := range hosts {
		if !up(h) {
			continue
		}
		created++
		go func(h string) {
			pools <- dialHost(h)
		}(h)
	}
	if len(hosts) > 10 {
		return errTooMany
	}
	for created > 0 {
		<-pools
		created--
	}
	return nil
}

// The fan-in loop may stop before the count is down: reported.
func setHostsFirstBad(hosts []string) {
	pools := make(chan *hostPool) // want `goroutine may block forever sending on unbuffered channel pools`
	n := 0
	for _, h := range hosts {
		n++
		go func(h string) {
			pools <- dialHost(h)
		}(h)
	}
	for n > 0 {
		p := <-pools
		n--
		if p.size == 0 {
			break
		}
	}
}

// The counter is written elsewhere too (n = 1 resets it): reported.
func setHostsReset(hosts []string) {
	pools := make(chan *hostPool) // want `goroutine may block forever sending on unbuffered channel pools`
	n := 0
	for _, h := range hosts {
		n++
		go func(h string) {
			pools <- dialHost(h)
		}(h)
	}
	if len(hosts) > 3 {
		n = 1
	}
	for n > 0 {
		<-pools
		n--
	}
}
