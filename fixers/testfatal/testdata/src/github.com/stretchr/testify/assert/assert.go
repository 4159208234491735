// Package assert is a stub of testify's assert for the tests.
package assert

type TestingT interface {
	Errorf(format string, args ...interface{})
}

func NoError(t TestingT, err error, msgAndArgs ...interface{}) bool {
	if err != nil {
		t.Errorf("%v", err)
		return false
	}
	return true
}

func Equal(t TestingT, expected, actual interface{}, msgAndArgs ...interface{}) bool {
	return expected == actual
}
