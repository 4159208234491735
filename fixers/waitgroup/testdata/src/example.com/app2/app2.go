package app2

import "example.com/internal/lib"

var Hook = lib.F
