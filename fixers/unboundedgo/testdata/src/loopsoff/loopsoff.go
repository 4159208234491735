// Package loopsoff holds what unboundedgo reports without -loops: a fan-out that ignores
// the declared limit; an accept loop and a receive loop are silent.
package loopsoff

import "net"

func serve(l net.Listener, handle func(net.Conn)) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go handle(c)
	}
}

func consume(in <-chan int, handle func(int)) {
	for v := range in {
		go handle(v)
	}
}

func fetchAll(urls []string, maxParallel int, get func(string)) {
	for _, u := range urls {
		go get(u) // want `goroutine started for every element of urls ignoring the limit maxParallel`
	}
}
