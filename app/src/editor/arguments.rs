//! Job arguments (`DefaultArguments`, with `--job-bookmark-option` first), the arguments the
//! script requires, and whether it calls `job.commit()`.

use gluelab_core::model::args::BookmarkOption;
use leptos::prelude::*;

use super::fields::{error_id, input_id, CheckField, FieldError, ListField, SelectField};
use super::Editor;
use crate::i18n::marked;
use crate::i18n::{t, tf};

const BOOKMARK_OPTION: &str = "--job-bookmark-option";

#[component]
pub fn Arguments() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let option = Signal::derive(move || {
        editor
            .draft
            .with(|d| d.default_arguments.get(BOOKMARK_OPTION).cloned().unwrap_or_default())
    });
    let set_option = move |v: String| {
        editor.edit(|d| {
            if v.is_empty() {
                d.default_arguments.remove(BOOKMARK_OPTION);
            } else {
                d.default_arguments.insert(BOOKMARK_OPTION.into(), v);
            }
        })
    };
    let option_note = move || match option.get().parse() {
        Ok(BookmarkOption::Enable) => None,
        Ok(BookmarkOption::Pause) => Some(t("Paused: runs read after the bookmark but never move it.")),
        _ => Some(t("Bookmarks disabled: every run reads every source in full.")),
    };
    let choices = [("", t("not set (`job-bookmark-disable`)"))]
        .into_iter()
        .chain(BookmarkOption::ALL.map(|o| (o.as_str(), o.as_str())))
        .collect::<Vec<_>>();
    let commits = Signal::derive(move || editor.draft.with(|d| d.plan.commits));
    let keys = move || {
        editor.draft.with(|d| {
            d.default_arguments
                .keys()
                .filter(|k| *k != BOOKMARK_OPTION)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="editor-section" aria-labelledby="ed-args">
            <h3 id="ed-args">{t("Arguments and commit")}</h3>
            <div class="grid">
                <SelectField label=t("Default `--job-bookmark-option`") field=format!("default_arguments.{BOOKMARK_OPTION}")
                    choices=choices value=option set=set_option/>
                <ListField label=t("Required arguments (`getResolvedOptions`)") field="required_arguments"
                    value=Signal::derive(move || editor.draft.with(|d| d.plan.required_arguments.clone()))
                    set={move |v: Vec<String>| editor.edit(|d| d.plan.required_arguments = v)}/>
            </div>
            {move || option_note().map(|t| view! { <p class="field-hint">{t}</p> })}
            <CheckField label=t("The script calls `job.commit()`") id="f-commits" value=commits
                set=move |on: bool| editor.edit(|d| d.plan.commits = on)/>
            {move || (!commits.get()).then(|| view! {
                <p class="field-hint warn-text">{marked(t("Without `job.commit()` no bookmark is ever saved: every run reads everything again."))}</p>
            })}
            <table class="rule-table args">
                <caption class="visually-hidden">{t("Default arguments")}</caption>
                <thead><tr><th>{t("argument")}</th><th>{t("default value")}</th><th></th></tr></thead>
                <tbody>
                    <For each=keys key=|k| k.clone() children=move |key| view! { <ArgumentRow key=key/> }/>
                </tbody>
            </table>
            <NewArgument/>
        </section>
    }
}

#[component]
fn ArgumentRow(key: String) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let field = format!("default_arguments.{key}");
    let value = {
        let key = key.clone();
        move || {
            editor
                .draft
                .with(|d| d.default_arguments.get(&key).cloned().unwrap_or_default())
        }
    };
    let set = {
        let key = key.clone();
        move |v: String| {
            editor.edit(|d| {
                if let Some(slot) = d.default_arguments.get_mut(&key) {
                    *slot = v;
                }
            })
        }
    };
    let remove = {
        let key = key.clone();
        move |_| {
            editor.edit(|d| {
                d.default_arguments.remove(&key);
            })
        }
    };
    view! {
        <tr>
            <td class="mono" translate="no">{key.clone()}</td>
            <td>
                <input type="text" class="input mono" id=input_id(&field) aria-label=tf("Value of {key}", &[("key", &key)])
                    aria-describedby=error_id(&field) prop:value=value on:input:target=move |ev| set(ev.target().value())/>
                <FieldError field=field/>
            </td>
            <td><button class="btn secondary small" aria-label=tf("Remove {key}", &[("key", &key)]) on:click=remove>"×"</button></td>
        </tr>
    }
}

/// A key and a value, added together (keys are not edited in place: the table is sorted by key).
#[component]
fn NewArgument() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let add = move |_| {
        let k = key.get_untracked().trim().to_string();
        if k.is_empty() {
            return;
        }
        let v = value.get_untracked();
        editor.edit(|d| {
            d.default_arguments.insert(k, v);
        });
        key.set(String::new());
        value.set(String::new());
    };
    view! {
        <div class="row">
            <label class="visually-hidden" for="new-arg-key">{t("New argument name")}</label>
            <input type="text" class="input mono" id="new-arg-key" placeholder="--tenant_id"
                prop:value=move || key.get() on:input:target=move |ev| key.set(ev.target().value())/>
            <label class="visually-hidden" for="new-arg-value">{t("New argument value")}</label>
            <input type="text" class="input mono" id="new-arg-value" placeholder=t("value")
                prop:value=move || value.get() on:input:target=move |ev| value.set(ev.target().value())/>
            <button class="btn secondary small" id="add-argument" on:click=add>{t("+ Add argument")}</button>
        </div>
    }
}
