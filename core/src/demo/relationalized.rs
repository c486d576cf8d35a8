//! The ready example "Relationalize: duplicates under new keys": orders with nested line items,
//! flattened by `Relationalize` into a root table and a child table joined on a generated key.
//!
//! What it shows: Relationalize is bookmark-aware, its keys continue from the last position in
//! the next run (aws-samples/aws-glue-flatten-nested-json issue 12, an AWS answer); so when a
//! file is read again (here: overwritten with one more order) its orders and their items are
//! written again **under new keys**, duplicates no key can find. How the keys are numbered and
//! kept is *modelled* (see `transform::relationalize`).

use crate::error::Result;
use crate::format::Format;
use crate::model::catalog::{Column, Table};
use crate::model::job::{SinkSpec, SourceSpec};
use crate::transform::Transform;
use crate::workspace::Workspace;

pub const JOB_NAME: &str = "orders-flatten";
const DATABASE: &str = "shop";
const SOURCE_TABLE: &str = "orders";
pub const ROOT_TABLE: &str = "orders_flat";
pub const ITEMS_TABLE: &str = "orders_items";
/// The collection key of the items' child table: Relationalize's root name, `_`, the array.
pub const ITEMS_KEY: &str = "orders_items";

/// Two orders, the first with two items.
pub(super) const ORDERS_1: (&str, &str) = (
    "orders-1.json",
    "{\"order_id\": 1001, \"customer\": \"ana\", \"items\": [{\"sku\": \"tea\", \"qty\": 2}, {\"sku\": \"cup\", \"qty\": 1}]}\n{\"order_id\": 1002, \"customer\": \"bo\", \"items\": [{\"sku\": \"pot\", \"qty\": 1}]}\n",
);
pub(super) const ORDERS_2: (&str, &str) = (
    "orders-2.json",
    "{\"order_id\": 1003, \"customer\": \"cy\", \"items\": [{\"sku\": \"tea\", \"qty\": 5}]}\n",
);
/// `orders-1.json` again, with an order added at its end.
pub(super) const ORDERS_1_AMENDED: &str = "{\"order_id\": 1001, \"customer\": \"ana\", \"items\": [{\"sku\": \"tea\", \"qty\": 2}, {\"sku\": \"cup\", \"qty\": 1}]}\n{\"order_id\": 1002, \"customer\": \"bo\", \"items\": [{\"sku\": \"pot\", \"qty\": 1}]}\n{\"order_id\": 1004, \"customer\": \"di\", \"items\": [{\"sku\": \"cup\", \"qty\": 3}]}\n";

/// The raw orders table (items as `array<struct<...>>`), the two sink tables, and the job:
/// read with a bookmark, Relationalize with a `transformation_ctx`, one sink per table.
pub fn relationalized_workspace() -> Result<Workspace> {
    let mut ws = Workspace::default();
    ws.create_bucket("shop-raw")?;
    ws.create_bucket("shop-curated")?;
    ws.catalog.create_database(DATABASE)?;
    ws.catalog.create_table(Table::new(
        DATABASE,
        SOURCE_TABLE,
        "s3://shop-raw/orders/",
        Format::Json,
        vec![
            Column::new("order_id", "bigint"),
            Column::new("customer", "string"),
            Column::new("items", "array<struct<sku:string,qty:int>>"),
        ],
    ))?;
    ws.catalog.create_table(Table::new(
        DATABASE,
        ROOT_TABLE,
        "s3://shop-curated/orders/",
        Format::Json,
        vec![
            Column::new("order_id", "bigint"),
            Column::new("customer", "string"),
            Column::new("items", "bigint"),
        ],
    ))?;
    ws.catalog.create_table(Table::new(
        DATABASE,
        ITEMS_TABLE,
        "s3://shop-curated/order-items/",
        Format::Json,
        vec![
            Column::new("id", "bigint"),
            Column::new("index", "int"),
            Column::new("items.val.sku", "string"),
            Column::new("items.val.qty", "int"),
        ],
    ))?;
    let source = SourceSpec::catalog(DATABASE, SOURCE_TABLE, Some("orders"));
    let relationalize = Transform::Relationalize {
        name: "orders".into(),
        transformation_ctx: Some("relationalize".into()),
    };
    let mut job = super::bookmarked_job(
        JOB_NAME,
        source,
        vec![relationalize.into()],
        SinkSpec::catalog(DATABASE, ROOT_TABLE, Some("orders_sink")),
    );
    job.plan
        .sinks
        .push(SinkSpec::catalog(DATABASE, ITEMS_TABLE, Some("items_sink")).of_collection_key(ITEMS_KEY));
    ws.create_job(job)?;
    Ok(ws)
}
