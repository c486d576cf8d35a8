//! The limits that keep hostile input from aborting the page or the CLI: every recursive parser
//! stops at a named depth, and everything sized from input is sized from what was read.
//!
//! A panic or a stack overflow aborts the whole page in the browser (release wasm is
//! `panic = "abort"`, with a 1 MB stack), so each limit is set well below what the smallest
//! stack holds, and an input past one is a clear error naming the limit (docs/limits.md).

/// How deep Glue/Hive type strings may nest (`array<array<...>>`, `struct<a:struct<...>>`).
/// Hive itself has no documented limit; real catalog types nest a handful of levels.
pub const TYPE_MAX_DEPTH: usize = 64;

/// How deep objects and arrays of one JSON-lines record may nest (the JSON reader's scanner).
pub const JSON_MAX_DEPTH: usize = 128;

/// How deep one SQL expression (query box, Filter/Map expression, warehouse statement) may
/// nest, counted as the operators (`+`, `AND`, `::`, `||`, comparisons, ...) along its open
/// parentheses. sqlparser bounds parentheses itself (50 levels); a chain of operators is parsed
/// in a loop but makes a tree as deep as the chain, which every later pass walks recursively.
/// A long list of alternatives belongs in `IN (...)`, which is flat.
pub const SQL_MAX_DEPTH: usize = 64;

/// How deep brackets (`(`, `[`, `{`) may nest in a Glue script. CPython stops at 200
/// ("too many nested parentheses").
pub const PYTHON_MAX_NESTING: usize = 100;

/// The most operators (`+`, `-`, `not`, `.`, ...) one statement of a Glue script may hold: a
/// chain of them makes a syntax tree as deep as the chain, which the parser and the planner walk
/// recursively. 1000 overflowed a 2 MiB thread's stack in a debug build at about 450 (found by
/// the no-panic hunt); the page's wasm stack is 1 MiB, so 200 keeps a margin of two.
pub const PYTHON_MAX_OPERATORS_PER_STATEMENT: usize = 200;

/// How deep a YAML template's flow collections (`[...]`, `{...}`) may nest; block nesting is
/// bounded by the YAML parser's own recursion limit.
pub const YAML_MAX_FLOW_DEPTH: usize = 128;

/// The widest cell `DataFrame.show()` prints: Spark's `show()` truncates longer values to their
/// first 17 characters and `...` (its default `truncate=True`, 20 characters).
pub const SHOW_CELL_CHARS: usize = 20;

/// The most columns one CSV record may have: Spark's CSV option `maxColumns` (default 20480).
/// A wider record is malformed (PERMISSIVE / DROPMALFORMED / FAILFAST decide what follows); a
/// wider header fails the read.
pub const CSV_MAX_COLUMNS: usize = 20_480;

/// The most bytes one step of an expression may produce over the rows it is evaluated on at
/// once: a string function's result (`concat`, `||`, `replace`, `lpad`, `rpad`) or a constant
/// repeated over the rows. Checked from the arguments' lengths before anything is built, so
/// nested `replace` calls that multiply a value's length, or `lpad(x, 1000000, ' ')` over a
/// million rows, fail with a clear error instead of exhausting the page's memory (and stay far
/// below the 2 GiB that one Arrow string column's offsets can address). 256 MiB, as much as a
/// query's whole result may hold (`query::MAX_RESULT_BYTES`).
pub const EXPRESSION_STEP_MAX_BYTES: usize = 256 << 20;

/// The most cells (rows times columns) the readers reserve before reading; past that, column
/// builders grow with what was actually read.
pub const READ_RESERVE_CELLS: usize = 1 << 20;

/// The most cells (rows times columns) one object's read may hold per byte of the object, on top
/// of [`READ_RESERVE_CELLS`]. Every row costs every column a cell, even when its record holds
/// none of them, so without this a JSON-lines file of short `{}` lines under a schema of
/// thousands of keys (inferred from one wide line, or declared in the catalog) would hold
/// thousands of times its own size. A cell costs up to 16 bytes while builders grow, so 2 keeps a
/// read within the no-panic tests' bound of 64 B per input byte. A CSV field takes at least a
/// byte, so CSV reads of the file's own columns never meet it. Past it the read fails, naming
/// the object and line.
pub const READ_MAX_CELLS_PER_BYTE: usize = 2;

/// The most top-level keys a JSON-lines object may bring into an inferred schema: the same
/// width as [`CSV_MAX_COLUMNS`]. Spark has no such limit for JSON; gluelab's own.
pub const JSON_MAX_COLUMNS: usize = CSV_MAX_COLUMNS;

/// The longest record the CSV and JSON-lines readers take: 64 MiB (a JSON line, or a CSV record
/// with the line breaks inside its quotes). A longer one fails the read whatever the mode: it is
/// nearly always a quote left open or a whole document on one line, and PERMISSIVE would keep
/// all of it again in `_corrupt_record`. Spark's CSV reader has no limit by default
/// (`maxCharsPerColumn` -1); gluelab's own.
pub const RECORD_MAX_BYTES: usize = 64 << 20;

/// The latest instant a snapshot's clock may hold: 9999-12-31T23:59:59.999Z, the last one
/// ISO-8601 prints with four year digits (Glue's timestamps). Later ones overflow on the next tick.
pub const SNAPSHOT_MAX_TIME_MS: i64 = 253_402_300_799_999;

/// The longest step a snapshot's clock may take per action: one day.
pub const SNAPSHOT_MAX_STEP_MS: i64 = 86_400_000;

/// The largest counter (bookmark version, run and attempt, the run sequence) a snapshot may
/// hold: 2^53, the largest integer the browser's JSON numbers keep exactly.
pub const SNAPSHOT_MAX_COUNTER: u64 = 1 << 53;

/// The longest story a link may carry (`demo::story`), in bytes of its text: a fragment this
/// long still fits every browser's URL limit, and its replay stays small.
pub const MAX_STORY_BYTES: usize = 64 * 1024;

/// The most steps a story replays: the longest shipped tour has 14.
pub const MAX_STORY_STEPS: usize = 200;

/// The longest `exclusions` glob, in characters: a glob becomes a regular expression as long, and
/// real exclusions name a folder or an extension.
pub const GLOB_MAX_CHARS: usize = 1024;

/// A language catalog's JSON (`core/locales/ja.json` and `app/locales/ja.json` are ~100 KB
/// together); more is not a catalog.
pub const MAX_CATALOG_BYTES: usize = 1 << 20;
