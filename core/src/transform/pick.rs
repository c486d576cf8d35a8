//! A column picked in an editor (from the previewed schema before a step) put into that step:
//! the one rule of where a picked name goes, so every front end's picker agrees.

use super::{DerivedColumn, GroupKey, Mapping, Transform};

impl Transform {
    /// Whether a picked column has somewhere to go in this transform.
    pub fn takes_columns(&self) -> bool {
        !matches!(
            self,
            Transform::Show { .. }
                | Transform::DropNullFields
                | Transform::Relationalize { .. }
                | Transform::ResolveChoice { .. }
        )
    }

    /// Puts `column` (of Glue type `glue_type`) where this transform names a column: a list of
    /// paths gains it, a single column field becomes it, ApplyMapping fills its first blank row
    /// (or adds `column → column`, kept as `glue_type`), an expression gets it appended. Returns
    /// whether anything changed (a list that already holds it does not).
    pub fn use_column(&mut self, column: &str, glue_type: &str) -> bool {
        fn push(list: &mut Vec<String>, column: &str) -> bool {
            let absent = !list.iter().any(|c| c == column);
            if absent {
                list.push(column.to_string());
            }
            absent
        }
        fn append(expression: &mut String, column: &str) -> bool {
            let name = sql_identifier(column);
            let kept = expression.trim_end().len();
            expression.truncate(kept);
            if !expression.is_empty() {
                expression.push(' ');
            }
            expression.push_str(&name);
            true
        }
        match self {
            Transform::SelectFields { paths }
            | Transform::DropFields { paths }
            | Transform::SplitFields { paths, .. } => push(paths, column),
            Transform::Join { keys_left, .. } => push(keys_left, column),
            Transform::RenameField { old_name, .. } | Transform::ValueMapping { column: old_name, .. } => {
                let changed = old_name != column;
                *old_name = column.to_string();
                changed
            }
            Transform::Filter { predicate } => append(predicate, column),
            Transform::ApplyMapping { mappings } => {
                if mappings.iter().any(|m| m.source == column) {
                    return false;
                }
                match mappings.iter_mut().find(|m| m.source.trim().is_empty()) {
                    Some(blank) => {
                        blank.source = column.to_string();
                        blank.source_type = glue_type.to_string();
                        if blank.target.trim().is_empty() {
                            blank.target = column.to_string();
                            blank.target_type = glue_type.to_string();
                        }
                    }
                    None => mappings.push(Mapping::new(column, glue_type, column, glue_type)),
                }
                true
            }
            Transform::Map { columns } => match columns.last_mut().filter(|c| c.expression.trim().is_empty()) {
                Some(blank) => append(&mut blank.expression, column),
                None => {
                    columns.push(DerivedColumn::new("", &sql_identifier(column)));
                    true
                }
            },
            Transform::Aggregate { group_by, .. } => {
                if group_by.iter().any(|g| g.name == column) {
                    return false;
                }
                group_by.push(GroupKey::new(column, &sql_identifier(column)));
                true
            }
            Transform::Show { .. }
            | Transform::DropNullFields
            | Transform::Relationalize { .. }
            | Transform::ResolveChoice { .. } => false,
        }
    }
}

/// `amount` as is; any other name quoted as a SQL identifier (`"order date"`).
fn sql_identifier(column: &str) -> String {
    let plain = column
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && column.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        column.to_string()
    } else {
        format!("\"{}\"", column.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::catalogue;

    fn blank(kind: &str) -> Transform {
        catalogue::kind(kind).expect("a catalogued kind").blank()
    }

    #[test]
    fn a_picked_column_fills_the_blank_mapping_row_with_its_type() {
        let mut t = blank("ApplyMapping");
        assert!(t.use_column("amount", "double"));
        assert!(t.use_column("customer", "string"));
        assert!(!t.use_column("amount", "double"), "a mapped column is not mapped twice");
        let Transform::ApplyMapping { mappings } = t else {
            unreachable!()
        };
        let sources: Vec<_> = mappings
            .iter()
            .map(|m| (m.source.as_str(), m.source_type.as_str()))
            .collect();
        assert_eq!(sources, [("amount", "double"), ("customer", "string")]);
        assert_eq!(mappings[0].target, "amount");
        assert_eq!(mappings[0].target_type, "double");
    }

    #[test]
    fn lists_gain_a_picked_column_once_and_single_fields_become_it() {
        let mut t = blank("SelectFields");
        assert!(t.use_column("a", "int"));
        assert!(!t.use_column("a", "int"));
        assert!(t.use_column("b", "int"));
        assert_eq!(
            t,
            Transform::SelectFields {
                paths: vec!["a".into(), "b".into()]
            }
        );
        let mut rename = blank("RenameField");
        assert!(rename.use_column("ts", "bigint"));
        assert!(matches!(rename, Transform::RenameField { ref old_name, .. } if old_name == "ts"));
    }

    #[test]
    fn expressions_get_the_name_appended_quoted_when_it_is_not_plain() {
        let mut t = Transform::Filter {
            predicate: "amount > 0 AND ".into(),
        };
        assert!(t.use_column("order date", "date"));
        assert_eq!(
            t,
            Transform::Filter {
                predicate: "amount > 0 AND \"order date\"".into()
            }
        );
        let mut map = Transform::Map { columns: vec![] };
        assert!(map.use_column("device_id", "string"));
        assert!(matches!(map, Transform::Map { ref columns } if columns[0].expression == "device_id"));
    }

    #[test]
    fn transforms_without_a_column_field_take_none() {
        for kind in ["show", "DropNullFields", "Relationalize", "ResolveChoice"] {
            let mut t = blank(kind);
            assert!(!t.takes_columns(), "{kind}");
            let before = t.clone();
            assert!(!t.use_column("a", "int"), "{kind}");
            assert_eq!(t, before);
        }
        for entry in catalogue::CATALOGUE
            .iter()
            .filter(|k| !["show", "DropNullFields", "Relationalize", "ResolveChoice"].contains(&k.name))
        {
            let mut t = entry.blank();
            assert!(t.takes_columns(), "{}", entry.name);
            assert!(
                t.use_column("a", "int"),
                "{}: a picked column goes somewhere",
                entry.name
            );
        }
    }
}
