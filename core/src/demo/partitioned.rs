//! The ready example "Partitions: pruned, tracked, registered": orders in a table partitioned
//! by `year` and `month`, read with `push_down_predicate="year = '2026'"`.
//!
//! What it shows, each from Glue's documentation: a pushed-down predicate prunes partitions
//! before anything is listed ("Pre-filtering using pushdown predicates",
//! aws-glue-programming-etl-partitions); the bookmark still tracks files inside old partitions,
//! by modification time, so a late file in January is read (monitor-continuations); and a
//! catalog read sees only the partitions the catalog holds, so a new `month=02/` folder waits
//! for `MSCK REPAIR TABLE` or a crawler.

use crate::error::Result;
use crate::format::Format;
use crate::model::catalog::{Column, Table};
use crate::model::job::{SinkSpec, SourceSpec};
use crate::model::store::S3Uri;
use crate::workspace::Workspace;

pub const JOB_NAME: &str = "orders-2026-etl";
const DATABASE: &str = "lake";
const SOURCE_TABLE: &str = "orders";
const SINK_TABLE: &str = "orders_2026";
pub(super) const PREDICATE: &str = "year = '2026'";

/// The files in the lake before the tour: one per month, December 2025 and January 2026.
const LAKE_FILES: [(&str, &str); 2] = [
    (
        "year=2025/month=12/orders-1.json",
        "{\"order_id\": 901, \"region\": \"north\", \"amount\": 40.0}\n{\"order_id\": 902, \"region\": \"south\", \"amount\": 12.5}\n",
    ),
    (
        "year=2026/month=01/orders-1.json",
        "{\"order_id\": 1001, \"region\": \"north\", \"amount\": 25.5}\n{\"order_id\": 1002, \"region\": \"east\", \"amount\": 8.0}\n",
    ),
];

/// A late January file, and February's first.
pub(super) const LATE_JANUARY: (&str, &str) = (
    "year=2026/month=01/orders-2.json",
    "{\"order_id\": 1003, \"region\": \"south\", \"amount\": 17.25}\n",
);
pub(super) const FEBRUARY: (&str, &str) = (
    "year=2026/month=02/orders-1.json",
    "{\"order_id\": 2001, \"region\": \"west\", \"amount\": 60.0}\n{\"order_id\": 2002, \"region\": \"north\", \"amount\": 5.75}\n",
);

fn columns() -> Vec<Column> {
    vec![
        Column::new("order_id", "bigint"),
        Column::new("region", "string"),
        Column::new("amount", "double"),
    ]
}

fn partition_keys() -> Vec<Column> {
    vec![Column::new("year", "string"), Column::new("month", "string")]
}

/// The lake with its two partitions registered (as the crawler that made the table would),
/// and the job that reads 2026 into a curated table.
pub fn partitioned_workspace() -> Result<Workspace> {
    let mut ws = Workspace::default();
    ws.create_bucket("sales-lake")?;
    ws.create_bucket("sales-curated")?;
    for (name, body) in LAKE_FILES {
        ws.put_object(&S3Uri::new("sales-lake", format!("orders/{name}")), body.into())?;
    }
    ws.catalog.create_database(DATABASE)?;
    let mut orders = Table::new(
        DATABASE,
        SOURCE_TABLE,
        "s3://sales-lake/orders/",
        Format::Json,
        columns(),
    );
    orders.partition_keys = partition_keys();
    ws.catalog.create_table(orders)?;
    ws.repair_partitions(DATABASE, SOURCE_TABLE)?;
    let mut curated = columns();
    curated.extend(partition_keys());
    ws.catalog.create_table(Table::new(
        DATABASE,
        SINK_TABLE,
        "s3://sales-curated/orders-2026/",
        Format::Json,
        curated,
    ))?;
    let mut source = SourceSpec::catalog(DATABASE, SOURCE_TABLE, Some("orders"));
    source.listing.push_down_predicate = Some(PREDICATE.into());
    let sink = SinkSpec::catalog(DATABASE, SINK_TABLE, Some("curated"));
    ws.create_job(super::bookmarked_job(JOB_NAME, source, vec![], sink))?;
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Athena reads a partitioned table as the job does: registered partitions only, with the
    /// partition columns.
    #[test]
    fn a_query_sees_registered_partitions_with_their_columns() {
        let mut ws = partitioned_workspace().unwrap();
        ws.put_object(
            &S3Uri::new("sales-lake", format!("orders/{}", FEBRUARY.0)),
            FEBRUARY.1.into(),
        )
        .unwrap();
        let count = |ws: &Workspace| {
            ws.query(
                "SELECT month, count(*) FROM lake.orders GROUP BY month ORDER BY month",
                None,
            )
            .unwrap()
            .rows_as_strings()
        };
        assert_eq!(count(&ws), [["01", "2"], ["12", "2"]]);
        let added = ws.repair_partitions(DATABASE, SOURCE_TABLE).unwrap();
        assert_eq!(added.len(), 1);
        assert_eq!(count(&ws), [["01", "2"], ["02", "2"], ["12", "2"]]);
        assert!(ws.repair_partitions(DATABASE, SOURCE_TABLE).unwrap().is_empty());
    }
}
