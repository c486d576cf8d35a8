//! A job's extra Python modules with the built binary: `--extra-py-files` zips are checked against
//! the two rules Glue's import needs (the package folder at the zip's root, an `__init__.py` in
//! it) and a run that names a zip breaking one is refused with the rule named; zips and
//! `--additional-python-modules` the script does not import do not stop a run, and a script that
//! imports a module the runner does not model is still refused at its line.

use std::io::Write;

use crate::common::*;

/// A zip of `files`, written as `zip -r` would (stored).
fn zip_of(files: &[&str]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for name in files {
        writer.start_file(*name, options).unwrap();
        writer.write_all(b"VALUE = 1\n").unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The seed story's workspace with its script and first file, and three zips uploaded to
/// `<analytics>/packages/`.
fn ready() -> (Gluelab, tempfile::TempDir) {
    let gl = Gluelab::new();
    gl.deploy();
    gl.upload_script();
    gl.upload(1);
    let dir = tempfile::tempdir().unwrap();
    for (name, files) in [
        ("services.zip", &["services/__init__.py", "services/agg.py"][..]),
        ("deep.zip", &["src/services/__init__.py", "src/services/agg.py"][..]),
        ("models.zip", &["models/employee.py"][..]),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, zip_of(files)).unwrap();
        gl.ok(&[
            "s3",
            "cp",
            path.to_str().unwrap(),
            &format!("{ANALYTICS}/packages/{name}"),
        ]);
    }
    (gl, dir)
}

fn run_with(gl: &Gluelab, arguments: &str) -> crate::common::Ran {
    gl.run(&["glue", "start-job-run", "--job-name", JOB, "--arguments", arguments])
}

#[test]
fn a_zip_with_its_package_one_folder_too_deep_or_without_init_is_refused_naming_the_rule() {
    let (gl, _dir) = ready();
    let deep = gl.fails(
        254,
        &[
            "glue",
            "start-job-run",
            "--job-name",
            JOB,
            "--arguments",
            &format!(r#"{{"--extra-py-files": "{ANALYTICS}/packages/services.zip,{ANALYTICS}/packages/deep.zip"}}"#),
        ],
    );
    assert!(deep.contains("deep.zip"), "{deep}");
    assert!(deep.contains("package folder at the zip's root"), "{deep}");
    assert!(deep.contains("src/services/ is one folder too deep"), "{deep}");
    let bare = gl.fails(
        254,
        &[
            "glue",
            "start-job-run",
            "--job-name",
            JOB,
            "--arguments",
            &format!(r#"{{"--extra-py-files": "{ANALYTICS}/packages/models.zip"}}"#),
        ],
    );
    assert!(bare.contains("models.zip"), "{bare}");
    assert!(bare.contains("__init__.py in the package"), "{bare}");
    assert!(bare.contains("models/ has no __init__.py"), "{bare}");
    assert!(gl.json(&["glue", "get-job-runs", "--job-name", JOB])["JobRuns"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn modules_the_script_does_not_import_do_not_stop_a_run_but_an_unmodelled_import_does() {
    let (gl, dir) = ready();
    let ran = run_with(
        &gl,
        &format!(
            r#"{{"--extra-py-files": "{ANALYTICS}/packages/services.zip", "--additional-python-modules": "redshift-connector==2.0.910,pydantic==1.10.9"}}"#
        ),
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let runs = gl.json(&["glue", "get-job-runs", "--job-name", JOB]);
    assert_eq!(runs["JobRuns"][0]["JobRunState"], "SUCCEEDED", "{runs}");

    // The same script importing the zip's package: the runner does not model it and says where.
    let script = std::fs::read_to_string(fixtures().join("devices-data-etl.py")).unwrap();
    let importing = format!("from services.agg import VALUE\n{script}");
    let path = dir.path().join("devices-data-etl.py");
    std::fs::write(&path, importing).unwrap();
    gl.ok(&[
        "s3",
        "cp",
        path.to_str().unwrap(),
        &format!("{ANALYTICS}/glue-job-script/devices-data-etl.py"),
    ]);
    gl.upload(2);
    run_with(
        &gl,
        &format!(r#"{{"--extra-py-files": "{ANALYTICS}/packages/services.zip"}}"#),
    );
    let runs = gl.json(&["glue", "get-job-runs", "--job-name", JOB]);
    let last = &runs["JobRuns"][0];
    assert_eq!(last["JobRunState"], "FAILED", "{runs}");
    let message = last["ErrorMessage"].as_str().unwrap();
    assert!(message.contains("line 1"), "{message}");
    assert!(message.contains("from services.agg import"), "{message}");
}
