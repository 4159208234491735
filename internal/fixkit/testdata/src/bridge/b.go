package bridge

// A floating comment, before g's doc.

// g is fixed in its own piece: the comments before it and the one that starts on its
// last line stay.
func g() {
	mark() // want "mark"
} // after g's closing brace
// and the line after it

type T struct{}

func (T) h() {
	if true {
		mark() // want "mark"
	}
}

/* the last comment */
