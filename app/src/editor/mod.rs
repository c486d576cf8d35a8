//! The job editor: sources, steps (transform rules), sinks and arguments of the selected job,
//! with validation next to each field, a live preview after each step and the equivalent Glue
//! script. Every check and preview is core's (`Workspace::validate_job`, `preview_steps`,
//! `export::pyspark_script`).
