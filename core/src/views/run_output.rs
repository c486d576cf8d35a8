//! A run's output as it is now: every part file (or warehouse table) the run wrote, with the
//! rows it still holds, their origins and duplicates. `gluelab explain` and the explain panel
//! read it.

use serde::Serialize;

use crate::error::Result;
use crate::format::{CsvOptions, Format};
use crate::model::lineage::SinkRow;
use crate::model::store::S3Uri;
use crate::workspace::Workspace;

/// A part file (or a warehouse table, `jdbc:schema.table`) a run wrote and its rows as they
/// are now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WrittenPart {
    pub part: String,
    /// False when the part was deleted (or overwritten) since, or the table dropped.
    pub present: bool,
    pub columns: Vec<String>,
    /// The rows of this part; for a warehouse table, the rows this run wrote that it still
    /// holds (a later run's upsert or an UPDATE takes a row over).
    pub rows: Vec<SinkRow>,
    /// For each row that duplicates an earlier one: the run that wrote the earlier one.
    #[serde(skip)]
    pub first_writers: Vec<Option<String>>,
}

impl WrittenPart {
    fn absent(part: &str) -> Self {
        Self {
            part: part.into(),
            present: false,
            columns: vec![],
            rows: vec![],
            first_writers: vec![],
        }
    }
}

impl Workspace {
    /// Every part the run wrote, in the order written.
    pub fn run_output(&self, run_id: &str) -> Result<Vec<WrittenPart>> {
        let run = self.run(run_id)?;
        run.lineage
            .written
            .iter()
            .map(|part| self.written_part(run_id, part))
            .collect()
    }

    /// The sink a part belongs to: the catalog table whose location holds it, else its folder;
    /// or for `jdbc:schema.table`, the warehouse table.
    fn written_part(&self, run_id: &str, part: &str) -> Result<WrittenPart> {
        if let Some(table) = part.strip_prefix("jdbc:") {
            let Ok((columns, all)) = self.warehouse.sink_rows(table) else {
                return Ok(WrittenPart::absent(part));
            };
            let rows: Vec<SinkRow> = all
                .iter()
                .filter(|r| r.written_by.as_deref() == Some(run_id))
                .cloned()
                .collect();
            let first_writers = rows
                .iter()
                .map(|r| {
                    r.duplicate_of
                        .as_ref()
                        .and_then(|(_, index)| all.get(*index))
                        .and_then(|first| first.written_by.clone())
                })
                .collect();
            return Ok(WrittenPart {
                part: part.into(),
                present: true,
                columns,
                rows,
                first_writers,
            });
        }
        let in_table = self.catalog.databases().flat_map(|d| d.tables.values()).find(|t| {
            t.location_uri()
                .map(|u| part.starts_with(&S3Uri::new(&u.bucket, u.folder_prefix()).to_string()))
                .unwrap_or(false)
        });
        let (location, format, csv) = match in_table {
            Some(t) => (t.location.clone(), t.format, t.csv_options()),
            None => {
                let folder = part.rsplit_once('/').map(|(f, _)| f).unwrap_or(part).to_string();
                (folder, Format::of_part_file(part), CsvOptions::default())
            }
        };
        let uri = S3Uri::parse(part)?;
        if self.store.get(&uri).is_err() {
            return Ok(WrittenPart::absent(part));
        }
        let (columns, rows) = self.sink_rows(&location, format, &csv)?;
        let rows: Vec<SinkRow> = rows.into_iter().filter(|r| r.part == part).collect();
        let first_writers = rows
            .iter()
            .map(|r| {
                r.duplicate_of
                    .as_ref()
                    .and_then(|(first, _)| self.parts.get(first))
                    .map(|p| p.run_id.clone())
            })
            .collect();
        Ok(WrittenPart {
            part: part.into(),
            present: true,
            columns,
            rows,
            first_writers,
        })
    }
}
