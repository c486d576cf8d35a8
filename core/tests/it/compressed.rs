//! Compressed objects (`.gz`, `.bz2`), read as Glue reads them: "AWS Glue automatically
//! recognizes the compression type by the file extension" (the `compressionType` connection
//! option's documentation, aws-glue-programming-etl-connect-s3-home, and GLUE-SEMANTICS.md §1.4:
//! the S3 reader's options). The preview, the crawler, the schema fit and a run all read them;
//! errors name the object and the line of the decompressed text; a bomb is refused.
#![cfg(all(feature = "gzip", feature = "bzip2"))]

use std::io::Write;

use gluelab_core::format::compression::MAX_DECOMPRESSED_BYTES;
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};

const ORDERS: &[u8] = b"order_id,customer,amount\n1,acme,12.5\n2,zenith,3\n";

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text).unwrap();
    e.finish().unwrap()
}

fn bzip2(text: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    e.write_all(text).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip_and_bzip2_csv_is_crawled_previewed_and_run_like_plain_csv() {
    let mut ws = Workspace::default();
    ws.create_bucket("my-data").unwrap();
    let jan = S3Uri::new("my-data", "orders/2024-01.csv.gz");
    ws.put_object(&jan, gzip(ORDERS)).unwrap();
    let table = ws.make_table_from_object(&jan, None).unwrap();
    assert_eq!(table.name, "orders");
    assert_eq!(
        table.parameters.get("compressionType").map(String::as_str),
        Some("gzip")
    );
    let cols: Vec<String> = table
        .columns
        .iter()
        .map(|c| format!("{} {}", c.name, c.glue_type))
        .collect();
    assert_eq!(cols, ["order_id bigint", "customer string", "amount double"]);
    assert!(table.csv_options().with_header);

    let preview = ws.preview_object(&jan, 10).unwrap();
    assert_eq!(preview.rows, [["1", "acme", "12.5"], ["2", "zenith", "3.0"]]);
    assert!(preview.summary().contains("gzip-compressed"), "{}", preview.summary());
    assert_eq!(preview.misfit, None);

    let feb = S3Uri::new("my-data", "orders/2024-02.csv.bz2");
    ws.put_object(&feb, bzip2(b"order_id,customer,amount\n3,acme,1\n"))
        .unwrap();
    let job = ws.create_job_over_table("default", "orders").unwrap();
    let id = ws.start_job_run(RunRequest::new(&job.name)).unwrap();
    let run = ws.run(&id).unwrap();
    assert_eq!(run.rows_read, 3, "{:?}", run.error_message);
    let result = ws.query(&ws.starter_query(&job.name).unwrap(), None).unwrap();
    let mut rows = result.rows_as_strings();
    rows.sort();
    assert_eq!(
        rows,
        [["1", "acme", "12.5"], ["2", "zenith", "3.0"], ["3", "acme", "1.0"]]
    );
}

#[test]
fn a_bad_line_inside_a_gzip_json_file_is_named_by_its_decompressed_line() {
    let mut ws = Workspace::default();
    ws.create_bucket("bkt").unwrap();
    let good = S3Uri::new("bkt", "events/a.json.gz");
    ws.put_object(&good, gzip(b"{\"id\": 1}\n")).unwrap();
    ws.make_table_from_object(&good, None).unwrap();
    let uri = S3Uri::new("bkt", "events/b.json.gz");
    ws.put_object(&uri, gzip(b"{\"id\": 1}\n{\"id\": 2}\n{\"id\": \"x\"}\n"))
        .unwrap();
    let preview = ws.preview_object(&uri, 10).unwrap();
    let problems: Vec<String> = preview.problems.iter().map(|e| e.to_string()).collect();
    assert!(
        problems
            .iter()
            .any(|p| p == "s3://bkt/events/b.json.gz, line 3, field \"id\": expected bigint, found string \"x\""),
        "{problems:?}"
    );
}

#[test]
fn a_decompression_bomb_is_refused_with_the_named_limit() {
    // 257 gzip members of 1 MiB of "0" lines each: 257 MiB of text from about 260 KB.
    let member = gzip(&b"0\n".repeat(512 * 1024));
    let members = MAX_DECOMPRESSED_BYTES / (1024 * 1024) + 1;
    let bomb: Vec<u8> = member.iter().copied().cycle().take(member.len() * members).collect();
    let mut ws = Workspace::default();
    ws.create_bucket("bkt").unwrap();
    let uri = S3Uri::new("bkt", "in/bomb.csv.gz");
    ws.put_object(&uri, bomb).unwrap();
    ws.make_table_from_object(&uri, None).unwrap();
    // The preview inflates only its sample: it shows the first rows.
    assert!(!ws.preview_object(&uri, 5).unwrap().rows.is_empty());
    let job = ws.create_job_over_table("default", "in").unwrap();
    let id = ws.start_job_run(RunRequest::new(&job.name)).unwrap();
    let run = ws.run(&id).unwrap();
    let message = run.error_message.clone().unwrap_or_default();
    assert!(
        message.contains("s3://bkt/in/bomb.csv.gz") && message.contains("MAX_DECOMPRESSED_BYTES"),
        "{message}"
    );
    assert_eq!(run.rows_read, 0);
}
