//! Binding a call's arguments to a Glue signature, positional or keyword, and reading them back
//! as typed values with Python's messages when they do not fit.

use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::{Ranged, TextRange};

use super::interp::{Interp, R};
use super::value::{FrameRef, Value};

/// A call's arguments by parameter name. `None` passed explicitly counts as not given, as the
/// Glue wrappers treat their `None` defaults.
pub(super) struct Bound {
    pub func: &'static str,
    /// The whole call.
    pub range: TextRange,
    /// `(parameter, (value, the range of the value's expression))`.
    slots: Vec<(&'static str, Option<(Value, TextRange)>)>,
}

impl Bound {
    pub fn get(&self, name: &str) -> Option<&(Value, TextRange)> {
        self.slots
            .iter()
            .find(|(p, _)| *p == name)
            .and_then(|(_, v)| v.as_ref())
            .filter(|(v, _)| *v != Value::None)
    }
}

impl Interp<'_> {
    /// Binds `c`'s arguments to `params` (in Glue's order; `self` left out), as Python would.
    pub fn bind(&mut self, c: &ExprCall, func: &'static str, params: &[&'static str]) -> R<Bound> {
        let mut slots: Vec<(&'static str, Option<(Value, TextRange)>)> = params.iter().map(|p| (*p, None)).collect();
        for (i, arg) in c.arguments.args.iter().enumerate() {
            if let Expr::Starred(s) = arg {
                return Err(self.unsupported(s.range, "`*` unpacking in a call"));
            }
            if i >= params.len() {
                return Err(self.error(
                    arg.range(),
                    format!(
                        "TypeError: {func}() takes {} positional argument{} but {} were given",
                        params.len(),
                        if params.len() == 1 { "" } else { "s" },
                        c.arguments.args.len()
                    ),
                ));
            }
            let value = self.eval_value(arg)?;
            slots[i].1 = Some((value, arg.range()));
        }
        for keyword in c.arguments.keywords.iter() {
            let Some(name) = &keyword.arg else {
                return Err(self.unsupported(keyword.range, "`**` unpacking in a call"));
            };
            let Some(slot) = slots.iter().position(|(p, _)| *p == name.as_str()) else {
                return Err(self.error(
                    keyword.range,
                    format!("TypeError: {func}() got an unexpected keyword argument '{name}'"),
                ));
            };
            if slots[slot].1.is_some() {
                return Err(self.error(
                    keyword.range,
                    format!("TypeError: {func}() got multiple values for argument '{name}'"),
                ));
            }
            let value = self.eval_value(&keyword.value)?;
            slots[slot].1 = Some((value, keyword.value.range()));
        }
        Ok(Bound {
            func,
            range: c.range,
            slots,
        })
    }

    pub fn required<'b>(&self, b: &'b Bound, name: &str) -> R<&'b (Value, TextRange)> {
        b.get(name).ok_or_else(|| {
            self.error(
                b.range,
                format!("TypeError: {}() missing 1 required argument: '{name}'", b.func),
            )
        })
    }

    fn wrong_type(&self, b: &Bound, name: &str, expected: &str, got: &(Value, TextRange)) -> super::ScriptError {
        self.error(
            got.1,
            format!(
                "TypeError: {}() argument '{name}' must be {expected}, not {}",
                b.func,
                got.0.type_name()
            ),
        )
    }

    pub fn opt_str(&self, b: &Bound, name: &str) -> R<Option<String>> {
        match b.get(name) {
            None => Ok(None),
            Some((Value::Str(s), _)) => Ok(Some(s.clone())),
            Some(other) => Err(self.wrong_type(b, name, "str", other)),
        }
    }

    pub fn required_str(&self, b: &Bound, name: &str) -> R<String> {
        match self.required(b, name)? {
            (Value::Str(s), _) => Ok(s.clone()),
            other => Err(self.wrong_type(b, name, "str", other)),
        }
    }

    /// A `dict` argument with string keys; absent means empty.
    pub fn opt_dict(&self, b: &Bound, name: &str) -> R<Vec<(String, Value)>> {
        match b.get(name) {
            None => Ok(vec![]),
            Some((Value::Dict(items), range)) => items
                .iter()
                .map(|(k, v)| match k {
                    Value::Str(k) => Ok((k.clone(), v.clone())),
                    other => Err(self.error(
                        *range,
                        format!(
                            "TypeError: {}() argument '{name}' must have str keys, not {}",
                            b.func,
                            other.type_name()
                        ),
                    )),
                })
                .collect(),
            Some(other) => Err(self.wrong_type(b, name, "dict", other)),
        }
    }

    /// A list of strings (a single string counts as a list of one, as the Glue wrappers do).
    pub fn str_list(&self, b: &Bound, name: &str) -> R<Vec<String>> {
        let arg = self.required(b, name)?;
        match &arg.0 {
            Value::Str(s) => Ok(vec![s.clone()]),
            Value::List(items) | Value::Tuple(items) => items
                .iter()
                .map(|item| match item {
                    Value::Str(s) => Ok(s.clone()),
                    other => Err(self.error(
                        arg.1,
                        format!(
                            "TypeError: {}() argument '{name}' must be a list of str, found {}",
                            b.func,
                            other.type_name()
                        ),
                    )),
                })
                .collect(),
            _ => Err(self.wrong_type(b, name, "a list of str", arg)),
        }
    }

    pub fn frame_arg(&self, b: &Bound, name: &str) -> R<(FrameRef, TextRange)> {
        match self.required(b, name)? {
            (Value::Frame(f), range) => Ok((*f, *range)),
            other => Err(self.wrong_type(b, name, "a DynamicFrame", other)),
        }
    }

    /// An argument Glue has but the runner does not model: fine while it keeps its default.
    pub fn only_default(&self, b: &Bound, name: &str, is_default: impl Fn(&Value) -> bool) -> R<()> {
        match b.get(name) {
            Some((value, range)) if !is_default(value) => {
                Err(self.unsupported(*range, format!("`{name}={}` in {}()", self.text(*range), b.func)))
            }
            _ => Ok(()),
        }
    }
}
