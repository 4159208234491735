package a

import "sync"

// A sender that sends only while its map entry is present, and a closer that deletes the
// entry under the same mutex before the close: no send can follow the close. Modelled on
// nats-server's server/accounts.go (DirAccResolver's fetch: the reply handler stored in
// s.sys.replies sends on respC only while replies[replySubj] is there; fetch deletes it
// under s.mu, then closes respC).

type replyHandler func(msg []byte)

type resolver struct {
	mu      sync.Mutex
	other   sync.Mutex
	replies map[string]replyHandler
}

func (s *resolver) inbox() string { return "inbox" }

// fetch: not reported.
func (s *resolver) fetch() []byte {
	respC := make(chan []byte, 1)
	s.mu.Lock()
	replySubj := s.inbox()
	replies := s.replies
	replies[replySubj] = func(msg []byte) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := replies[replySubj]; ok {
			select {
			case respC <- msg:
			default:
			}
		}
	}
	s.mu.Unlock()
	m := <-respC
	s.mu.Lock()
	delete(replies, replySubj)
	s.mu.Unlock()
	close(respC)
	return m
}

// The delete happens after the close: a handler that runs in between sends on the
// closed channel.
func (s *resolver) deleteAfterClose() []byte {
	respC := make(chan []byte, 1)
	s.mu.Lock()
	replySubj := s.inbox()
	replies := s.replies
	replies[replySubj] = func(msg []byte) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := replies[replySubj]; ok {
			respC <- msg
		}
	}
	s.mu.Unlock()
	m := <-respC
	close(respC) // want `channel respC is closed by a function that only receives`
	s.mu.Lock()
	delete(replies, replySubj)
	s.mu.Unlock()
	return m
}

// The handler checks the entry under another mutex than the one the delete holds.
func (s *resolver) otherLock() []byte {
	respC := make(chan []byte, 1)
	s.mu.Lock()
	replySubj := s.inbox()
	replies := s.replies
	replies[replySubj] = func(msg []byte) {
		s.other.Lock()
		defer s.other.Unlock()
		if _, ok := replies[replySubj]; ok {
			respC <- msg
		}
	}
	s.mu.Unlock()
	m := <-respC
	s.mu.Lock()
	delete(replies, replySubj)
	s.mu.Unlock()
	close(respC) // want `channel respC is closed by a function that only receives`
	return m
}

// The handler releases the mutex between the lookup and the send.
func (s *resolver) releasedBeforeSend() []byte {
	respC := make(chan []byte, 1)
	s.mu.Lock()
	replySubj := s.inbox()
	replies := s.replies
	replies[replySubj] = func(msg []byte) {
		s.mu.Lock()
		if _, ok := replies[replySubj]; ok {
			s.mu.Unlock()
			respC <- msg
			return
		}
		s.mu.Unlock()
	}
	s.mu.Unlock()
	m := <-respC
	s.mu.Lock()
	delete(replies, replySubj)
	s.mu.Unlock()
	close(respC) // want `channel respC is closed by a function that only receives`
	return m
}

// The entry is stored again after the delete.
func (s *resolver) storedAgain(h replyHandler) []byte {
	respC := make(chan []byte, 1)
	s.mu.Lock()
	replySubj := s.inbox()
	replies := s.replies
	replies[replySubj] = func(msg []byte) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := replies[replySubj]; ok {
			respC <- msg
		}
	}
	s.mu.Unlock()
	m := <-respC
	s.mu.Lock()
	delete(replies, replySubj)
	replies[replySubj] = h
	s.mu.Unlock()
	close(respC) // want `channel respC is closed by a function that only receives`
	return m
}

// The delete is on one branch only.
func (s *resolver) deleteSometimes(drop bool) []byte {
	respC := make(chan []byte, 1)
	s.mu.Lock()
	replySubj := s.inbox()
	replies := s.replies
	replies[replySubj] = func(msg []byte) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := replies[replySubj]; ok {
			respC <- msg
		}
	}
	s.mu.Unlock()
	m := <-respC
	if drop {
		s.mu.Lock()
		delete(replies, replySubj)
		s.mu.Unlock()
	}
	close(respC) // want `channel respC is closed by a function that only receives`
	return m
}
