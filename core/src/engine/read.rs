//! The read phase: the selected objects and rows, read into one frame, each row keeping its
//! origin; every read is recorded so a commit can mark it and an explanation can cite it.

use std::sync::Arc;

use crate::arrow::array::RecordBatch;
use crate::warehouse::KeyValue;

use super::select::{S3Selection, Selected, SourceSelection};
use super::{Progress, ProgressStage, RunContext, Stop};
use crate::error::{Error, Result};
use crate::format::{self, ReadOptions};
use crate::model::bookmark::Selection;
use crate::model::job::SourceInput;
use crate::model::lineage::{ReadRecord, VerdictKind};
use crate::model::partition::Place;
use crate::model::run::{JobRun, LogStream};
use crate::model::schema_fit::SchemaFit;
use crate::model::store::{Object, S3Uri};
use crate::transform::{Frame, RowOrigin};
use crate::workspace::Workspace;

/// What the sources gave: one frame, and what the commit needs to know of it.
pub(super) struct ReadFrames {
    pub frame: Frame,
    pub reads: Reads,
}

/// The reads a commit marks as committed, and each JDBC source's keys read (in plan order).
pub(super) struct Reads {
    pub read_keys: Vec<String>,
    pub jdbc_keys: Vec<Vec<Vec<KeyValue>>>,
}

impl Workspace {
    pub(super) fn read(
        &mut self,
        context: &RunContext,
        run: &mut JobRun,
        selected: &Selected,
        progress: &mut Progress,
    ) -> Result<ReadFrames, Stop> {
        (progress.last.objects_total, progress.last.bytes_total) = selected.to_read();
        progress.report(ProgressStage::Reading);
        let mut frames = vec![];
        let mut reads = Reads {
            read_keys: vec![],
            jdbc_keys: vec![],
        };
        for source in &selected.sources {
            match source {
                SourceSelection::S3(s3) => {
                    frames.push(self.read_s3_source(context, run, s3, &mut reads.read_keys, progress)?);
                }
                SourceSelection::Jdbc(key_plan) => {
                    let (frame, keys) = self.read_jdbc_source(context, run, key_plan, &mut reads.read_keys)?;
                    frames.push(frame);
                    reads.jdbc_keys.push(keys);
                }
            }
        }
        let frame = union(frames)?;
        run.rows_read = frame.num_rows() as u64;
        Ok(ReadFrames { frame, reads })
    }

    fn read_s3_source(
        &mut self,
        context: &RunContext,
        run: &mut JobRun,
        source: &S3Selection,
        read_keys: &mut Vec<String>,
        progress: &mut Progress,
    ) -> Result<Frame, Stop> {
        let mut frames = vec![];
        let mut schema = source.schema.clone();
        run.lineage.older_not_itemised |= source.older_not_itemised;
        for ((uri, _, selection), verdict) in source.objects.iter().zip(&source.verdicts) {
            let mut verdict = verdict.clone();
            if *selection == Selection::Read {
                let object = self.store.get(&S3Uri::parse(uri)?)?.clone();
                let read = read_object(run, source, uri, &object, schema.clone())
                    .and_then(|frame| with_partition_columns(source, uri, frame));
                let frame = match read {
                    Ok(frame) => frame,
                    Err(e) => {
                        // The file that stopped the run is part of its story.
                        verdict.kind = VerdictKind::Failed;
                        verdict.explanation = format!("{} Reading it failed: {e}", verdict.explanation);
                        run.lineage.files.push(verdict);
                        return Err(e.into());
                    }
                };
                if schema.is_none() {
                    schema = Some(frame.batch.schema());
                }
                verdict.rows = frame.num_rows() as u64;
                if let Some(warning) = self.source_fit_warning(&source.spec.input, uri, &object.body) {
                    run.log(run.started_on, LogStream::Error, format!("WARN {uri}: {warning}"));
                    verdict.explanation =
                        format!("{} Its fields do not fit the table: {warning}.", verdict.explanation);
                }
                frames.push(frame);
                progress.last.objects_done += 1;
                progress.last.bytes_done += object.size();
                progress.report(ProgressStage::Reading);
                if let Some(ctx) = &source.ctx {
                    let key = ReadRecord::key_of(&context.job.name, ctx, uri);
                    read_keys.push(key.clone());
                    self.reads.entry(key).or_default().push(ReadRecord {
                        job_name: context.job.name.clone(),
                        transformation_ctx: ctx.clone(),
                        run_id: run.id.clone(),
                        object: uri.clone(),
                        version: object.version,
                        committed_at: None,
                    });
                }
            }
            run.lineage.files.push(verdict);
        }
        let schema = match &source.partitioned {
            Some(table) => table.schema_with_partitions()?,
            None => schema.unwrap_or_else(|| Arc::new(crate::arrow::datatypes::Schema::empty())),
        };
        // Files read in PERMISSIVE mode may carry `_corrupt_record`; line them up on one schema.
        let schema = widest_schema(&schema, &frames);
        let frames = frames
            .into_iter()
            .map(|f| align(f, &schema))
            .collect::<Result<Vec<_>>>()?;
        Ok(Frame::concat(frames, schema)?)
    }

    /// What a catalog source's object says against its table's columns (see [`SchemaFit`]).
    fn source_fit_warning(&self, input: &SourceInput, uri: &str, body: &[u8]) -> Option<String> {
        let SourceInput::Catalog { database, table } = input else {
            return None;
        };
        let table = self.catalog.table(database, table).ok()?;
        SchemaFit::of(table, uri, body)?.warning(&crate::i18n::Catalog::english())
    }
}

/// One object's rows, its malformed lines logged as the run's warnings.
fn read_object(
    run: &mut JobRun,
    source: &S3Selection,
    uri: &str,
    object: &Object,
    schema: Option<crate::arrow::datatypes::SchemaRef>,
) -> Result<Frame> {
    let options = ReadOptions {
        format: source.format,
        csv: source.csv.clone(),
        mode: source.spec.mode,
        schema,
        corrupt_record_as_data: false,
    };
    let text = format::object_text(uri, &object.body, &options, None)?;
    let output = format::read_object(uri, &text, &options)?;
    for m in &output.malformed {
        let field = m
            .field
            .as_deref()
            .map(|f| format!(", field \"{f}\""))
            .unwrap_or_default();
        run.log(
            run.started_on,
            LogStream::Error,
            format!("WARN {uri}, line {}{field}: {}", m.line, m.message),
        );
    }
    let origins = output
        .lines
        .iter()
        .map(|&line| RowOrigin {
            source: uri.to_string(),
            version: object.version,
            line,
        })
        .collect();
    Ok(Frame {
        batch: output.batch,
        origins,
    })
}

/// A partitioned table's rows get their partition's values as columns, as Glue's catalog
/// reader gives them.
fn with_partition_columns(source: &S3Selection, uri: &str, frame: Frame) -> Result<Frame> {
    let Some(table) = &source.partitioned else {
        return Ok(frame);
    };
    match table.place_of(&S3Uri::parse(uri)?)? {
        Place::Registered(i) => Ok(Frame {
            batch: table.with_partition_columns(frame.batch, &table.partitions[i])?,
            origins: frame.origins,
        }),
        // The select phase reads only objects in registered partitions.
        _ => Ok(frame),
    }
}

fn union(frames: Vec<Frame>) -> Result<Frame> {
    let Some(first) = frames.first() else {
        return Ok(Frame {
            batch: RecordBatch::new_empty(Arc::new(crate::arrow::datatypes::Schema::empty())),
            origins: vec![],
        });
    };
    let schema = frames.iter().skip(1).try_fold(first.batch.schema(), |acc, f| {
        if f.batch.schema().fields() == acc.fields() {
            Ok(acc)
        } else {
            Err(Error::transform(
                "union",
                "the job's sources have different columns; join or map them first",
            ))
        }
    })?;
    Frame::concat(frames, schema)
}

fn widest_schema(base: &crate::arrow::datatypes::SchemaRef, frames: &[Frame]) -> crate::arrow::datatypes::SchemaRef {
    frames
        .iter()
        .map(|f| f.batch.schema())
        .find(|s| s.fields().len() > base.fields().len())
        .unwrap_or_else(|| base.clone())
}

/// Gives a frame the target schema, adding missing (trailing) columns as nulls.
fn align(frame: Frame, schema: &crate::arrow::datatypes::SchemaRef) -> Result<Frame> {
    if frame.batch.schema().fields() == schema.fields() {
        return Ok(frame);
    }
    let rows = frame.batch.num_rows();
    let columns = schema
        .fields()
        .iter()
        .map(|f| match frame.batch.schema().index_of(f.name()) {
            Ok(i) => frame.batch.column(i).clone(),
            Err(_) => crate::arrow::array::new_null_array(f.data_type(), rows),
        })
        .collect();
    Ok(Frame {
        batch: RecordBatch::try_new(schema.clone(), columns)?,
        origins: frame.origins,
    })
}
