//! A sink's rows as a front end shows them: each traced to the run that wrote it and the source
//! line it came from, with duplicates marked.

use super::is_hidden;
use crate::error::Result;
use crate::format::{self, CsvOptions, Format, ReadOptions};
use crate::model::lineage::SinkRow;
use crate::model::store::S3Uri;
use crate::transform;
use crate::workspace::Workspace;

impl Workspace {
    /// The rows of a sink (a catalog table or an S3 prefix), each traced to the run that wrote it
    /// and its source line, with duplicates marked.
    pub fn sink_rows(&self, location: &str, format: Format, csv: &CsvOptions) -> Result<(Vec<String>, Vec<SinkRow>)> {
        let location = S3Uri::parse(location)?;
        let prefix = S3Uri::new(&location.bucket, location.folder_prefix());
        let mut columns = vec![];
        let mut generated_keys = vec![];
        let mut rows = vec![];
        for object in self.store.list(&prefix)? {
            if is_hidden(&object.key[prefix.key.len()..]) {
                continue;
            }
            let uri = S3Uri::new(&location.bucket, &object.key).to_string();
            let output = format::read_object(
                &uri,
                &object.body,
                &ReadOptions {
                    format,
                    csv: csv.clone(),
                    corrupt_record_as_data: true,
                    ..Default::default()
                },
            )?;
            let lineage = self.parts.get(&uri).filter(|p| p.etag == object.etag);
            generated_keys.extend(lineage.iter().flat_map(|l| l.generated_keys.iter().cloned()));
            let schema = output.batch.schema();
            for f in schema.fields() {
                if !columns.contains(f.name()) {
                    columns.push(f.name().clone());
                }
            }
            for i in 0..output.batch.num_rows() {
                let values = columns
                    .iter()
                    .map(|c| match schema.index_of(c) {
                        Ok(ci) => transform::cell_text(output.batch.column(ci).as_ref(), i),
                        Err(_) => "null".into(),
                    })
                    .collect();
                rows.push(SinkRow {
                    part: uri.clone(),
                    values,
                    written_by: lineage.map(|l| l.run_id.clone()),
                    origin: lineage.and_then(|l| l.origins.get(i)),
                    duplicate_of: None,
                    under_new_key: false,
                });
            }
        }
        let generated: Vec<usize> = (0..columns.len())
            .filter(|&i| generated_keys.contains(&columns[i]))
            .collect();
        crate::model::lineage::mark_duplicates(&mut rows, &generated);
        Ok((columns, rows))
    }
}
