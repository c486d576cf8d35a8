//! The column picker under a step: the columns of the rows going into it, as the preview
//! read them (name and Glue type); clicking one puts it where the step names a column
//! (core's `Transform::use_column`: a list gains it, ApplyMapping fills a row with its type).

use leptos::prelude::*;

use super::preview::Previews;
use super::Editor;
use crate::i18n::{t, tf};

#[component]
pub fn ColumnPicker(i: usize) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let previews = expect_context::<Previews>();
    let takes = move || editor.step(i, |s| s.transform.takes_columns());
    let body = move || {
        if !takes() {
            return None;
        }
        let chips = match previews.columns_before(i) {
            Some(columns) if !columns.is_empty() => columns
                .into_iter()
                .map(|(name, glue_type)| {
                    let (n, t) = (name.clone(), glue_type.clone());
                    let pick = move |_| editor.edit_step(i, |s| {
                        s.transform.use_column(&n, &t);
                    });
                    view! {
                        <button type="button" class="chip column-chip mono"
                            title=tf("{name}: {glue_type} (click to use it in this step)", &[("name", &name), ("glue_type", &glue_type)])
                            on:click=pick><span translate="no">{name.clone()}</span> <span class="muted" translate="no">{glue_type.clone()}</span></button>
                    }
                })
                .collect_view()
                .into_any(),
            Some(_) => view! { <span class="muted">{t("no columns")}</span> }.into_any(),
            None => match previews.columns_missing_reason() {
                Some(why) => view! { <span class="muted">{tf("Not read: {why}", &[("why", &why)])}</span> }.into_any(),
                None if previews.is_live() => view! { <span class="muted">{t("Reading the sources…")}</span> }.into_any(),
                None => view! {
                    <button type="button" class="link" on:click=move |_| previews.refresh()>{t("Read the columns from the sources")}</button>
                }
                .into_any(),
            },
        };
        Some(view! {
            <div class="column-picker" id=format!("step-{i}-columns") role="group"
                aria-label=tf("Columns going into step {step} (click to use one)", &[("step", &(i + 1))])>
                <span class="column-picker-label">{t("Columns here:")}</span>
                {chips}
            </div>
        })
    };
    view! { {body} }
}
