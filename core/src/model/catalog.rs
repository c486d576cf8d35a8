//! The Glue Data Catalog: databases and tables over S3 prefixes, with Hive-style partitions.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::arrow::datatypes::{Field, Schema, SchemaRef};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::format::types::parse_glue_type;
use crate::format::{CsvOptions, Format};
use crate::model::job::Listing;
use crate::model::store::S3Uri;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// Glue/Hive type name as the catalog stores it: `string`, `bigint`, `decimal(10,2)` ...
    #[serde(rename = "type")]
    pub glue_type: String,
}

impl Column {
    pub fn new(name: impl Into<String>, glue_type: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            glue_type: glue_type.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub database: String,
    pub name: String,
    /// `s3://bucket/prefix`: every object below it belongs to the table.
    pub location: String,
    pub format: Format,
    pub columns: Vec<Column>,
    pub partition_keys: Vec<Column>,
    /// The partitions registered in the catalog (`model::partition`): a catalog read lists only
    /// these. Always saved: a snapshot without it predates registration (see `snapshot`).
    #[serde(default)]
    pub partitions: Vec<Partition>,
    /// Table parameters (`classification`, `EXTERNAL`, ...), kept as given.
    pub parameters: BTreeMap<String, String>,
    pub serde_library: Option<String>,
    /// SerDe parameters: `separator`/`field.delim`, `quoteChar`, `skip.header.line.count` ...
    pub serde_parameters: BTreeMap<String, String>,
}

/// A table's storage as the Glue API describes it (`GetTable`, a template's `TableInput`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlueStorage {
    pub input_format: &'static str,
    pub output_format: &'static str,
    pub serde_library: String,
    pub serde_parameters: BTreeMap<String, String>,
    pub parameters: BTreeMap<String, String>,
}

const TEXT_INPUT: &str = "org.apache.hadoop.mapred.TextInputFormat";
const TEXT_OUTPUT: &str = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
const PARQUET_INPUT: &str = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
const PARQUET_OUTPUT: &str = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
const JSON_SERDE: &str = "org.openx.data.jsonserde.JsonSerDe";
const CSV_SERDE: &str = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";
const PARQUET_SERDE: &str = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";

impl Table {
    pub fn new(database: &str, name: &str, location: &str, format: Format, columns: Vec<Column>) -> Self {
        Self {
            database: database.into(),
            name: name.into(),
            location: location.into(),
            format,
            columns,
            partition_keys: vec![],
            partitions: vec![],
            parameters: BTreeMap::new(),
            serde_library: None,
            serde_parameters: BTreeMap::new(),
        }
    }

    /// The table as Glue stores it: the input and output formats of its format, its SerDe (its
    /// own when it is one for its format, else the crawler's), `classification`, and for CSV the
    /// separator, quote and escape in that SerDe's parameters and `skip.header.line.count` for a
    /// header, so a reader of the description (Athena, Spark, a person) reads the table alike.
    pub fn glue_storage(&self) -> GlueStorage {
        let (input_format, output_format, default_serde) = match self.format {
            Format::Json => (TEXT_INPUT, TEXT_OUTPUT, JSON_SERDE),
            Format::Csv => (TEXT_INPUT, TEXT_OUTPUT, CSV_SERDE),
            Format::Parquet => (PARQUET_INPUT, PARQUET_OUTPUT, PARQUET_SERDE),
        };
        // The table's own SerDe when it is one for its format (the seed's hcatalog JsonSerDe).
        let serde_library = self
            .serde_library
            .as_deref()
            .filter(|lib| Format::from_glue(lib) == Some(self.format))
            .unwrap_or(default_serde)
            .to_string();
        let mut serde_parameters = self.serde_parameters.clone();
        let mut parameters = self.parameters.clone();
        parameters
            .entry("classification".into())
            .or_insert_with(|| self.format.name().into());
        if self.format == Format::Csv {
            let csv = self.csv_options();
            let separator = (csv.separator as char).to_string();
            if serde_library.contains("OpenCSVSerde") {
                serde_parameters.entry("separatorChar".into()).or_insert(separator);
                if let Some(q) = csv.quote {
                    serde_parameters
                        .entry("quoteChar".into())
                        .or_insert_with(|| (q as char).to_string());
                }
                if let Some(e) = csv.escape {
                    serde_parameters
                        .entry("escapeChar".into())
                        .or_insert_with(|| (e as char).to_string());
                }
            } else if !["field.delim", "separatorChar", "separator"]
                .iter()
                .any(|k| serde_parameters.contains_key(*k))
            {
                serde_parameters.insert("field.delim".into(), separator);
            }
            if csv.with_header {
                parameters
                    .entry("skip.header.line.count".into())
                    .or_insert_with(|| "1".into());
            }
        }
        GlueStorage {
            input_format,
            output_format,
            serde_library,
            serde_parameters,
            parameters,
        }
    }

    pub fn location_uri(&self) -> Result<S3Uri> {
        S3Uri::parse(&self.location)
    }

    /// Its location and every column's and partition key's type, as `CreateTable` checks them.
    fn check(&self) -> Result<()> {
        self.schema()?;
        self.location_uri()?;
        for key in &self.partition_keys {
            parse_glue_type(&key.glue_type).map_err(|e| {
                Error::InvalidInput(format!(
                    "table {}.{}, partition key {}: {e}",
                    self.database, self.name, key.name
                ))
            })?;
        }
        Ok(())
    }

    /// The declared columns as an Arrow schema; an unknown type names the column.
    pub fn schema(&self) -> Result<SchemaRef> {
        let fields = self
            .columns
            .iter()
            .map(|c| {
                parse_glue_type(&c.glue_type)
                    .map(|t| Field::new(&c.name, t, true))
                    .map_err(|e| {
                        Error::InvalidInput(format!("table {}.{}, column {}: {e}", self.database, self.name, c.name))
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(Schema::new(fields)))
    }

    /// Bounded execution and exclusions from the table's parameters (`boundedFiles`,
    /// `boundedSize`, `exclusions`), which Glue reads as a catalog source's additional options.
    pub fn listing(&self) -> std::result::Result<Listing, String> {
        let mut listing = Listing::default();
        // A table parameter never prunes partitions: that is the job's option.
        for (key, value) in self
            .parameters
            .iter()
            .filter(|(k, _)| *k != "catalogPartitionPredicate")
        {
            listing
                .set_text(key, value)
                .map_err(|e| format!("table {}.{}, parameter {e}", self.database, self.name))?;
        }
        Ok(listing)
    }

    /// CSV options from the SerDe parameters, defaulting as Glue's CSV classifier does.
    pub fn csv_options(&self) -> CsvOptions {
        let p = &self.serde_parameters;
        let mut options = CsvOptions::default();
        if let Some(sep) = p
            .get("separatorChar")
            .or_else(|| p.get("field.delim"))
            .or_else(|| p.get("separator"))
        {
            if let Some(b) = sep.bytes().next() {
                options.separator = b;
            }
        }
        if let Some(q) = p.get("quoteChar") {
            options.quote = if q == "-1" { None } else { q.bytes().next() };
        }
        if let Some(e) = p.get("escapeChar") {
            options.escape = e.bytes().next();
        }
        let skip = self
            .parameters
            .get("skip.header.line.count")
            .or_else(|| p.get("skip.header.line.count"));
        options.with_header = skip.is_some_and(|n| n.trim() == "1");
        // The SerDes' own parameter name (LazySimpleSerDe, OpenCSVSerde).
        options.encoding = p
            .get("serialization.encoding")
            .filter(|e| !e.trim().is_empty())
            .cloned();
        // Glue's CSV `multiLine` format option, given as a table parameter (as `boundedFiles` and
        // `exclusions` are: what a catalog source's reader is passed); false unless "true".
        options.multi_line = ["multiLine", "multiline"]
            .iter()
            .find_map(|k| self.parameters.get(*k).or_else(|| p.get(*k)))
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        options
    }
}

/// A partition the catalog holds (`BatchCreatePartition`, a crawler, `MSCK REPAIR TABLE`): its
/// values, one per partition key, and its folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    pub values: Vec<String>,
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Database {
    pub name: String,
    pub tables: BTreeMap<String, Table>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Catalog {
    databases: BTreeMap<String, Database>,
}

impl Catalog {
    pub fn create_database(&mut self, name: &str) -> Result<()> {
        if self.databases.contains_key(name) {
            return Err(Error::AlreadyExists(format!("Database already exists: {name}")));
        }
        self.databases.insert(
            name.into(),
            Database {
                name: name.into(),
                tables: BTreeMap::new(),
            },
        );
        Ok(())
    }

    pub fn databases(&self) -> impl Iterator<Item = &Database> {
        self.databases.values()
    }

    pub fn database(&self, name: &str) -> Result<&Database> {
        self.databases
            .get(name)
            .ok_or_else(|| Error::EntityNotFound(format!("Database {name} not found.")))
    }

    /// Creates a table; its types are checked now so that a bad type fails here, not at run time.
    pub fn create_table(&mut self, table: Table) -> Result<()> {
        table.check()?;
        let db = self
            .databases
            .get_mut(&table.database)
            .ok_or_else(|| Error::EntityNotFound(format!("Database {} not found.", table.database)))?;
        if db.tables.contains_key(&table.name) {
            return Err(Error::AlreadyExists(format!("Table already exists: {}", table.name)));
        }
        db.tables.insert(table.name.clone(), table);
        Ok(())
    }

    pub fn table(&self, database: &str, name: &str) -> Result<&Table> {
        self.database(database)?
            .tables
            .get(name)
            .ok_or_else(|| Error::EntityNotFound(format!("Table {name} not found.")))
    }

    /// `UpdateTable`: replaces a table that exists, checked as `create_table` checks.
    pub fn update_table(&mut self, table: Table) -> Result<()> {
        table.check()?;
        let slot = self
            .databases
            .get_mut(&table.database)
            .and_then(|db| db.tables.get_mut(&table.name))
            .ok_or_else(|| Error::EntityNotFound(format!("Table {} not found.", table.name)))?;
        *slot = table;
        Ok(())
    }

    /// The table whose location holds `uri`; the deepest location wins.
    pub fn table_holding(&self, uri: &S3Uri) -> Option<&Table> {
        self.databases()
            .flat_map(|d| d.tables.values())
            .filter_map(|t| t.location_uri().ok().map(|l| (l, t)))
            .filter(|(l, _)| l.bucket == uri.bucket && uri.key.starts_with(&l.folder_prefix()))
            .fold(None, |best: Option<(usize, &Table)>, (l, t)| {
                let depth = l.folder_prefix().len();
                match best {
                    Some((d, _)) if d >= depth => best,
                    _ => Some((depth, t)),
                }
            })
            .map(|(_, t)| t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn devices() -> Table {
        Table::new(
            "db",
            "devices",
            "s3://raw/raw-data",
            Format::Json,
            vec![Column::new("device_id", "string"), Column::new("timestamp", "bigint")],
        )
    }

    #[test]
    fn tables_live_in_databases() {
        let mut c = Catalog::default();
        assert!(matches!(c.create_table(devices()), Err(Error::EntityNotFound(_))));
        c.create_database("db").unwrap();
        c.create_table(devices()).unwrap();
        assert_eq!(c.table("db", "devices").unwrap().schema().unwrap().fields().len(), 2);
        assert!(matches!(c.create_table(devices()), Err(Error::AlreadyExists(_))));
        assert_eq!(
            c.table("db", "nope").unwrap_err().to_string(),
            "EntityNotFoundException: Table nope not found."
        );
    }

    #[test]
    fn a_csv_table_reads_multi_line_only_when_its_parameters_say_so() {
        let mut t = Table::new("db", "t", "s3://b/t/", Format::Csv, vec![Column::new("a", "string")]);
        assert!(
            !t.csv_options().multi_line,
            "Glue's default: a line break ends a record"
        );
        t.parameters.insert("multiLine".into(), "true".into());
        assert!(t.csv_options().multi_line);
        t.parameters.clear();
        t.serde_parameters.insert("multiline".into(), "TRUE".into());
        assert!(t.csv_options().multi_line);
        t.serde_parameters.insert("multiline".into(), "false".into());
        assert!(!t.csv_options().multi_line);
    }

    #[test]
    fn bad_types_are_refused_with_the_column() {
        let mut c = Catalog::default();
        c.create_database("db").unwrap();
        let mut t = devices();
        t.columns.push(Column::new("when", "timestamp-ish"));
        let e = c.create_table(t).unwrap_err().to_string();
        assert!(e.contains("column when"), "{e}");
    }
}
