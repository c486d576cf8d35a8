//! Catalog tables as data: what Athena reads when a user queries a table — every object under
//! the table's location (of a partitioned table, under its registered partitions, with the
//! partition columns), parsed with the table's declared schema and SerDe.

use crate::arrow::array::RecordBatch;
use crate::arrow::datatypes::SchemaRef;

use crate::engine::is_hidden;
use crate::error::{Error, Result};
use crate::format::{self, ReadOptions, ReadOutput};
use crate::model::catalog::Table;
use crate::model::job::SinkOutput;
use crate::model::partition::Place;
use crate::model::store::S3Uri;
use crate::query::{self, QueryResult, TableSource};
use crate::transform::{Frame, RowOrigin};
use crate::workspace::Workspace;

/// A workspace queried with a default database, as Athena's console has one selected.
pub struct CatalogTables<'a> {
    pub workspace: &'a Workspace,
    pub default_database: Option<&'a str>,
}

impl TableSource for CatalogTables<'_> {
    fn table(&self, database: Option<&str>, table: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        let database = database
            .or(self.default_database)
            .ok_or_else(|| Error::EntityNotFound(format!("no database given for table {table}")))?;
        match self.workspace.table_batches(database, table) {
            // Not in the catalog: a warehouse table of that schema, as a federated query sees it.
            Err(Error::EntityNotFound(message)) => match self.workspace.warehouse.table(&format!("{database}.{table}"))
            {
                Ok(t) => Ok((t.schema(), vec![t.batch().clone()])),
                Err(_) => Err(Error::EntityNotFound(message)),
            },
            other => other,
        }
    }
}

/// How a catalog table's objects are read: its format, SerDe options and declared schema.
fn table_read_options(t: &Table) -> Result<ReadOptions> {
    Ok(ReadOptions {
        format: t.format,
        csv: t.csv_options(),
        schema: Some(t.schema()?),
        ..Default::default()
    })
}

impl Workspace {
    /// The current rows of a catalog table (its objects, skipping Hadoop's hidden files).
    pub fn table_batches(&self, database: &str, table: &str) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        let t = self.catalog.table(database, table)?;
        let schema = t.schema_with_partitions()?;
        // Athena's SerDe: a `_corrupt_record` field a job wrote is data like any other.
        let options = ReadOptions {
            corrupt_record_as_data: true,
            ..table_read_options(t)?
        };
        let mut batches = vec![];
        for (_, output) in self.read_table_objects(t, &options)? {
            // PERMISSIVE reads may add `_corrupt_record`; a query sees the declared columns.
            batches.push(output.batch.project(&(0..schema.fields().len()).collect::<Vec<_>>())?);
        }
        Ok((schema, batches))
    }

    /// A whole table as a frame, each row traced to its object and line (or warehouse row):
    /// `db.table` in the catalog, else `schema.table` in the warehouse. What Join and
    /// ValueMapping read their lookup tables from.
    pub fn table_frame(&self, name: &str) -> Result<Frame> {
        let (database, table) = name.split_once('.').unwrap_or(("", name));
        let Ok(t) = self.catalog.table(database, table) else {
            let t = self.warehouse.table(name).map_err(|_| {
                Error::EntityNotFound(format!(
                    "table {name} is neither a catalog table (database.table) nor a warehouse table (schema.table)"
                ))
            })?;
            return t.frame();
        };
        let options = ReadOptions {
            mode: crate::format::ParseMode::FailFast,
            ..table_read_options(t)?
        };
        let mut frames = vec![];
        for ((uri, version), output) in self.read_table_objects(t, &options)? {
            let origins = output
                .lines
                .iter()
                .map(|&line| RowOrigin {
                    source: uri.clone(),
                    version,
                    line,
                })
                .collect();
            frames.push(Frame {
                batch: output.batch,
                origins,
            });
        }
        Frame::concat(frames, t.schema_with_partitions()?)
    }

    /// Every object of a catalog table (Hadoop's hidden files skipped; of a partitioned table,
    /// only those in its registered partitions), read with `options`, with its address and
    /// write version. A partitioned table's batches hold its declared columns, then the
    /// partition columns.
    fn read_table_objects(&self, t: &Table, options: &ReadOptions) -> Result<Vec<((String, u64), ReadOutput)>> {
        let location = t.location_uri()?;
        let prefix = S3Uri::new(&location.bucket, location.folder_prefix());
        let columns = t.columns.len();
        let mut read = vec![];
        for object in self.store.list(&prefix)? {
            if is_hidden(&object.key[prefix.key.len()..]) {
                continue;
            }
            let uri = S3Uri::new(&location.bucket, &object.key);
            let partition = match t.place_of(&uri)? {
                Place::Registered(i) => Some(&t.partitions[i]),
                _ if t.is_partitioned() => continue,
                _ => None,
            };
            let uri = uri.to_string();
            let text = format::object_text(&uri, &object.body, options, None)?;
            let mut output = format::read_object(&uri, &text, options)?;
            if let Some(partition) = partition {
                // `_corrupt_record` (PERMISSIVE) is dropped before the partition columns go on.
                let declared = output.batch.project(&(0..columns).collect::<Vec<_>>())?;
                output.batch = t.with_partition_columns(declared, partition)?;
            }
            read.push(((uri, object.version), output));
        }
        Ok(read)
    }

    /// The query a job's sink panel starts with: every row of the table its first sink writes
    /// (the catalog table, the one holding its S3 path, or its warehouse table), else of the
    /// first catalog table; `None` with no table at all.
    pub fn starter_query(&self, job: &str) -> Option<String> {
        let quoted = |schema: &str, table: &str| format!(r#"SELECT * FROM "{schema}"."{table}""#);
        let sink = self.job(job).ok().and_then(|j| j.plan.sinks.first());
        let from_sink = sink.and_then(|sink| match &sink.output {
            SinkOutput::Catalog { database, table } => Some(quoted(database, table)),
            SinkOutput::S3 { path, .. } => {
                let t = self.catalog.table_holding(&S3Uri::parse(path).ok()?)?;
                Some(quoted(&t.database, &t.name))
            }
            SinkOutput::Jdbc { table } => {
                let name = crate::warehouse::normalise_name(table);
                let (schema, table) = name.split_once('.')?;
                Some(quoted(schema, table))
            }
        });
        from_sink.or_else(|| {
            let t = self.catalog.databases().flat_map(|d| d.tables.values()).next()?;
            Some(quoted(&t.database, &t.name))
        })
    }

    /// A query's whole result as CSV with a header, as Athena's "Download results" gives it
    /// (cells as the console shows them).
    pub fn query_result_csv(result: &QueryResult) -> String {
        let field = |v: &str| {
            if v.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.to_string()
            }
        };
        let mut out = String::new();
        for row in std::iter::once(result.columns.clone()).chain(result.rows_as_strings()) {
            out.push_str(&row.iter().map(|v| field(v)).collect::<Vec<_>>().join(","));
            out.push('\n');
        }
        out
    }

    /// Runs an Athena-style query over the catalog.
    pub fn query(&self, sql: &str, default_database: Option<&str>) -> Result<QueryResult> {
        query::execute(
            sql,
            &CatalogTables {
                workspace: self,
                default_database,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::{demo, model::store::S3Uri, RunRequest};

    #[test]
    fn the_articles_athena_check() {
        let mut ws = demo::seed_workspace().unwrap();
        for (key, body) in demo::raw_files() {
            ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.as_bytes().to_vec())
                .unwrap();
            ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        }
        let sql = r#"SELECT * FROM "devices_data_analystics"."devices_integrated_data" ORDER BY timestamp"#;
        let result = ws.query(sql, None).unwrap();
        assert_eq!(result.columns, ["device_id", "timestamp", "state"]);
        assert_eq!(
            result.rows_as_strings(),
            [["3ff9c44a", "1609348014", "true"], ["e36b7dfa", "1609375822", "true"]]
        );
        let missing = ws
            .query("SELECT * FROM devices_data_analystics.nope", None)
            .unwrap_err()
            .to_string();
        assert!(missing.contains("TABLE_NOT_FOUND"), "{missing}");
    }

    #[test]
    fn a_result_downloads_whole_as_csv_and_shows_its_head() {
        let mut ws = demo::seed_workspace().unwrap();
        let literal = ws.query(r#"SELECT 'a,b' AS x, 'say "hi"' AS y, 1 AS n"#, None).unwrap();
        assert_eq!(
            crate::Workspace::query_result_csv(&literal),
            "x,y,n\n\"a,b\",\"say \"\"hi\"\"\",1\n"
        );
        for (key, body) in demo::raw_files() {
            ws.put_object(&S3Uri::new(demo::raw_bucket(), key), body.as_bytes().to_vec())
                .unwrap();
        }
        ws.start_job_run(RunRequest::new(demo::JOB_NAME)).unwrap();
        let sink = ws
            .query(
                r#"SELECT device_id FROM "devices_data_analystics"."devices_integrated_data" ORDER BY device_id"#,
                None,
            )
            .unwrap();
        assert_eq!(sink.num_rows(), 2);
        assert_eq!(sink.first_rows(1), [["3ff9c44a"]]);
        assert_eq!(sink.first_rows(99), sink.rows_as_strings());
        assert_eq!(
            crate::Workspace::query_result_csv(&sink),
            "device_id\n3ff9c44a\ne36b7dfa\n"
        );
    }

    #[test]
    fn each_example_starts_with_a_query_over_its_own_sink() {
        let seed = demo::seed_workspace().unwrap();
        assert_eq!(
            seed.starter_query(demo::JOB_NAME).as_deref(),
            Some(r#"SELECT * FROM "devices_data_analystics"."devices_integrated_data""#)
        );
        for example in demo::examples::examples() {
            let ws = demo::examples::load(example.id).unwrap();
            let sql = ws.starter_query(example.job).unwrap();
            match ws.query(&sql, None) {
                Ok(_) => {}
                // A warehouse sink's table is made by the first run that writes it.
                Err(e) if e.to_string().contains("TABLE_NOT_FOUND") && example.id == "jdbc-keys" => {}
                Err(e) => panic!("{}: {sql} does not run: {e}", example.id),
            }
        }
        let csv = demo::examples::load("csv-header").unwrap();
        assert_eq!(
            csv.starter_query("sales-csv-etl").as_deref(),
            Some(r#"SELECT * FROM "sales"."orders""#)
        );
        assert_eq!(crate::Workspace::default().starter_query("none"), None);
    }
}
