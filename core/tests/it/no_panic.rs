//! No-panic properties: every parser and reader, fed arbitrary bytes and mutations of real files
//! (the shipped examples and the hostile seed corpus in `core/tests/corpus/`), returns `Ok` or a
//! typed error. A panic fails the case (proptest shrinks it and saves it in
//! `core/tests/proptest-regressions/no_panic.txt`); a stack overflow aborts the test process,
//! which fails the run just the same.
//!
//! Every reader case also stays within a memory bound (`crate::alloc_bound`): a reader that
//! reserves from a size it was told (a header, a footer) rather than from what it read fails.
//!
//! Case counts are bounded (`cases()`) so the whole suite stays a few seconds on 2 cores.

use std::sync::Arc;

use gluelab_core::arrow::datatypes::{DataType, Field, Schema};
use gluelab_core::format::parquet_codec::ParquetCodec;
use gluelab_core::format::{self, CsvOptions, Format, ParseMode, ReadOptions};
use gluelab_core::model::store::S3Uri;
use gluelab_core::{demo, snapshot};
use proptest::prelude::*;

use crate::alloc_bound::within_bound;

/// Cases per property: 48 in CI; `GLUELAB_HUNT_CASES=5000` for a longer hunt by hand.
fn cases() -> u32 {
    std::env::var("GLUELAB_HUNT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48)
}

/// The seed corpus and the shipped examples' files, by name.
fn corpus() -> Vec<(String, Vec<u8>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    for dir in ["tests/corpus", "fixtures/seed", "fixtures/hr"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir)).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            files.push((name, std::fs::read(entry.path()).unwrap()));
        }
    }
    files.extend(parquet_files());
    files
}

/// Parquet files of the seed's rows in every codec core writes, so the Parquet reader is fed
/// real files and their mutations, not only bytes that fail at the magic number.
fn parquet_files() -> Vec<(String, Vec<u8>)> {
    let batch = demo_batch();
    ParquetCodec::ALL
        .into_iter()
        .filter_map(|codec| {
            let body = format::write_batch_with(&batch, Format::Parquet, &CsvOptions::default(), codec).ok()?;
            Some((format!("seed-{}.parquet", codec.name()), body))
        })
        .collect()
}

/// One edit of a valid file: a byte flipped, a run inserted or removed, the file cut short.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Truncate(usize),
    Repeat(usize, usize, u16),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let nasty = prop::sample::select(vec![
        b"\x00".to_vec(),
        b"\xef\xbb\xbf".to_vec(),
        b"\"".to_vec(),
        b"\\".to_vec(),
        b"\n".to_vec(),
        b"\r\n".to_vec(),
        b",".to_vec(),
        b"{[".to_vec(),
        b"]}".to_vec(),
        b"((".to_vec(),
        b"\xff\xfe".to_vec(),
        "\u{2028}".as_bytes().to_vec(),
        b"\x82\xa0".to_vec(),
        b"99999999999999999999".to_vec(),
        b"-9223372036854775808".to_vec(),
        b"1e999".to_vec(),
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (
            any::<usize>(),
            prop_oneof![nasty, prop::collection::vec(any::<u8>(), 0..16)]
        )
            .prop_map(|(i, bytes)| Mutation::Insert(i, bytes)),
        (any::<usize>(), 0usize..64).prop_map(|(i, n)| Mutation::Remove(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..32, 1u16..2000).prop_map(|(i, n, times)| Mutation::Repeat(i, n, times)),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let at = |i: usize| if bytes.is_empty() { 0 } else { i % (bytes.len() + 1) };
        match m {
            Mutation::Flip(i, b) if !bytes.is_empty() => {
                let i = i % bytes.len();
                bytes[i] ^= b | 1;
            }
            Mutation::Flip(..) => {}
            Mutation::Insert(i, run) => {
                let i = at(*i);
                bytes.splice(i..i, run.iter().copied());
            }
            Mutation::Remove(i, n) => {
                let i = at(*i);
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            Mutation::Truncate(i) => {
                let i = at(*i);
                bytes.truncate(i);
            }
            Mutation::Repeat(i, n, times) => {
                let i = at(*i);
                let end = (i + n).min(bytes.len());
                let run = bytes[i..end].to_vec();
                let repeated: Vec<u8> = run.iter().copied().cycle().take(run.len() * *times as usize).collect();
                bytes.splice(i..i, repeated);
            }
        }
    }
    bytes
}

/// A corpus file (index into [`corpus`]) and edits to it.
fn mutated_file() -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    (any::<usize>(), prop::collection::vec(mutation(), 0..6))
}

fn pick(index: usize) -> (String, Vec<u8>, Vec<u8>) {
    let files = corpus();
    let (name, bytes) = files[index % files.len()].clone();
    (name, bytes.clone(), bytes)
}

/// Every reader option combination: format, header, separator, quote, escaper, mode, schema.
fn read_options() -> impl Strategy<Value = ReadOptions> {
    let schema = prop_oneof![
        Just(None),
        Just(Some(Arc::new(Schema::new(vec![
            Field::new("device_id", DataType::Utf8, true),
            Field::new("timestamp", DataType::Int64, true),
            Field::new("state", DataType::Boolean, true),
        ])))),
        Just(Some(Arc::new(Schema::new(vec![
            Field::new("a", DataType::Int32, true),
            Field::new(
                "b",
                DataType::List(Arc::new(Field::new("item", DataType::Float64, true))),
                true,
            ),
            Field::new("_corrupt_record", DataType::Utf8, true),
        ])))),
    ];
    (
        prop::sample::select(vec![Format::Json, Format::Csv, Format::Parquet]),
        any::<bool>(),
        prop::sample::select(vec![b',', b';', b'\t', b'|', b'"']),
        prop::sample::select(vec![Some(b'"'), Some(b'\''), None, Some(b',')]),
        prop::sample::select(vec![None, Some(b'\\'), Some(b'"')]),
        prop::sample::select(vec![
            ParseMode::Permissive,
            ParseMode::DropMalformed,
            ParseMode::FailFast,
        ]),
        schema,
        any::<bool>(),
    )
        .prop_map(|(fmt, header, sep, quote, escape, mode, schema, corrupt)| {
            let csv = CsvOptions::default()
                .with_header(header)
                .with_separator(sep)
                .with_quote(quote)
                .with_escape(escape);
            let mut options = ReadOptions::default().with_format(fmt).with_csv(csv).with_mode(mode);
            if let Some(schema) = schema {
                options = options.with_schema(schema);
            }
            options.corrupt_record_as_data = corrupt;
            options
        })
}

/// A read never panics, holds no more memory than [`within_bound`] allows, and never yields
/// more rows than the object has lines (plus one).
fn read_is_bounded(object: &str, bytes: &[u8], options: &ReadOptions) {
    let read = within_bound(object, bytes.len(), || format::read_object(object, bytes, options));
    if let Ok(out) = read {
        if options.format != Format::Parquet {
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
            assert!(
                out.batch.num_rows() <= lines,
                "{} rows from {lines} lines",
                out.batch.num_rows()
            );
        }
    }
    let _ = within_bound(object, bytes.len(), || format::infer_schema(object, bytes, options));
}

fn seed_snapshot() -> Vec<u8> {
    let mut ws = demo::seed_workspace().unwrap();
    let (key, body) = demo::raw_files()[0];
    ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.as_bytes().to_vec())
        .unwrap();
    ws.start_job_run(gluelab_core::RunRequest::new(demo::JOB_NAME)).unwrap();
    snapshot::save(&ws)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn readers_never_panic_on_arbitrary_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        options in read_options(),
    ) {
        read_is_bounded("s3://b/arbitrary", &bytes, &options);
    }

    #[test]
    fn readers_never_panic_on_mutated_files((index, edits) in mutated_file(), options in read_options()) {
        let (name, original, _) = pick(index);
        let bytes = mutate(original, &edits);
        read_is_bounded(&format!("s3://b/{name}"), &bytes, &options);
    }

    /// Edits aimed at a Parquet file's footer (its Thrift metadata, the length before the
    /// closing magic): where the row counts, offsets and sizes a reader would reserve from are.
    #[test]
    fn the_parquet_reader_never_panics_on_mutated_footers(
        index in any::<usize>(),
        edits in prop::collection::vec((0usize..512, mutation()), 1..6),
        options in read_options(),
    ) {
        let files = parquet_files();
        let (name, mut bytes) = files[index % files.len()].clone();
        for (from_end, edit) in edits {
            let at = bytes.len().saturating_sub(from_end + 1);
            let edit = match edit {
                Mutation::Flip(_, b) => Mutation::Flip(at, b),
                Mutation::Insert(_, run) => Mutation::Insert(at, run),
                Mutation::Remove(_, n) => Mutation::Remove(at, n.min(8)),
                Mutation::Truncate(_) => Mutation::Truncate(at),
                Mutation::Repeat(_, n, times) => Mutation::Repeat(at, n, times),
            };
            bytes = mutate(bytes, &[edit]);
        }
        read_is_bounded(&format!("s3://b/{name}"), &bytes, &options.with_format(Format::Parquet));
    }

    #[test]
    fn the_s3_preview_never_panics((index, edits) in mutated_file(), suffix in prop::sample::select(vec![".json", ".csv", ".parquet", ".txt", ""])) {
        let (name, original, _) = pick(index);
        let mut ws = demo::seed_workspace().unwrap();
        let uri = S3Uri::new(demo::raw_bucket(), format!("raw-data/{name}{suffix}"));
        let bytes = mutate(original, &edits);
        let len = bytes.len();
        ws.put_object(&uri, bytes).unwrap();
        let _ = within_bound(&uri.to_string(), len, || ws.preview_object(&uri, 20));
    }

    #[test]
    fn snapshots_and_share_codes_are_loaded_or_refused(edits in prop::collection::vec(mutation(), 1..4)) {
        let saved = seed_snapshot();
        let mutated = mutate(saved.clone(), &edits);
        let _ = within_bound("snapshot", mutated.len(), || snapshot::load(&mutated));
        let ws = snapshot::load(&saved).unwrap();
        let code = snapshot::to_share_code(&ws).unwrap();
        let _ = snapshot::from_share_code(&String::from_utf8_lossy(&mutate(code.into_bytes(), &edits)));
    }

    #[test]
    fn share_codes_of_arbitrary_text_are_refused(code in "[A-Za-z0-9_-]{0,400}") {
        prop_assert!(snapshot::from_share_code(&code).is_err());
    }

    #[test]
    fn glue_type_strings_parse_or_are_refused(
        text in r"(array<|map<|struct<|a:|int|string|decimal\(|[0-9]{1,3}|,|>|\)| |`){0,64}",
        (index, edits) in mutated_file(),
    ) {
        let _ = format::parse_glue_type(&text);
        let (_, original, _) = pick(index);
        let _ = format::parse_glue_type(&String::from_utf8_lossy(&mutate(original, &edits)));
    }

    #[test]
    fn sql_parses_runs_or_is_refused(
        pieces in prop::collection::vec(prop::sample::select(vec![
            "SELECT ", "* ", "device_id", "timestamp", "state", " FROM ", "devices_data_analystics.devices_integrated_data",
            " WHERE ", " AND ", " OR ", " NOT ", "(", ")", "1", "'x'", " + ", " || ", "::bigint", " = ", " IS NULL",
            ", ", "count(*)", " GROUP BY ", " ORDER BY ", " LIMIT ", "lpad('x', 999999, 'y')", "CASE WHEN ", " THEN ", " ELSE ", " END",
            "9223372036854775807", "-", " / 0", "\"", "[", "]",
        ]), 0..40),
        arbitrary in ".{0,200}",
    ) {
        let ws = demo::seed_workspace().unwrap();
        let sql = pieces.concat();
        let _ = ws.query(&sql, Some("devices_data_analystics"));
        let _ = ws.query(&arbitrary, None);
        let batch = demo_batch();
        let _ = gluelab_core::query::predicate_mask(&batch, &sql);
        let _ = gluelab_core::query::evaluate_expression(&batch, &sql);
        let _ = gluelab_core::query::predicate_mask(&batch, &arbitrary);
        let mut warehouse = gluelab_core::warehouse::Warehouse::default();
        let _ = warehouse.execute(&sql, 0);
        let _ = warehouse.execute(&arbitrary, 0);
    }

    #[test]
    fn job_arguments_and_durations_parse_or_are_refused(text in ".{0,200}", (index, edits) in mutated_file()) {
        let _ = gluelab_core::model::args::parse_argument_pairs(&text);
        let _ = gluelab_core::model::args::parse_argument_text(&text);
        let _ = gluelab_core::model::clock::parse_duration(&text);
        let (_, original, _) = pick(index);
        let mutated = String::from_utf8_lossy(&mutate(original, &edits)).into_owned();
        let _ = gluelab_core::model::args::parse_argument_pairs(&mutated);
        let _ = gluelab_core::model::clock::parse_duration(&mutated);
    }
}

#[cfg(feature = "scripts")]
proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn scripts_plan_or_fail_with_a_line((index, edits) in mutated_file(), script_edits in prop::collection::vec(mutation(), 0..6)) {
        let arguments = std::collections::BTreeMap::new();
        let seed_script = include_str!("../../fixtures/seed/devices-data-etl.py").as_bytes().to_vec();
        let script = String::from_utf8_lossy(&mutate(seed_script, &script_edits)).into_owned();
        let _ = gluelab_core::aws::script::plan_from_script(&script, &arguments, Default::default());
        let (_, original, _) = pick(index);
        let _ = gluelab_core::aws::script::plan_from_script(&String::from_utf8_lossy(&mutate(original, &edits)), &arguments, Default::default());
    }
}

/// The longest scripts the limits let through plan (or fail with a line) on a thread with a
/// 1 MiB stack, the page's wasm stack, in whatever build the tests run: the limits are low
/// enough for the recursion they allow. (With the operator limit at 1000, a chain of 450
/// overflowed 2 MiB.)
#[cfg(feature = "scripts")]
#[test]
fn scripts_at_the_limits_fit_the_pages_stack() {
    use gluelab_core::aws::script::plan_from_script;
    use gluelab_core::limits::{PYTHON_MAX_NESTING, PYTHON_MAX_OPERATORS_PER_STATEMENT};
    let shapes: [fn(usize) -> String; 5] = [
        |n| format!("import sys\nx = 1{}\n", "+1".repeat(n)),
        |n| format!("import sys\nx = {}1\n", "-".repeat(n)),
        |n| format!("import sys\nx = a{}\n", ".b".repeat(n)),
        |n| format!("import sys\nx = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        |n| format!("import sys\nx = {}1{}\n", "[".repeat(n), "]".repeat(n)),
    ];
    let at_limit = |e: &gluelab_core::aws::script::ScriptError| {
        let e = e.to_string();
        e.contains("PYTHON_MAX_OPERATORS_PER_STATEMENT") || e.contains("PYTHON_MAX_NESTING")
    };
    for shape in shapes {
        // The longest of this shape the limits accept (each refusal is the cheap pre-check).
        let longest = (1..=PYTHON_MAX_OPERATORS_PER_STATEMENT.max(PYTHON_MAX_NESTING))
            .rev()
            .map(shape)
            .find(|script| {
                !plan_from_script(script, &Default::default(), Default::default()).is_err_and(|e| at_limit(&e))
            })
            .expect("a short script passes the limits");
        let planned = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || plan_from_script(&longest, &Default::default(), Default::default()).is_ok())
            .unwrap()
            .join();
        assert!(planned.is_ok(), "planning panicked");
    }
}

#[cfg(feature = "cfn")]
proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn templates_parse_or_are_refused((index, edits) in mutated_file(), template_edits in prop::collection::vec(mutation(), 0..6)) {
        let template = include_str!("../../fixtures/seed/template.yaml").as_bytes().to_vec();
        let _ = gluelab_core::aws::cfn::parse_template(&String::from_utf8_lossy(&mutate(template, &template_edits)));
        let (_, original, _) = pick(index);
        let _ = gluelab_core::aws::cfn::parse_template(&String::from_utf8_lossy(&mutate(original, &edits)));
    }
}

fn demo_batch() -> gluelab_core::arrow::array::RecordBatch {
    let body = demo::raw_files()[0].1.as_bytes();
    let options = ReadOptions::default();
    format::read_object("s3://b/raw-data-1.json", body, &options)
        .unwrap()
        .batch
}

/// Every corpus file as it is, through every parser it could reach: the hostile classes the
/// first hunt found (see the note of issue 15) each come back as an error, not an abort.
#[test]
fn every_corpus_file_is_read_or_refused_whole() {
    let ws = demo::seed_workspace().unwrap();
    for (name, bytes) in corpus() {
        let text = String::from_utf8_lossy(&bytes);
        for fmt in [Format::Json, Format::Csv, Format::Parquet] {
            read_is_bounded(&name, &bytes, &ReadOptions::default().with_format(fmt));
        }
        let is = |exts: &[&str]| exts.iter().any(|e| name.ends_with(e));
        if is(&[".txt"]) {
            let _ = format::parse_glue_type(text.trim());
        }
        if is(&[".sql", ".txt"]) {
            let _ = ws.query(&text, None);
            let _ = gluelab_core::query::predicate_mask(&demo_batch(), text.trim());
        }
        #[cfg(feature = "scripts")]
        if is(&[".py"]) {
            let _ = gluelab_core::aws::script::plan_from_script(&text, &Default::default(), Default::default());
        }
        #[cfg(feature = "cfn")]
        if is(&[".yaml", ".json"]) {
            let _ = gluelab_core::aws::cfn::parse_template(&text);
        }
    }
}

#[test]
fn the_hunts_aborts_are_errors_naming_their_limit() {
    let ws = demo::seed_workspace().unwrap();
    let file = |name: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus")
            .join(name);
        std::fs::read_to_string(path).unwrap()
    };
    let e = ws
        .query(&file("long-operator-chain.sql"), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("SQL_MAX_DEPTH") && e.contains("line 1:"), "{e}");
    let wide = file("wide-schema-short-lines.json");
    let e = format::read_object("s3://b/wide.json", wide.as_bytes(), &ReadOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("s3://b/wide.json, line ") && e.contains("READ_MAX_CELLS_PER_BYTE"),
        "{e}"
    );
    let e = ws.query(&file("replace-growth.sql"), None).unwrap_err().to_string();
    assert!(
        e.contains("EXPRESSION_STEP_MAX_BYTES") && e.contains("line 1:15: replace"),
        "{e}"
    );
    let e = gluelab_core::query::predicate_mask(&demo_batch(), file("long-or-filter.txt").trim())
        .unwrap_err()
        .to_string();
    assert!(e.contains("SQL_MAX_DEPTH"), "{e}");
    let e = format::parse_glue_type(file("deep-type.txt").trim())
        .unwrap_err()
        .to_string();
    assert!(e.contains("TYPE_MAX_DEPTH"), "{e}");
    let e = format::parse_glue_type(file("deep-struct-type.txt").trim())
        .unwrap_err()
        .to_string();
    assert!(e.contains("TYPE_MAX_DEPTH"), "{e}");
    #[cfg(feature = "cfn")]
    for (name, limit) in [
        ("deep-template.yaml", "YAML_MAX_FLOW_DEPTH"),
        ("deep-template.json", "recursion limit exceeded"),
        ("yaml-anchor-bomb.yaml", "repetition limit exceeded"),
    ] {
        let e = gluelab_core::aws::cfn::parse_template(&file(name))
            .unwrap_err()
            .to_string();
        assert!(e.contains(limit), "{name}: {e}");
    }
    #[cfg(feature = "scripts")]
    for (name, limit) in [
        ("deep-parens.py", "PYTHON_MAX_NESTING"),
        ("deep-lists.py", "PYTHON_MAX_NESTING"),
        ("long-chain.py", "PYTHON_MAX_OPERATORS_PER_STATEMENT"),
    ] {
        let e = gluelab_core::aws::script::plan_from_script(&file(name), &Default::default(), Default::default())
            .unwrap_err();
        assert_eq!(e.line, 2, "{name}: {e}");
        assert!(e.message.contains(limit), "{name}: {e}");
    }
}
