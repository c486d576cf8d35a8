//! The write phase: every sink gets the transformed frame (S3 part files with their lineage,
//! or warehouse rows), between the failures a user can inject before and after it.

use super::steps::Transformed;
use super::{is_hidden, Progress, ProgressStage, RunContext, Stop};
use crate::arrow::array::RecordBatch;

use crate::error::{Error, Result};
use crate::format::parquet_codec::ParquetCodec;
use crate::format::{self, CsvOptions, Format, ReadOptions};
use crate::model::job::{JobPlan, SinkMode, SinkOutput, SinkSpec};
use crate::model::lineage::PartLineage;
use crate::model::run::{FailurePoint, JobRun, LogStream, RunState};
use crate::model::store::S3Uri;
use crate::transform::{self, Frame, RowOrigin};
use crate::workspace::Workspace;

impl Workspace {
    pub(super) fn write(
        &mut self,
        context: &RunContext,
        run: &mut JobRun,
        plan: &JobPlan,
        transformed: &Transformed,
        progress: &mut Progress,
    ) -> Result<(), Stop> {
        if context.fail_at == Some(FailurePoint::BeforeWrite) {
            return Err(Stop::failed(
                "Injected failure before the write: nothing was written and the bookmark is not saved",
            ));
        }
        // Every sink's frame is found before any is written: a wrong collection key writes nothing.
        let frames = plan
            .sinks
            .iter()
            .map(|sink| transformed.frame_for(sink.collection_key.as_deref(), plan))
            .collect::<Result<Vec<_>>>()?;
        progress.report(ProgressStage::Writing);
        run.rows_written = 0;
        for (sink, frame) in plan.sinks.iter().zip(frames) {
            let written = self.write_sink(context, run, sink, frame)?;
            run.lineage.written.extend(written);
            run.rows_written += frame.num_rows() as u64;
        }
        match context.fail_at {
            Some(FailurePoint::BeforeCommit) => Err(Stop::failed(
                "Injected failure before job.commit(): the output was written but the bookmark is not saved",
            )),
            Some(FailurePoint::Timeout) => Err(Stop {
                state: RunState::Timeout,
                message: format!(
                    "Job run timed out after {} minutes (injected)",
                    context.job.timeout_minutes
                ),
                detail: None,
            }),
            _ => Ok(()),
        }
    }

    fn write_sink(
        &mut self,
        context: &RunContext,
        run: &mut JobRun,
        sink: &SinkSpec,
        frame: &Frame,
    ) -> Result<Vec<String>, Stop> {
        if let SinkOutput::Jdbc { table } = &sink.output {
            return self.write_jdbc_sink(run, table, &sink.mode, frame);
        }
        let (location, format, csv) = self.s3_sink_location(&sink.output)?;
        let prefix = S3Uri::new(&location.bucket, location.folder_prefix());
        // Appending never looks at what is there (and so costs nothing per old part file).
        let existing = |ws: &Workspace| -> Result<Vec<String>> {
            Ok(ws
                .store
                .list(&prefix)?
                .iter()
                .filter(|o| !is_hidden(&o.key[prefix.key.len()..]))
                .map(|o| S3Uri::new(&location.bucket, &o.key).to_string())
                .collect())
        };
        let mut frame = frame.clone();
        match &sink.mode {
            SinkMode::Append => {}
            SinkMode::Overwrite => {
                let existing = existing(self)?;
                for uri in &existing {
                    self.store.delete(&S3Uri::parse(uri)?)?;
                }
                run.log(
                    run.started_on,
                    LogStream::Error,
                    format!("INFO overwrite: deleted {} object(s) under {prefix}", existing.len()),
                );
            }
            SinkMode::MergeOnKey { keys } => {
                let existing = existing(self)?;
                let old = self.read_sink_frame(&existing, format, &csv, frame.batch.schema())?;
                frame = merge_on_key(old, frame, keys)?;
                for uri in &existing {
                    self.store.delete(&S3Uri::parse(uri)?)?;
                }
            }
        }
        if frame.num_rows() == 0 && sink.mode == SinkMode::Append {
            run.log(
                run.started_on,
                LogStream::Error,
                format!("INFO no rows to write to {prefix}"),
            );
            return Ok(vec![]);
        }
        let body = format::write_batch_with(&frame.batch, format, &csv, self.sink_codec(sink)?)?;
        let key = format!(
            "{}run-{}-part-r-00000{}",
            prefix.key,
            run.started_on,
            part_suffix(format)
        );
        let uri = S3Uri::new(&location.bucket, key);
        let at = self.clock.tick();
        let object = self.store.put(&uri, body, at)?;
        self.parts.insert(
            uri.to_string(),
            PartLineage {
                run_id: run.id.clone(),
                job_name: context.job.name.clone(),
                etag: object.etag.clone(),
                origins: frame.origins.iter().collect(),
                generated_keys: frame
                    .batch
                    .schema()
                    .fields()
                    .iter()
                    .filter(|f| transform::relationalize::is_generated_key(f))
                    .map(|f| f.name().clone())
                    .collect(),
            },
        );
        run.log(
            at,
            LogStream::Error,
            format!("INFO wrote {} row(s) to {uri}", frame.num_rows()),
        );
        Ok(vec![uri.to_string()])
    }

    /// A warehouse table as the target: appended to, upserted on keys, or truncated first
    /// (Glue's `preactions: "truncate table ..."`). Targets are not tracked, as for S3.
    fn write_jdbc_sink(
        &mut self,
        run: &mut JobRun,
        table: &str,
        mode: &SinkMode,
        frame: &Frame,
    ) -> Result<Vec<String>, Stop> {
        let at = self.clock.tick();
        let mut warehouse = self.warehouse.clone();
        let (merge_keys, truncated) = match mode {
            SinkMode::Append => (None, None),
            SinkMode::MergeOnKey { keys } => (Some(keys.as_slice()), None),
            SinkMode::Overwrite => {
                let name = crate::warehouse::normalise_name(table);
                let truncated = warehouse.tables.get_mut(&name).map_or(0, |t| t.truncate());
                (None, Some(truncated))
            }
        };
        let (inserted, updated) = warehouse.write_frame(table, frame, &run.id, merge_keys, at)?;
        self.warehouse = warehouse;
        let name = crate::warehouse::normalise_name(table);
        if let Some(n) = truncated {
            run.log(
                at,
                LogStream::Error,
                format!("INFO truncate table {name}: {n} row(s) deleted"),
            );
        }
        run.log(
            at,
            LogStream::Error,
            format!("INFO wrote to {name}: {inserted} row(s) inserted, {updated} updated"),
        );
        Ok(vec![crate::warehouse::table_address(&name)])
    }

    /// The Parquet codec a sink writes with: its own `compression`, else its catalog table's
    /// `parquet.compression` (as Athena and Hive name it), else snappy, Glue's default.
    fn sink_codec(&self, sink: &SinkSpec) -> Result<ParquetCodec> {
        if let Some(codec) = sink.compression {
            return Ok(codec);
        }
        if let SinkOutput::Catalog { database, table } = &sink.output {
            let t = self.catalog.table(database, table)?;
            if let Some(name) = t.parameters.get("parquet.compression") {
                return ParquetCodec::from_glue(name)
                    .map_err(|e| Error::InvalidInput(format!("table {database}.{table}: {e}")));
            }
        }
        Ok(ParquetCodec::Snappy)
    }

    fn s3_sink_location(&self, output: &SinkOutput) -> Result<(S3Uri, Format, CsvOptions)> {
        match self.sink_location(output)? {
            crate::workspace::SinkLocation::S3 { uri, format, csv } => Ok((uri, format, csv)),
            crate::workspace::SinkLocation::Warehouse { table } => Err(Error::InvalidInput(format!(
                "{table} is a warehouse table, not an S3 location"
            ))),
        }
    }

    fn read_sink_frame(
        &self,
        parts: &[String],
        format: Format,
        csv: &CsvOptions,
        schema: crate::arrow::datatypes::SchemaRef,
    ) -> Result<Frame> {
        let mut frames = vec![];
        for uri in parts {
            let object = self.store.get(&S3Uri::parse(uri)?)?;
            let options = ReadOptions {
                format,
                csv: csv.clone(),
                schema: Some(schema.clone()),
                corrupt_record_as_data: true,
                ..ReadOptions::default()
            };
            let output = format::read_object(uri, &object.body, &options)?;
            let lineage = self.parts.get(uri).filter(|p| p.etag == object.etag);
            let origins = (0..output.batch.num_rows())
                .map(|i| {
                    lineage.and_then(|l| l.origins.get(i)).unwrap_or(RowOrigin {
                        source: uri.clone(),
                        version: object.version,
                        line: output.lines[i],
                    })
                })
                .collect();
            frames.push(Frame {
                batch: output.batch,
                origins,
            });
        }
        Frame::concat(frames, schema)
    }
}

fn part_suffix(format: Format) -> &'static str {
    match format {
        Format::Parquet => ".snappy.parquet",
        Format::Csv => ".csv",
        Format::Json => "",
    }
}

/// Upsert: new rows replace old rows with the same key values; old rows otherwise stay.
fn merge_on_key(old: Frame, new: Frame, keys: &[String]) -> Result<Frame> {
    let key_of = |batch: &RecordBatch, row: usize| -> Result<Vec<String>> {
        keys.iter()
            .map(|k| {
                let i = batch
                    .schema()
                    .index_of(k)
                    .map_err(|_| Error::transform("merge", format!("merge key {k} is not a column of the output")))?;
                Ok(transform::cell_text(batch.column(i).as_ref(), row))
            })
            .collect()
    };
    let mut new_keys = std::collections::BTreeSet::new();
    for row in 0..new.num_rows() {
        new_keys.insert(key_of(&new.batch, row)?);
    }
    let mut keep = vec![];
    for row in 0..old.num_rows() {
        keep.push(!new_keys.contains(&key_of(&old.batch, row)?));
    }
    let mask = crate::arrow::array::BooleanArray::from(keep.clone());
    let kept = Frame {
        batch: crate::arrow::compute::filter_record_batch(&old.batch, &mask)?,
        origins: old
            .origins
            .into_iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(o, _)| o)
            .collect(),
    };
    let schema = new.batch.schema();
    Frame::concat(vec![kept, new], schema)
}
