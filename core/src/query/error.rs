//! Athena's error messages: `CODE: line L:C: message`, carried as `Error::InvalidInput`.
//!
//! Every layer of the engine reports through these, so this module sits below all of them.

use std::fmt;

use crate::arrow::error::ArrowError;

use crate::error::Error;

/// A 1-based position in the SQL text, printed the way Athena prints it (`line 1:8: `).
///
/// Equality always holds: two expressions are "the same" (a `GROUP BY` key reused in the select
/// list, an `ORDER BY` key that repeats a select item) whatever position they were written at.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Pos {
    pub line: u64,
    pub column: u64,
}

impl PartialEq for Pos {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Display for Pos {
    /// `line L:C: `, or nothing when sqlparser gave no position (line 0).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return Ok(());
        }
        write!(f, "line {}:{}: ", self.line, self.column)
    }
}

impl From<sqlparser::tokenizer::Location> for Pos {
    fn from(l: sqlparser::tokenizer::Location) -> Self {
        Pos {
            line: l.line,
            column: l.column,
        }
    }
}

/// An Athena-style error: `CODE: line L:C: message`, carried as `Error::InvalidInput`.
///
/// The codes are Athena's (engine v3) error names, so a message learned here is the one a user
/// meets in the Athena console.
pub(crate) fn sql_error(code: &str, pos: Pos, message: impl fmt::Display) -> Error {
    Error::InvalidInput(format!("{code}: {pos}{message}"))
}

/// `NOT_SUPPORTED: line L:C: <what> is not supported by gluelab's query engine`.
pub(crate) fn not_supported(pos: Pos, what: impl fmt::Display) -> Error {
    sql_error(
        "NOT_SUPPORTED",
        pos,
        format!("{what} is not supported by gluelab's query engine"),
    )
}

pub(crate) fn arithmetic_error(e: ArrowError, pos: Pos) -> Error {
    match e {
        ArrowError::DivideByZero => sql_error("DIVISION_BY_ZERO", pos, "Division by zero"),
        ArrowError::ArithmeticOverflow(m) => sql_error("NUMERIC_VALUE_OUT_OF_RANGE", pos, m),
        other => Error::from(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_carry_code_and_position() {
        let e = sql_error(
            "COLUMN_NOT_FOUND",
            Pos { line: 1, column: 8 },
            "Column 'foo' cannot be resolved",
        );
        assert_eq!(
            e.to_string(),
            "InvalidInputException: COLUMN_NOT_FOUND: line 1:8: Column 'foo' cannot be resolved"
        );
        let e = not_supported(Pos::default(), "JOIN");
        assert_eq!(
            e.to_string(),
            "InvalidInputException: NOT_SUPPORTED: JOIN is not supported by gluelab's query engine"
        );
    }
}
