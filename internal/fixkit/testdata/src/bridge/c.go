package bridge

// Declarations that share a line: the file is decorated whole.
var c1 = 1; func c() { mark() } // want "mark"
