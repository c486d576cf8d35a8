//! The transforms a job editor offers, each with its label and its blank shape: a new step
//! with empty fields for the user to fill (validation says which).

use super::{ChoiceAction, DerivedColumn, JoinHow, Mapping, Transform, Unmapped};

/// One kind of step the editor can add.
#[derive(Debug, Clone, Copy)]
pub struct TransformKind {
    /// [`Transform::name`] of the steps it makes.
    pub name: &'static str,
    /// The editor's menu entry.
    pub label: &'static str,
    blank: fn() -> Transform,
}

impl TransformKind {
    /// A new step of this kind.
    pub fn blank(&self) -> Transform {
        (self.blank)()
    }
}

/// Every kind, in the order the editor offers them.
pub const CATALOGUE: &[TransformKind] = &[
    TransformKind {
        name: "Filter",
        label: "Filter (keep rows where…)",
        blank: || Transform::Filter {
            predicate: String::new(),
        },
    },
    TransformKind {
        name: "Map",
        label: "Map (derived columns)",
        blank: || Transform::Map {
            columns: vec![DerivedColumn::new("", "")],
        },
    },
    TransformKind {
        name: "ApplyMapping",
        label: "ApplyMapping (rename and cast)",
        blank: || Transform::ApplyMapping {
            mappings: vec![Mapping::new("", "string", "", "string")],
        },
    },
    TransformKind {
        name: "SelectFields",
        label: "SelectFields",
        blank: || Transform::SelectFields { paths: vec![] },
    },
    TransformKind {
        name: "DropFields",
        label: "DropFields",
        blank: || Transform::DropFields { paths: vec![] },
    },
    TransformKind {
        name: "RenameField",
        label: "RenameField",
        blank: || Transform::RenameField {
            old_name: String::new(),
            new_name: String::new(),
        },
    },
    TransformKind {
        name: "DropNullFields",
        label: "DropNullFields",
        blank: || Transform::DropNullFields,
    },
    TransformKind {
        name: "SplitFields",
        label: "SplitFields",
        blank: || Transform::SplitFields {
            paths: vec![],
            name1: None,
            name2: None,
        },
    },
    TransformKind {
        name: "ResolveChoice",
        label: "ResolveChoice",
        blank: || Transform::ResolveChoice {
            specs: vec![],
            choice: Some(ChoiceAction::MakeCols),
            database: None,
            table_name: None,
        },
    },
    TransformKind {
        name: "Join",
        label: "Join (lookup table)",
        blank: || Transform::Join {
            table: String::new(),
            keys_left: vec![],
            keys_right: vec![],
            how: JoinHow::Inner,
        },
    },
    TransformKind {
        name: "ValueMapping",
        label: "ValueMapping (lookup table)",
        blank: || Transform::ValueMapping {
            table: String::new(),
            column: String::new(),
            from_column: String::new(),
            to_column: String::new(),
            unmapped: Unmapped::Keep,
        },
    },
    TransformKind {
        name: "Aggregate",
        label: "Aggregate (group by)",
        blank: || Transform::Aggregate {
            group_by: vec![],
            aggregates: vec![],
        },
    },
    TransformKind {
        name: "Relationalize",
        label: "Relationalize",
        blank: || Transform::Relationalize {
            name: "roottable".into(),
            transformation_ctx: Some("relationalize".into()),
        },
    },
    TransformKind {
        name: "show",
        label: "show (print rows to the log)",
        blank: || Transform::Show { rows: 20 },
    },
];

/// The kind named `name` ([`Transform::name`]).
pub fn kind(name: &str) -> Option<&'static TransformKind> {
    CATALOGUE.iter().find(|k| k.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_makes_steps_of_its_own_name_once() {
        for kind in CATALOGUE {
            assert_eq!(kind.blank().name(), kind.name);
            assert_eq!(CATALOGUE.iter().filter(|k| k.name == kind.name).count(), 1);
        }
        assert!(super::kind("Nope").is_none());
    }
}
