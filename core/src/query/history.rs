//! The queries a user ran, most recent first: what a query box lists to put one back. Bounded
//! in entries and in each entry's length, so a saved history stays small.

use serde::{Deserialize, Serialize};

/// At most this many queries are kept; the oldest goes first.
pub const HISTORY_ENTRIES: usize = 20;
/// Longer queries are not kept (a pasted script is not a query worth listing).
pub const HISTORY_ENTRY_CHARS: usize = 4_000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QueryHistory {
    entries: Vec<String>,
}

impl QueryHistory {
    /// The queries, most recent first.
    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// Records `sql` as the most recent query: a repeat moves to the front instead of being
    /// listed twice; blank or overlong queries are not kept.
    pub fn record(&mut self, sql: &str) {
        let sql = sql.trim();
        if sql.is_empty() || sql.chars().count() > HISTORY_ENTRY_CHARS {
            return;
        }
        self.entries.retain(|e| e != sql);
        self.entries.insert(0, sql.to_string());
        self.entries.truncate(HISTORY_ENTRIES);
    }

    /// The history as saved (a JSON array of strings).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("strings serialise")
    }

    /// A saved history; anything that does not read as one (another version, a hand edit) is
    /// an empty history, and the bounds hold whatever was saved.
    pub fn from_json(text: &str) -> Self {
        let saved: Vec<String> = serde_json::from_str(text).unwrap_or_default();
        let mut history = QueryHistory::default();
        for sql in saved.iter().rev() {
            history.record(sql);
        }
        history
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_recent_first_without_repeats_and_bounded() {
        let mut h = QueryHistory::default();
        h.record("SELECT 1");
        h.record("  SELECT 2\n");
        h.record("SELECT 1");
        h.record("   ");
        h.record(&"x".repeat(HISTORY_ENTRY_CHARS + 1));
        assert_eq!(h.entries(), ["SELECT 1", "SELECT 2"]);
        for i in 0..HISTORY_ENTRIES + 5 {
            h.record(&format!("SELECT {i}"));
        }
        assert_eq!(h.entries().len(), HISTORY_ENTRIES);
        assert_eq!(h.entries()[0], format!("SELECT {}", HISTORY_ENTRIES + 4));
    }

    #[test]
    fn saved_and_read_back_and_garbage_is_empty() {
        let mut h = QueryHistory::default();
        h.record("SELECT 1");
        h.record("SELECT 'a \"b\"'");
        assert_eq!(QueryHistory::from_json(&h.to_json()), h);
        assert_eq!(QueryHistory::from_json("{not json"), QueryHistory::default());
        let long: Vec<String> = (0..50).map(|i| format!("SELECT {i}")).collect();
        let read = QueryHistory::from_json(&serde_json::to_string(&long).unwrap());
        assert_eq!(read.entries().len(), HISTORY_ENTRIES);
        assert_eq!(read.entries()[0], "SELECT 0");
    }
}
