//! Reading what other tools write, through the built `gluelab`: gzip and bzip2 objects (read by
//! their extension, as Glue does), with a decompression bomb refused by name.

use std::io::Write;
use std::path::PathBuf;

use crate::common::*;
use gluelab_core::model::store::S3Uri;
use gluelab_core::{snapshot, Workspace};

/// A workspace with table `default.orders` over `s3://my-data/orders/` (crawled from a plain
/// CSV) and the job `orders-etl` over it, as a front end would have saved it.
fn orders_workspace(gl: &Gluelab) {
    let mut ws = Workspace::default();
    ws.create_bucket("my-data").unwrap();
    let first = S3Uri::new("my-data", "orders/2024-01.csv");
    ws.put_object(&first, b"order_id,customer,amount\n1,acme,12.5\n".to_vec())
        .unwrap();
    ws.make_table_from_object(&first, None).unwrap();
    ws.create_job_over_table("default", "orders").unwrap();
    std::fs::create_dir_all(gl.workspace()).unwrap();
    std::fs::write(gl.workspace().join("workspace.json"), snapshot::save(&ws)).unwrap();
}

fn local_file(gl: &Gluelab, name: &str, bytes: &[u8]) -> String {
    let path: PathBuf = gl.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

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

fn run_state(gl: &Gluelab) -> serde_json::Value {
    let id = gl.json(&["glue", "start-job-run", "--job-name", "orders-etl"])["JobRunId"]
        .as_str()
        .unwrap()
        .to_string();
    gl.json(&["glue", "get-job-run", "--job-name", "orders-etl", "--run-id", &id])["JobRun"].clone()
}

#[test]
fn gzip_and_bzip2_csv_objects_are_read_by_their_extension() {
    let gl = Gluelab::new();
    orders_workspace(&gl);
    let feb = local_file(&gl, "2024-02.csv.gz", &gzip(b"order_id,customer,amount\n2,zenith,3\n"));
    let mar = local_file(&gl, "2024-03.csv.bz2", &bzip2(b"order_id,customer,amount\n3,acme,1\n"));
    gl.ok(&["s3", "cp", &feb, "s3://my-data/orders/"]);
    gl.ok(&["s3", "cp", &mar, "s3://my-data/orders/"]);
    let run = run_state(&gl);
    assert_eq!(run["JobRunState"], "SUCCEEDED", "{run}");
    let out = gl.ok(&[
        "query",
        r#"SELECT order_id, customer FROM "default"."orders" ORDER BY order_id"#,
    ]);
    for row in ["1 | acme", "2 | zenith", "3 | acme", "(3 rows)"] {
        assert!(out.contains(row), "{out}");
    }
}

#[test]
fn a_gzip_bomb_fails_the_run_naming_the_object_and_the_limit() {
    let gl = Gluelab::new();
    orders_workspace(&gl);
    // 257 members of 1 MiB of text each: more than MAX_DECOMPRESSED_BYTES (256 MiB).
    let member = gzip(&b"9,x,1\n".repeat(1024 * 1024 / 6 + 1));
    let bomb: Vec<u8> = member.iter().copied().cycle().take(member.len() * 257).collect();
    let file = local_file(&gl, "bomb.csv.gz", &bomb);
    gl.ok(&["s3", "cp", &file, "s3://my-data/orders/"]);
    let run = run_state(&gl);
    assert_eq!(run["JobRunState"], "FAILED", "{run}");
    let message = run["ErrorMessage"].as_str().unwrap_or_default();
    assert!(
        message.contains("s3://my-data/orders/bomb.csv.gz") && message.contains("MAX_DECOMPRESSED_BYTES"),
        "{message}"
    );
}
