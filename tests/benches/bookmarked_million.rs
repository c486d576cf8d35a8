//! A bookmarked run reading 10 new objects among 1,000,000 already committed: the point past
//! `core/benches/throughput.rs`'s `run_reading_10_new_objects_among` (1,000 / 10,000 /
//! 100,000), built the same way, with 100,000 again beside it for scale. Plain timing rather than
//! divan, so the million-object workspace is built once and each measured run starts from a
//! clone of it: the setup (one run reading every object, and a second run once the band has
//! passed) takes most of the time, and the workspace stays under a few GB. A benchmark, not a
//! test; `cargo xtask bench` runs it:
//! `cargo bench -p gluelab-tests --bench bookmarked_million`.

use std::time::Instant;

use gluelab_core::demo;
use gluelab_core::model::clock::parse_duration;
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};

/// Measured runs per point (each from a fresh clone of the prepared workspace).
const SAMPLES: usize = 3;

fn main() {
    for history in [100_000, 1_000_000] {
        let start = Instant::now();
        let ws = bookmarked(history);
        let setup = start.elapsed().as_secs_f64();
        let mut times = Vec::new();
        for _ in 0..SAMPLES {
            let mut run = ws.clone();
            let start = Instant::now();
            let id = run.start_job_run(RunRequest::new(demo::JOB_NAME)).expect("run");
            times.push(start.elapsed().as_secs_f64());
            let read = run.run(&id).expect("the run").rows_read;
            assert_eq!(read, 10, "the run reads only the new objects");
        }
        times.sort_by(f64::total_cmp);
        println!(
            "gluelab-bench bookmarked run_reading_10_new_objects_among {history}: median {:.1} ms, \
             fastest {:.1} ms ({SAMPLES} runs; setup {setup:.1} s)",
            times[SAMPLES / 2] * 1e3,
            times[0] * 1e3
        );
    }
}

/// A workspace whose source prefix holds `history` objects already read and committed, long
/// enough ago to be outside the band, plus 10 new ones (as in `core/benches/throughput.rs`).
fn bookmarked(history: usize) -> Workspace {
    let mut ws = demo::seed_workspace().expect("demo");
    ws.set_clock_step(10);
    let put = |ws: &mut Workspace, n: usize| {
        let body = format!("{{\"device_id\": \"{n:08x}\", \"timestamp\": {n}, \"state\": true}}\n");
        ws.put_object(
            &S3Uri::new(demo::raw_bucket(), format!("raw-data/part-{n:07}.json")),
            body.into_bytes(),
        )
        .expect("put");
    };
    for n in 0..history {
        put(&mut ws, n);
    }
    ws.start_job_run(RunRequest::new(demo::JOB_NAME)).expect("first run");
    // Keep the sink small so the measured run pays for its source, not for old output.
    ws.delete_prefix(&S3Uri::new(demo::analytics_bucket(), "integrated-data/"))
        .expect("clean sink");
    ws.advance_clock(parse_duration("16m").unwrap()).unwrap();
    ws.start_job_run(RunRequest::new(demo::JOB_NAME)).expect("second run");
    for n in history..history + 10 {
        put(&mut ws, n);
    }
    ws
}
