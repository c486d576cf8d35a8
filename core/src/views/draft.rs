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

#[cfg(test)]
mod tests {
    use crate::demo;
    use crate::snapshot::handed_over;

    /// Every job of every tour played to its end, as a draft: the preview worker, which gets
    /// the whole workspace (a step may read any table: a Join with its own sink, a ValueMapping
    /// table), previews it as the page would, after the hand-over and the JSON trip back.
    #[test]
    fn a_preview_worker_previews_every_draft_as_the_page_would() {
        let mut previewed = 0;
        for (id, ws) in demo::story::every_tour_played() {
            let part = handed_over(&ws);
            for draft in ws.jobs.values() {
                let sent = part.preview_draft_steps(draft, 5).map_err(|e| e.to_string());
                let json = serde_json::to_string(&sent).unwrap();
                let back: Result<Vec<super::StepPreview>, String> = serde_json::from_str(&json).unwrap();
                let whole = ws.preview_draft_steps(draft, 5).map_err(|e| e.to_string());
                assert_eq!(back, whole, "{id}: {}", draft.name);
                previewed += 1;
            }
        }
        assert!(previewed >= 7, "{previewed}");
    }
}
