// Package require is a stub of testify's require for the tests.
package require

type TestingT interface {
	Errorf(format string, args ...interface{})
	FailNow()
}

func NoError(t TestingT, err error, msgAndArgs ...interface{}) {
	if err != nil {
		t.Errorf("%v", err)
		t.FailNow()
	}
}

func Equal(t TestingT, expected, actual interface{}, msgAndArgs ...interface{}) {
	if expected != actual {
		t.FailNow()
	}
}

type Assertions struct{ t TestingT }

func New(t TestingT) *Assertions { return &Assertions{t} }

func (a *Assertions) NoError(err error, msgAndArgs ...interface{}) { NoError(a.t, err, msgAndArgs...) }
