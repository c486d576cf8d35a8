//! A person's own files in the seed workspace: a file whose fields are not the table's is said
//! plainly, and "make a table from this file" gives the table a crawler would.

use gluelab_core::demo;
use gluelab_core::model::store::S3Uri;
use gluelab_core::{RunRequest, Workspace};

const ORDERS: &[u8] = b"{\"order_id\": 1, \"customer\": \"acme\", \"amount\": 12.5}\n{\"order_id\": 2, \"customer\": \"zenith\", \"amount\": 3}\n";

fn columns(ws: &Workspace, database: &str, table: &str) -> Vec<String> {
    let t = ws.catalog().table(database, table).unwrap();
    t.columns
        .iter()
        .map(|c| format!("{} {}", c.name, c.glue_type))
        .collect()
}

#[test]
fn orders_under_the_device_table_are_named_then_the_table_is_updated_from_them() {
    let mut ws = demo::seed_workspace().unwrap();
    let folder = S3Uri::new(demo::raw_bucket(), "raw-data/");
    let upload = ws.upload_into(&folder, "orders.json", ORDERS.to_vec()).unwrap();
    assert!(
        upload
            .to_string()
            .contains("Its fields do not fit the table: none of order_id"),
        "{upload}"
    );
    let uri = upload.uri;
    let preview = ws.preview_object(&uri, 10).unwrap();
    let warning = preview
        .misfit
        .unwrap()
        .warning(&gluelab_core::i18n::Catalog::english())
        .unwrap();
    assert!(
        warning.starts_with("none of order_id, customer, amount is a column of"),
        "{warning}"
    );
    assert!(
        preview.rows.iter().flatten().all(|cell| cell == "null"),
        "{:?}",
        preview.rows
    );

    let table = ws.make_table_from_object(&uri, None).unwrap();
    assert_eq!(
        (table.database.as_str(), table.name.as_str()),
        (demo::DATABASE, demo::SOURCE_TABLE)
    );
    assert_eq!(
        columns(&ws, demo::DATABASE, demo::SOURCE_TABLE),
        ["order_id bigint", "customer string", "amount double"]
    );
    let preview = ws.preview_object(&uri, 10).unwrap();
    assert_eq!(preview.misfit, None);
    assert_eq!(preview.rows[0], ["1", "acme", "12.5"]);

    let id = ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
    let run = ws.run(&id).unwrap();
    assert_eq!(run.rows_read, 2, "{:?}", run.error_message);
    assert!(run.lineage.files.iter().all(|f| !f.explanation.contains("do not fit")));
}

#[test]
fn a_csv_in_a_new_folder_makes_a_new_table_with_its_header() {
    let mut ws = demo::seed_workspace().unwrap();
    let uri = S3Uri::new(demo::raw_bucket(), "sales/region=north/jan.csv");
    ws.put_object(&uri, b"order_id,amount\n1,2.5\n2,4\n".to_vec()).unwrap();
    let table = ws.make_table_from_object(&uri, None).unwrap();
    assert_eq!(table.name, "sales");
    assert_eq!(table.location, format!("s3://{}/sales/", demo::raw_bucket()));
    assert_eq!(table.partition_keys.len(), 1);
    assert_eq!(
        columns(&ws, &table.database, "sales"),
        ["order_id bigint", "amount double"]
    );
    assert!(table.csv_options().with_header);
    // The same file again: the table it is now under is updated, not a second one made.
    let again = ws.make_table_from_object(&uri, None).unwrap();
    assert_eq!(again.name, "sales");
    // A file at another place whose folder has the same name gets a free name.
    let other = S3Uri::new(demo::analytics_bucket(), "sales/feb.csv");
    ws.put_object(&other, b"order_id,amount\n3,1\n".to_vec()).unwrap();
    assert_eq!(ws.make_table_from_object(&other, None).unwrap().name, "sales_2");
}

#[test]
fn from_empty_to_a_first_run_over_a_persons_own_file() {
    let mut ws = Workspace::default();
    ws.create_bucket("my-data").unwrap();
    let folder = S3Uri::new("my-data", "orders/");
    let upload = ws.upload_into(&folder, "2024-01.json", ORDERS.to_vec()).unwrap();
    let table = ws.make_table_from_object(&upload.uri, None).unwrap();
    assert_eq!((table.database.as_str(), table.name.as_str()), ("default", "orders"));
    let job = ws.create_job_over_table("default", "orders").unwrap();
    assert_eq!(job.name, "orders-etl");
    let id = ws.start_job_run(RunRequest::new(&job.name)).unwrap();
    let run = ws.run(&id).unwrap();
    assert_eq!(
        run.row_flow(&gluelab_core::i18n::Catalog::english()),
        ["Read 2 rows", "Wrote 2 rows"],
        "{:?}",
        run.error_message
    );
    assert_eq!(run.row_chain(), "2 → 2");
    let result = ws.query(&ws.starter_query(&job.name).unwrap(), None).unwrap();
    assert_eq!(
        result.rows_as_strings(),
        [["1", "acme", "12.5"], ["2", "zenith", "3.0"]]
    );
    // Again: the bookmark skips the file; another job over the same table gets free names.
    let id = ws.start_job_run(RunRequest::new(&job.name)).unwrap();
    assert_eq!(ws.run(&id).unwrap().rows_read, 0);
    assert_eq!(
        ws.create_job_over_table("default", "orders").unwrap().name,
        "orders-etl-2"
    );
}
