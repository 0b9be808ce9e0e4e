//! A bounded last-in-first-out work queue shared by worker threads.
//!
//! Thumbnails are asked for as the user scrolls; the newest requests are the rows on
//! screen now, so they are served first, and the oldest are dropped when the queue
//! is full (they are asked for again if they scroll back into view).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, PoisonError};

pub struct LifoQueue<T> {
    state: Mutex<QueueState<T>>,
    ready: Condvar,
    capacity: usize,
}

struct QueueState<T> {
    items: VecDeque<T>,
    closed: bool,
}

impl<T> LifoQueue<T> {
    pub fn new(capacity: usize) -> Self {
        Self {
            state: Mutex::new(QueueState {
                items: VecDeque::new(),
                closed: false,
            }),
            ready: Condvar::new(),
            capacity,
        }
    }

    /// Adds an item; returns the oldest one if it had to be dropped to make room.
    pub fn push(&self, item: T) -> Option<T> {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.items.push_back(item);
        let dropped = (s.items.len() > self.capacity)
            .then(|| s.items.pop_front())
            .flatten();
        self.ready.notify_one();
        dropped
    }

    /// Waits for the newest item; `None` once the queue is closed.
    pub fn pop(&self) -> Option<T> {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if s.closed {
                return None;
            }
            if let Some(item) = s.items.pop_back() {
                return Some(item);
            }
            s = self.ready.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Wakes every waiting worker and makes them stop.
    pub fn close(&self) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed = true;
        self.ready.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_first_and_bounded() {
        let q = LifoQueue::new(2);
        assert_eq!(q.push(1), None);
        assert_eq!(q.push(2), None);
        assert_eq!(q.push(3), Some(1));
        assert_eq!(q.pop(), Some(3));
        assert_eq!(q.pop(), Some(2));
        q.close();
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn close_wakes_a_waiting_worker() {
        let q = std::sync::Arc::new(LifoQueue::<u32>::new(4));
        let worker = {
            let q = q.clone();
            std::thread::spawn(move || q.pop())
        };
        std::thread::sleep(std::time::Duration::from_millis(20));
        q.close();
        assert_eq!(worker.join().ok().flatten(), None);
    }
}
