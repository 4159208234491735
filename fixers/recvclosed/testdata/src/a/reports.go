package a

import "strings"

// Next returns results: what it returns once lines is closed is its author's call.
func Next(lines chan string) int {
	n := 0
	for {
		l := <-lines // want `receive from lines in a loop .*\(no fix: Next returns results: what it returns once lines is closed is for its author to decide\)`
		n += len(l)
	}
}

func Lines() int {
	lines := make(chan string)
	close(lines)
	return Next(lines)
}

// Forward copies in to out (tendermint #4761: spinning on closed channels): the value
// is used in an expression.
func Forward(in, out chan string) {
	for {
		out <- strings.ToUpper(<-in) // want `receive from in in a loop`
	}
}

func Pipe(out chan string) chan string {
	in := make(chan string)
	go Forward(in, out)
	defer close(in)
	return in
}

// Last keeps the last value in a variable of the function.
func Last(vals chan int, report func(int)) {
	var last int
	for {
		report(last)
		last = <-vals // want `receive from vals in a loop`
	}
}

func Values(report func(int)) {
	vals := make(chan int)
	go Last(vals, report)
	close(vals)
}

// Tagged calls tag before it receives: moving the receive first would change the order.
func Tagged(in chan string, tag func() string, use func(string, string)) {
	for {
		use(tag(), <-in) // want `receive from in in a loop .*\(no fix: the statement that receives from in evaluates a call before the receive\)`
	}
}

func Feed(use func(string, string)) {
	in := make(chan string)
	go Tagged(in, func() string { return "t" }, use)
	close(in)
}
