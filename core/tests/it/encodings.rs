//! The CSV `encoding` read option: Spark's CSV reader with `.option("encoding", "Shift_JIS")`
//! decodes the text (GLUE-SEMANTICS.md §11, "Spark's CSV reader and other encodings", run on
//! pyspark 3.5.6); a Glue catalog table carries it as the SerDe parameter
//! `serialization.encoding` (LazySimpleSerDe / OpenCSVSerde). The Japanese HR export of the seed
//! articles, saved by Excel in Shift_JIS, reads as it is once the table says so.
#![cfg(feature = "encodings")]

use gluelab_core::model::catalog::{Column, Table};
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};

const HR: &str = "社員番号,氏名,部署\n1,山田太郎,営業部\n2,佐藤花子,開発部\n";

fn hr_workspace(encoding: Option<&str>) -> (Workspace, S3Uri) {
    let mut ws = Workspace::default();
    ws.create_bucket("hr-exports").unwrap();
    ws.create_database("default").unwrap();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(HR);
    let uri = S3Uri::new("hr-exports", "employees/2024-01.csv");
    ws.put_object(&uri, sjis.into_owned()).unwrap();
    let columns = ["社員番号 bigint", "氏名 string", "部署 string"]
        .iter()
        .map(|c| {
            let (name, ty) = c.split_once(' ').unwrap();
            Column::new(name, ty)
        })
        .collect();
    let mut table = Table::new(
        "default",
        "employees",
        "s3://hr-exports/employees/",
        gluelab_core::format::Format::Csv,
        columns,
    );
    table.parameters.insert("skip.header.line.count".into(), "1".into());
    if let Some(e) = encoding {
        table.serde_parameters.insert("serialization.encoding".into(), e.into());
    }
    ws.create_table(table).unwrap();
    (ws, uri)
}

#[test]
fn a_shift_jis_export_reads_once_the_table_names_its_encoding() {
    let (ws, uri) = hr_workspace(None);
    let m = ws.preview_object(&uri, 10).unwrap_err().to_string();
    assert!(
        m.contains("looks like Shift_JIS (CP932)") && m.contains("or set the table's encoding to Shift_JIS"),
        "{m}"
    );

    let (mut ws, uri) = hr_workspace(Some("Shift_JIS"));
    let preview = ws.preview_object(&uri, 10).unwrap();
    assert_eq!(preview.rows, [["1", "山田太郎", "営業部"], ["2", "佐藤花子", "開発部"]]);
    let job = ws.create_job_over_table("default", "employees").unwrap();
    let id = ws.start_job_run(RunRequest::new(&job.name)).unwrap();
    assert_eq!(
        ws.run(&id).unwrap().rows_read,
        2,
        "{:?}",
        ws.run(&id).unwrap().error_message
    );
    let rows = ws
        .query(
            r#"SELECT "氏名" FROM "default"."employees_out" WHERE "部署" = '開発部'"#,
            None,
        )
        .unwrap();
    assert_eq!(rows.rows_as_strings(), [["佐藤花子"]]);
}

#[test]
fn java_names_of_the_encoding_work_too() {
    for name in ["CP932", "windows-31j", "SJIS"] {
        let (ws, uri) = hr_workspace(Some(name));
        assert_eq!(ws.preview_object(&uri, 1).unwrap().rows[0][1], "山田太郎", "{name}");
    }
}

#[test]
fn the_preview_suggests_the_encoding_and_one_call_sets_it_on_the_table() {
    let (mut ws, uri) = hr_workspace(None);
    let suggested = ws.suggested_encoding(&uri).expect("Shift_JIS bytes under a CSV table");
    assert_eq!(suggested.option_name(), "Shift_JIS");
    let table = ws.set_table_encoding(&uri, suggested.option_name()).unwrap();
    assert_eq!(
        table.serde_parameters.get("serialization.encoding").map(String::as_str),
        Some("Shift_JIS")
    );
    assert_eq!(ws.preview_object(&uri, 1).unwrap().rows[0][1], "山田太郎");
    assert_eq!(ws.suggested_encoding(&uri), None, "the table names its encoding now");

    // UTF-8 text, a JSON table and a file under no table get no suggestion.
    let utf8 = S3Uri::new("hr-exports", "employees/2024-02.csv");
    ws.put_object(&utf8, HR.as_bytes().to_vec()).unwrap();
    ws.set_table_encoding(&uri, "").unwrap();
    assert_eq!(ws.suggested_encoding(&utf8), None);
    let loose = S3Uri::new("hr-exports", "elsewhere/2024-01.csv");
    let body = ws.store().get(&uri).unwrap().body.to_vec();
    ws.put_object(&loose, body).unwrap();
    assert_eq!(ws.suggested_encoding(&loose), None);
    let m = ws.set_table_encoding(&loose, "Shift_JIS").unwrap_err().to_string();
    assert!(m.contains("under no catalog table"), "{m}");
}
