//! How many bytes a job's source and sink hold: front ends decide from these whether to list
//! or preview them on a page's thread.

use crate::model::store::S3Uri;
use crate::workspace::{SinkLocation, Workspace};

impl Workspace {
    /// The bytes of the objects under the job's first source (0 when it has none, or it is a
    /// warehouse table).
    pub fn job_source_bytes(&self, job: &str) -> u64 {
        self.source_prefix(job)
            .and_then(|prefix| self.store.bytes_under(&prefix))
            .unwrap_or(0)
    }

    /// The bytes of the objects under the job's first sink (0 when it has none, or it is a
    /// warehouse table).
    pub fn job_sink_bytes(&self, job: &str) -> u64 {
        self.job_sink_bytes_at(job, 0)
    }

    /// The bytes under the job's sink at `index`; 0 past its last sink.
    pub fn job_sink_bytes_at(&self, job: &str, index: usize) -> u64 {
        let Some(sink) = self.job(job).ok().and_then(|j| j.plan.sinks.get(index)) else {
            return 0;
        };
        match self.sink_location(&sink.output) {
            Ok(SinkLocation::S3 { uri, .. }) => self
                .store
                .bytes_under(&S3Uri::new(&uri.bucket, uri.folder_prefix()))
                .unwrap_or(0),
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::demo;

    #[test]
    fn sizes_follow_uploads_and_runs() {
        let mut ws = demo::seed_workspace().unwrap();
        assert_eq!(ws.job_source_bytes(demo::JOB_NAME), 0);
        assert_eq!(ws.job_sink_bytes(demo::JOB_NAME), 0);
        let (name, body) = demo::raw_files()[0];
        let uri = crate::model::store::S3Uri::new(demo::raw_bucket(), name);
        ws.put_object(&uri, body.as_bytes().to_vec()).unwrap();
        assert_eq!(ws.job_source_bytes(demo::JOB_NAME), body.len() as u64);
        ws.start_job_run(crate::RunRequest::new(demo::JOB_NAME)).unwrap();
        assert!(ws.job_sink_bytes(demo::JOB_NAME) > 0);
        assert_eq!(ws.job_sink_bytes("nope"), 0);
    }
}
