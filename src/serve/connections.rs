//! The preview's open connections, so that idle ones never keep a page
//! from being served.
//!
//! A browser keeps idle connections open, and a client can open many and
//! send nothing (or a byte now and then). With a plain cap on connections,
//! those held the cap until their header timeout and every new page
//! request was turned away meanwhile. Here each connection is known as
//! idle (no request being answered) or busy; when the cap is reached, the
//! oldest idle connection is closed to make room, so a new request is
//! refused only when every connection is busy answering one. Event
//! streams are busy for as long as they are open, and have their own,
//! smaller cap, so they cannot fill the table either.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

/// The table of open connections, by age.
pub struct Connections {
    cap: usize,
    inner: Mutex<Table>,
}

#[derive(Default)]
struct Table {
    next: u64,
    open: BTreeMap<u64, Arc<State>>,
}

/// One connection's state, shared by its task and the table.
#[derive(Default)]
pub struct State {
    /// Answering a request (or streaming events).
    busy: AtomicBool,
    /// Told to close, to make room.
    close: Notify,
}

impl State {
    /// Waits until the connection is told to close.
    pub async fn closed(&self) {
        self.close.notified().await;
    }
}

/// A connection's place in the table; leaving the table when dropped.
pub struct Slot {
    id: u64,
    state: Arc<State>,
    table: Arc<Connections>,
}

impl Slot {
    /// The connection's state.
    pub fn state(&self) -> &Arc<State> {
        &self.state
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.table.lock().open.remove(&self.id);
    }
}

/// Marks a connection busy while it lives: held by a request's response
/// until its body is sent (or by an event stream while it is open).
pub struct Busy(Arc<State>);

impl Busy {
    /// Marks `state` busy.
    pub fn new(state: &Arc<State>) -> Busy {
        state.busy.store(true, Ordering::Release);
        Busy(Arc::clone(state))
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.store(false, Ordering::Release);
    }
}

impl Connections {
    /// A table of at most `cap` connections.
    pub fn new(cap: usize) -> Arc<Connections> {
        Arc::new(Connections {
            cap,
            inner: Mutex::new(Table::default()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place for a new connection: when the table is full, the oldest
    /// idle connection is told to close and gives its place up. None when
    /// every connection is busy.
    pub fn admit(self: &Arc<Self>) -> Option<Slot> {
        let mut table = self.lock();
        if table.open.len() >= self.cap {
            let idle = table
                .open
                .iter()
                .find(|(_, s)| !s.busy.load(Ordering::Acquire))
                .map(|(id, _)| *id)?;
            if let Some(state) = table.open.remove(&idle) {
                state.close.notify_one();
            }
        }
        let id = table.next;
        table.next += 1;
        let state = Arc::new(State::default());
        table.open.insert(id, Arc::clone(&state));
        Some(Slot {
            id,
            state,
            table: Arc::clone(self),
        })
    }

    /// How many connections are open.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().open.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_idle_connection_makes_room_and_busy_ones_stay() {
        let table = Connections::new(2);
        let first = table.admit().unwrap();
        let second = table.admit().unwrap();
        let busy = Busy::new(first.state());
        // Full: the second (idle) goes, the first (busy) stays.
        let third = table.admit().unwrap();
        assert_eq!(table.len(), 2);
        drop(second);
        assert_eq!(table.len(), 2, "the evicted one had already left");
        let _fourth_busy = Busy::new(third.state());
        assert!(table.admit().is_none(), "every connection is busy");
        drop(busy);
        assert!(table.admit().is_some(), "idle again, so it can make room");
    }
}
