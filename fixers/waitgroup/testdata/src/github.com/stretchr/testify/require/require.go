// Package require is a stub of testify's require for the tests.
package require

type TestingT interface {
	Errorf(format string, args ...interface{})
	FailNow()
}

func Nil(t TestingT, v interface{}, msgAndArgs ...interface{}) {
	if v != nil {
		t.FailNow()
	}
}

func NoError(t TestingT, err error, msgAndArgs ...interface{}) {
	if err != nil {
		t.FailNow()
	}
}
