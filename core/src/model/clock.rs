//! The virtual clock: every action in a workspace happens at a deterministic instant.
//!
//! Real time never leaks in, so the same actions always give the same LastModified times,
//! run ids and bookmark JSON, byte for byte.

use chrono::{DateTime, SecondsFormat};
use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// 2021-01-07T08:40:00.000Z: the morning of the seed article's experiment.
pub const DEFAULT_START: Millis = 1_610_008_800_000;
/// Each action moves the clock on by this much unless told otherwise.
pub const DEFAULT_STEP: Millis = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualClock {
    now: Millis,
    step: Millis,
}

impl Default for VirtualClock {
    fn default() -> Self {
        Self::new(DEFAULT_START, DEFAULT_STEP)
    }
}

impl VirtualClock {
    pub fn new(start: Millis, step: Millis) -> Self {
        Self {
            now: start,
            step: step.max(1),
        }
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn step(&self) -> Millis {
        self.step
    }

    pub fn set_step(&mut self, step: Millis) {
        self.step = step.max(1);
    }

    /// Moves on by one step and returns the new instant: the time of the next action.
    pub fn tick(&mut self) -> Millis {
        // Saturating: a loaded clock is checked to be far from the end (SNAPSHOT_MAX_TIME_MS).
        self.now = self.now.saturating_add(self.step);
        self.now
    }

    /// "15 minutes pass": moves on by `ms` (never backwards).
    pub fn advance(&mut self, ms: Millis) -> Millis {
        self.now = self.now.saturating_add(ms.max(0));
        self.now
    }
}

/// ISO-8601 UTC with milliseconds, as Glue prints `CURR_RUN_START_TIME`: `2021-01-07T08:53:15.319Z`.
pub fn iso8601(ms: Millis) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_else(|| format!("@{ms}ms"))
}

/// Parses `15m`, `90s`, `2h`, `1d`, `500ms` or a bare number of milliseconds.
pub fn parse_duration(text: &str) -> Option<Millis> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: Millis = number.parse().ok()?;
    let factor = match unit.trim() {
        "" | "ms" => 1,
        "s" => 1_000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    n.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_glue() {
        assert_eq!(iso8601(1_610_009_595_319), "2021-01-07T08:53:15.319Z");
        assert_eq!(iso8601(DEFAULT_START), "2021-01-07T08:40:00.000Z");
    }

    #[test]
    fn ticks_and_advances_deterministically() {
        let mut clock = VirtualClock::new(0, 250);
        assert_eq!(clock.tick(), 250);
        assert_eq!(clock.advance(parse_duration("15m").unwrap()), 250 + 900_000);
        assert_eq!(clock.advance(-5), 250 + 900_000, "never backwards");
    }

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration("90s"), Some(90_000));
        assert_eq!(parse_duration("2h"), Some(7_200_000));
        assert_eq!(parse_duration("12"), Some(12));
        assert_eq!(parse_duration("3 weeks"), None);
        assert_eq!(parse_duration(""), None);
    }
}
