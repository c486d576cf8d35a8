//! A job editor's draft, seen before it is saved: its source's size and its step previews, on
//! a copy of the workspace that holds the draft in place of the saved job.

use crate::error::Result;
use crate::model::job::JobDefinition;
use crate::workspace::Workspace;

use super::StepPreview;

impl Workspace {
    /// This workspace with `draft` in place of the job of its name; nothing is checked, since
    /// a draft is previewed while it is still being written.
    fn with_draft(&self, draft: &JobDefinition) -> Workspace {
        let mut scratch = self.clone();
        scratch
            .bookmarks
            .entry(draft.name.clone())
            .or_insert_with(|| crate::model::bookmark::JobBookmark::new(&draft.name));
        scratch.jobs.insert(draft.name.clone(), draft.clone());
        scratch
    }

    /// The bytes under the draft's first source.
    /// Cheap: nothing is copied (an editor asks on every change).
    pub fn draft_source_bytes(&self, draft: &JobDefinition) -> u64 {
        self.definition_source_prefix(draft)
            .and_then(|prefix| self.store().bytes_under(&prefix))
            .unwrap_or(0)
    }

    /// [`Workspace::preview_steps`] of the draft.
    pub fn preview_draft_steps(&self, draft: &JobDefinition, sample_rows: usize) -> Result<Vec<StepPreview>> {
        self.with_draft(draft).preview_steps(&draft.name, sample_rows)
    }
}
