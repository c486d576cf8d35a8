//! The equivalent Glue script, read-only, and the files to take to real AWS Glue.

use gluelab_core::aws::export::{
    cdk_app_folder, cdk_app_zip, cloudformation_template, create_job_json, pyspark_script, pyspark_script_with_steps,
    script_location,
};
use leptos::prelude::*;

use super::Editor;
use crate::i18n::{t, tf};
use crate::share::download;
use crate::state::use_studio;

#[component]
pub fn ScriptView() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let studio = use_studio();
    let script = Memo::new(move |_| editor.draft.with(pyspark_script_with_steps));
    // One span per line (its newline inside it, so the pane's text is the script's); the
    // line of the step being edited is marked.
    let lines = move || {
        let script = script.get();
        let editing = editor
            .editing_step
            .get()
            .and_then(|i| script.step_lines.get(i).copied());
        script
            .text
            .split_inclusive('\n')
            .enumerate()
            .map(|(n, line)| {
                let class = if Some(n) == editing {
                    "script-line editing"
                } else {
                    "script-line"
                };
                view! { <span class=class>{line.to_string()}</span> }
            })
            .collect_view()
    };
    Effect::new(move |_| {
        editor.editing_step.track();
        script.track();
        request_animation_frame(reveal_editing_line);
    });
    let failed = RwSignal::new(None::<String>);
    let save_bytes = move |name: String, mime: &'static str, bytes: &[u8]| {
        failed.set(
            download(&name, mime, bytes)
                .err()
                .map(|e| tf("The download did not start: {error}", &[("error", &e)])),
        );
    };
    let save = move |name: String, mime: &'static str, text: String| save_bytes(name, mime, text.as_bytes());
    let download_script = move |_| {
        let (name, text) = editor.draft.with(|d| (format!("{}.py", d.name), pyspark_script(d)));
        save(name, "text/x-python", text);
    };
    let download_job = move |_| {
        let (name, text) = editor
            .draft
            .with(|d| (format!("{}.json", d.name), create_job_json(d, &script_location(d))));
        save(name, "application/json", text);
    };
    // Core builds the template from the draft and the workspace's buckets and tables; a draft
    // that names a table the workspace lacks cannot be exported, and says why.
    let download_template = move |_| {
        let exported = editor.draft.with(|d| {
            studio
                .workspace
                .with(|ws| cloudformation_template(ws, d).map(|text| (format!("{}.template.json", d.name), text)))
        });
        match exported {
            Ok((name, text)) => save(name, "application/json", text),
            Err(e) => failed.set(Some(tf("The template cannot be exported: {error}", &[("error", &e)]))),
        }
    };
    // The same files `gluelab export-job --format cdk` writes, zipped by core.
    let download_cdk = move |_| {
        let exported = editor.draft.with(|d| {
            studio
                .workspace
                .with(|ws| cdk_app_zip(ws, d).map(|bytes| (format!("{}.zip", cdk_app_folder(&d.name)), bytes)))
        });
        match exported {
            Ok((name, bytes)) => save_bytes(name, "application/zip", &bytes),
            Err(e) => failed.set(Some(tf("The CDK app cannot be exported: {error}", &[("error", &e)]))),
        }
    };
    view! {
        <aside class="editor-script" aria-labelledby="ed-script">
            <h3 id="ed-script">{t("Equivalent Glue script (read-only)")}</h3>
            <div class="row">
                <button class="btn secondary small" id="download-script" on:click=download_script>{t("Download script")}</button>
                <button class="btn secondary small" id="download-job" on:click=download_job
                    title=t("For aws glue create-job --cli-input-json")>{t("Download job definition")}</button>
                <button class="btn secondary small" id="download-template" on:click=download_template
                    title=t("A CloudFormation template of the job's buckets, catalog tables, IAM role and job: aws cloudformation deploy --capabilities CAPABILITY_NAMED_IAM")>
                    {t("Download infrastructure template")}
                </button>
                <button class="btn secondary small" id="download-cdk" on:click=download_cdk
                    title=t("An AWS CDK app of the same resources: unzip, npm ci, node app.js (its README says how to deploy and run the script locally)")>
                    {t("Download CDK app (.zip)")}
                </button>
            </div>
            {move || failed.get().map(|e| view! { <p class="field-error">{e}</p> })}
            <pre class="script mono" id="script-view" tabindex="0" translate="no" aria-label=t("Glue PySpark script")>{lines}</pre>
        </aside>
    }
}

/// Scrolls the script pane (when it scrolls on its own) so the edited step's line is in view;
/// the form beside it does not move.
fn reveal_editing_line() {
    let Some(pane) = document().query_selector(".editor-script").ok().flatten() else {
        return;
    };
    let Some(line) = pane.query_selector(".script-line.editing").ok().flatten() else {
        return;
    };
    if pane.scroll_height() <= pane.client_height() {
        return;
    }
    let (p, l) = (pane.get_bounding_client_rect(), line.get_bounding_client_rect());
    if l.top() < p.top() || l.bottom() > p.bottom() {
        pane.set_scroll_top(pane.scroll_top() + (l.top() - p.top() - p.height() / 3.0) as i32);
    }
}
