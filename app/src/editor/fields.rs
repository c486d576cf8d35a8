//! Small labelled inputs shared by the editor's sections. Each one edits one field of the
//! draft, names the validation path it answers for (`sources[0].path`), and shows core's
//! message for that path right under it, linked with `aria-describedby`.

use leptos::prelude::*;

use super::Editor;
use crate::i18n::{marked, t, unmarked};

/// `sources[0].path` → `sources-0-path`: a path as an HTML id.
pub fn slug(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    for c in field.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The id of the input editing `field`.
pub fn input_id(field: &str) -> String {
    format!("f-{}", slug(field))
}

/// The id of the message about `field`.
pub fn error_id(field: &str) -> String {
    format!("err-{}", slug(field))
}

/// The id of the warning under `field` (a warning never makes the input invalid).
pub fn warning_id(field: &str) -> String {
    format!("warn-{}", slug(field))
}

/// Core's message(s) about `field`, when there are any.
#[component]
pub fn FieldError(#[prop(into)] field: String) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let (id, warn_id) = (error_id(&field), warning_id(&field));
    move || {
        let error = editor.problem(&field);
        let warning = editor.warning(&field);
        view! {
            {error.map(|message| view! { <p class="field-error" id=id.clone()>{message}</p> })}
            {warning.map(|message| view! { <p class="field-warning" id=warn_id.clone()>{message}</p> })}
        }
    }
}

/// A one-line text input; every keystroke edits the draft (validation is cheap).
#[component]
pub fn TextField(
    #[prop(into)] label: String,
    /// The validation path this input answers for.
    #[prop(into)]
    field: String,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] set: Callback<String>,
    #[prop(optional, into)] placeholder: String,
    /// A hint under the input (also read out with it).
    #[prop(optional, into)]
    hint: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let (id, err) = (input_id(&field), error_id(&field));
    let hint_id = format!("{id}-hint");
    let described = format!("{err} {} {hint_id}", warning_id(&field));
    let invalid = {
        let field = field.clone();
        move || editor.problem(&field).is_some()
    };
    view! {
        <div class="field">
            <label for=id.clone()>{marked(&label)}</label>
            <input type="text" class="input mono" id=id spellcheck="false" placeholder=placeholder
                aria-describedby=described aria-invalid=move || if invalid() { "true" } else { "false" }
                prop:value=move || value.get()
                on:input:target=move |ev| set.run(ev.target().value())/>
            {move || hint.and_then(|h| h.get()).map(|text| view! { <p class="field-hint" id=hint_id.clone()>{marked(&text)}</p> })}
            <FieldError field=field/>
        </div>
    }
}

/// A comma-separated list (paths, keys). It is written to the draft when the input loses
/// focus or Enter is pressed, so typing a comma is not undone by the round trip.
#[component]
pub fn ListField(
    #[prop(into)] label: String,
    #[prop(into)] field: String,
    #[prop(into)] value: Signal<Vec<String>>,
    #[prop(into)] set: Callback<Vec<String>>,
    #[prop(optional, into)] placeholder: String,
    /// Items are separated by spaces instead of commas (globs, whose `{a,b}` holds commas).
    #[prop(optional)]
    spaced: bool,
) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let (id, err) = (input_id(&field), error_id(&field));
    let invalid = {
        let field = field.clone();
        move || editor.problem(&field).is_some()
    };
    let (how, joiner) = if spaced {
        (t(" (space-separated)"), " ")
    } else {
        (t(" (comma-separated)"), ", ")
    };
    view! {
        <div class="field">
            <label for=id.clone()>{marked(&label)} <span class="muted">{how}</span></label>
            <input type="text" class="input mono" id=id spellcheck="false" placeholder=placeholder
                aria-describedby=err aria-invalid=move || if invalid() { "true" } else { "false" }
                prop:value=move || value.get().join(joiner)
                on:change:target=move |ev| {
                    let text = ev.target().value();
                    set.run(if spaced { text.split_whitespace().map(str::to_string).collect() } else { split_list(&text) })
                }/>
            <FieldError field=field/>
        </div>
    }
}

/// `"a, b,,c "` → `["a", "b", "c"]`.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A whole number, or empty for none (thresholds, rows).
#[component]
pub fn NumberField(
    #[prop(into)] label: String,
    #[prop(into)] id: String,
    #[prop(into)] value: Signal<Option<u64>>,
    #[prop(into)] set: Callback<Option<u64>>,
    #[prop(optional, into)] placeholder: String,
) -> impl IntoView {
    view! {
        <div class="field narrow">
            <label for=id.clone()>{marked(&label)}</label>
            <input type="number" min="0" step="1" class="input mono" id=id placeholder=placeholder
                prop:value=move || value.get().map(|v| v.to_string()).unwrap_or_default()
                on:change:target=move |ev| set.run(ev.target().value().trim().parse().ok())/>
        </div>
    }
}

/// A `<select>` over fixed choices `(value, label)`. A label that is its value (a Glue value
/// such as `PERMISSIVE`) or holds a `backticked` name is kept from translators.
#[component]
pub fn SelectField(
    #[prop(into)] label: String,
    #[prop(into)] field: String,
    choices: Vec<(&'static str, &'static str)>,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] set: Callback<String>,
) -> impl IntoView {
    let (id, err) = (input_id(&field), error_id(&field));
    view! {
        <div class="field">
            <label for=id.clone()>{marked(&label)}</label>
            <select class="select" id=id aria-describedby=err
                prop:value=move || value.get()
                on:change:target=move |ev| set.run(ev.target().value())>
                {choices.into_iter().map(|(v, text)| {
                    let verbatim = if text == v || text.contains('`') { "no" } else { "yes" };
                    view! { <option value=v translate=verbatim selected=move || value.get() == v>{unmarked(text)}</option> }
                }).collect_view()}
            </select>
            <FieldError field=field/>
        </div>
    }
}

/// A labelled checkbox.
#[component]
pub fn CheckField(
    #[prop(into)] label: String,
    #[prop(into)] id: String,
    #[prop(into)] value: Signal<bool>,
    #[prop(into)] set: Callback<bool>,
) -> impl IntoView {
    view! {
        <label class="check">
            <input type="checkbox" id=id prop:checked=move || value.get()
                on:change:target=move |ev| set.run(ev.target().checked())/>
            " " {marked(&label)}
        </label>
    }
}
