//go:build never

package a

import "context"

func neverBuilt() { tagged(2, context.Background()) }
