package api

import "context"

func Public(x int, ctx context.Context) {} // want `parameter of function Public`
