package bridge

func e() {
	mark() // want "mark"
}