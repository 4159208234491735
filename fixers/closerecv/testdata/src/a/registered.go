package a

// A callback handed through a call's result to a method of a scheduler, and a close
// after the scheduler's Shutdown: the callback no longer runs. Modelled on gocron
// (github.com/go-co-op/gocron/v2) scheduler_test.go, TestScheduler_ManyJobs and
// TestScheduler_WithMonitor: jobsRan <- struct{}{} in NewTask(func() { ... }) given to
// s.NewJob; require.NoError(t, s.Shutdown()); close(jobsRan); and job_test.go,
// TestJob_PanicOccurred (a listener inside WithEventListeners(...)).

type task struct{ fn func() }

func newTask(fn func()) task { return task{fn} }

type jobOption func()

func withListener(fn func(error)) jobOption { return func() {} }

type scheduler struct{}

func (s *scheduler) NewJob(t task, opts ...jobOption) (int, error) { return 0, nil }
func (s *scheduler) Start()                                        {}
func (s *scheduler) Shutdown() error                               { return nil }

func noError(err error) {}

// manyJobs: not reported.
func manyJobs(s *scheduler) int {
	jobsRan := make(chan struct{}, 20)
	_, err := s.NewJob(newTask(func() { jobsRan <- struct{}{} }))
	noError(err)
	s.Start()
	noError(s.Shutdown())
	close(jobsRan)
	n := 0
	for range jobsRan {
		n++
	}
	return n
}

// jobListener: a callback nested two calls deep; not reported.
func jobListener(s *scheduler) error {
	errCh := make(chan error)
	_, err := s.NewJob(newTask(func() {}), withListener(func(err error) { errCh <- err }))
	noError(err)
	s.Start()
	err = <-errCh
	noError(s.Shutdown())
	close(errCh)
	return err
}

// Look-alike: the scheduler shuts down after the close.
func shutdownAfterClose(s *scheduler) int {
	jobsRan := make(chan struct{}, 20)
	_, err := s.NewJob(newTask(func() { jobsRan <- struct{}{} }))
	noError(err)
	s.Start()
	n := len(jobsRan)
	close(jobsRan) // want `channel jobsRan is closed by a function that only receives from it`
	noError(s.Shutdown())
	for range jobsRan {
		n++
	}
	return n
}

// Look-alike: another scheduler is shut down than the one the job was given to.
func otherScheduler(s, t *scheduler) int {
	jobsRan := make(chan struct{}, 20)
	_, err := s.NewJob(newTask(func() { jobsRan <- struct{}{} }))
	noError(err)
	s.Start()
	<-jobsRan
	noError(t.Shutdown())
	close(jobsRan) // want `channel jobsRan is closed by a function that only receives from it`
	return 1
}

// Look-alike: the callback is handed to a call that runs in a goroutine of its own.
func startedTask(s *scheduler, run func(task)) int {
	jobsRan := make(chan struct{}, 20)
	go run(newTask(func() { jobsRan <- struct{}{} }))
	<-jobsRan
	noError(s.Shutdown())
	close(jobsRan) // want `channel jobsRan is closed by a function that only receives from it`
	return 1
}
