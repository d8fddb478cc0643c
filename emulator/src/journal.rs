//! The record of API requests received, for tests to assert on (what was attempted, what was applied).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::faults::FaultKind;
use crate::operation::Operation;
use crate::sync::lock;

/// How many entries the journal keeps; older ones are dropped so that a long benchmark cannot exhaust memory.
pub const JOURNAL_CAPACITY: usize = 10_000;

/// One API request as the emulator saw it. The `Authorization` header is never recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    /// Sequence number, from 1, in the order requests finished.
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path without query string.
    pub path: String,
    /// The operation, when the path named one.
    pub operation: Option<Operation>,
    /// Status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// The fault that shaped the answer, if any.
    pub fault: Option<FaultKind>,
    /// Whether the request changed the state.
    pub applied: bool,
    /// The request's `x-request-id` header.
    pub request_id: Option<String>,
    /// The request body parsed as JSON; `None` when absent, unread or not JSON.
    pub body: Option<Value>,
    /// Milliseconds since the emulator started, when the request arrived.
    pub received_at: u64,
    /// The answered body parsed as JSON, kept only while [`crate::Emulator::record_responses`] is on (answers
    /// can be large, and a benchmark makes many).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<Value>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: VecDeque<JournalEntry>,
    next_seq: u64,
}

/// The journal: a bounded list of entries.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    inner: Mutex<Inner>,
    record_responses: AtomicBool,
}

impl Journal {
    /// Turns keeping answered bodies on or off.
    pub fn set_record_responses(&self, on: bool) {
        self.record_responses.store(on, Ordering::Relaxed);
    }

    /// Appends an entry, numbering it; keeps the answered body when asked to.
    pub fn record(&self, mut entry: JournalEntry, response: Option<&[u8]>) {
        if self.record_responses.load(Ordering::Relaxed) {
            entry.response = response.and_then(|body| serde_json::from_slice(body).ok());
        }
        let mut inner = lock(&self.inner);
        inner.next_seq += 1;
        entry.seq = inner.next_seq;
        if inner.entries.len() >= JOURNAL_CAPACITY {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> Vec<JournalEntry> {
        lock(&self.inner).entries.iter().cloned().collect()
    }

    /// Empties the journal; numbering restarts at 1.
    pub fn clear(&self) {
        let mut inner = lock(&self.inner);
        inner.entries.clear();
        inner.next_seq = 0;
    }
}
