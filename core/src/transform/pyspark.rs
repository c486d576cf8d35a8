//! Each transform as the line of Glue PySpark a user would write for it
//! ([`Transform::to_pyspark`]).
//!
//! Conventions, chosen to look like Glue's own generated scripts:
//! - A transform Glue has is its `X.apply(frame=..., ..., transformation_ctx="x")` form, the
//!   context being the transform's name in lower case (`applymapping`), as in scripts Glue
//!   generates (`applymapping1`).
//! - A step gluelab expresses in SQL (`Filter`, `Map`, `Aggregate`, a left `Join`,
//!   `ValueMapping`) is written on the Spark DataFrame and wrapped back:
//!   `DynamicFrame.fromDF(df.toDF()..., glueContext, "filter")`, the way Glue users mix the
//!   two APIs. These lines assume `from pyspark.sql import functions as F`, and the SQL text is
//!   passed to Spark as written (Athena's and Spark's SQL differ in places).
//! - Lookup tables are read inline with `glueContext.create_dynamic_frame.from_catalog(...)`;
//!   a name without a database is in `default`.
//! - `show` is a statement (`df.show(20)`); everything else is an expression giving a frame.
//!
//! The script runner (`crate::aws::script`) parses scripts into transforms; nothing else in core
//! renders PySpark.

use super::{AggFunction, ChoiceSpec, JoinHow, Transform, Unmapped};

/// A Python string literal of any text: quotes, backslashes and every control or line-breaking
/// character escaped, so no name, path or expression can end the literal or the line.
pub(crate) fn py(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn py_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| py(s)).collect::<Vec<_>>().join(", "))
}

fn ctx(t: &Transform) -> String {
    format!("transformation_ctx={}", py(&t.name().to_ascii_lowercase()))
}

fn from_df(df: &str, t: &Transform) -> String {
    format!(
        "DynamicFrame.fromDF({df}, glueContext, {})",
        py(&t.name().to_ascii_lowercase())
    )
}

fn catalog_frame(table: &str) -> String {
    let (database, table) = table.split_once('.').unwrap_or(("default", table));
    format!(
        "glueContext.create_dynamic_frame.from_catalog(database={}, table_name={})",
        py(database),
        py(table)
    )
}

pub(crate) fn render(t: &Transform, f: &str) -> String {
    match t {
        Transform::ApplyMapping { mappings } => {
            let tuples: Vec<String> = mappings
                .iter()
                .map(|m| {
                    format!(
                        "({}, {}, {}, {})",
                        py(&m.source),
                        py(&m.source_type),
                        py(&m.target),
                        py(&m.target_type)
                    )
                })
                .collect();
            format!(
                "ApplyMapping.apply(frame={f}, mappings=[{}], {})",
                tuples.join(", "),
                ctx(t)
            )
        }
        Transform::Filter { predicate } => from_df(&format!("{f}.toDF().filter({})", py(predicate)), t),
        Transform::DropFields { paths } => format!("DropFields.apply(frame={f}, paths={}, {})", py_list(paths), ctx(t)),
        Transform::SelectFields { paths } => {
            format!("SelectFields.apply(frame={f}, paths={}, {})", py_list(paths), ctx(t))
        }
        Transform::RenameField { old_name, new_name } => format!(
            "RenameField.apply(frame={f}, old_name={}, new_name={}, {})",
            py(old_name),
            py(new_name),
            ctx(t)
        ),
        Transform::Show { rows } => format!("{f}.show({rows})"),
        Transform::ResolveChoice {
            specs,
            choice,
            database,
            table_name,
        } => {
            let mut args = vec![format!("frame={f}")];
            if !specs.is_empty() {
                let specs: Vec<String> = specs
                    .iter()
                    .map(|ChoiceSpec { path, action }| format!("({}, {})", py(path), py(&action.to_string())))
                    .collect();
                args.push(format!("specs=[{}]", specs.join(", ")));
            }
            if let Some(choice) = choice {
                args.push(format!("choice={}", py(&choice.to_string())));
            }
            if let Some(database) = database {
                args.push(format!("database={}", py(database)));
            }
            if let Some(table) = table_name {
                args.push(format!("table_name={}", py(table)));
            }
            args.push(ctx(t));
            format!("ResolveChoice.apply({})", args.join(", "))
        }
        Transform::Map { columns } => {
            let derived: String = columns
                .iter()
                .map(|c| format!(".withColumn({}, F.expr({}))", py(&c.name), py(&c.expression)))
                .collect();
            from_df(&format!("{f}.toDF(){derived}"), t)
        }
        Transform::DropNullFields => format!("DropNullFields.apply(frame={f}, {})", ctx(t)),
        Transform::SplitFields { paths, name1, name2 } => {
            let name1 = name1.as_deref().unwrap_or("frame1");
            format!(
                "SplitFields.apply(frame={f}, paths={}, name1={}, name2={}, {}).select({})",
                py_list(paths),
                py(name1),
                py(name2.as_deref().unwrap_or("frame2")),
                ctx(t),
                py(name1)
            )
        }
        Transform::Join {
            table,
            keys_left,
            keys_right,
            how: JoinHow::Inner,
        } => format!(
            "Join.apply(frame1={f}, frame2={}, keys1={}, keys2={})",
            catalog_frame(table),
            py_list(keys_left),
            py_list(keys_right)
        ),
        Transform::Join {
            table,
            keys_left,
            keys_right,
            how: JoinHow::Left,
        } => {
            let on: Vec<String> = keys_left
                .iter()
                .zip(keys_right)
                .map(|(l, r)| format!("(F.col({}) == F.col({}))", py(&format!("l.{l}")), py(&format!("r.{r}"))))
                .collect();
            from_df(
                &format!(
                    "{f}.toDF().alias(\"l\").join({}.toDF().alias(\"r\"), {}, \"left\")",
                    catalog_frame(table),
                    on.join(" & ")
                ),
                t,
            )
        }
        Transform::ValueMapping {
            table,
            column,
            from_column,
            to_column,
            unmapped,
        } => {
            let value = match unmapped {
                Unmapped::Keep => format!("F.coalesce(F.col(\"__to\"), F.col({}))", py(column)),
                Unmapped::Null | Unmapped::Fail => "F.col(\"__to\")".to_string(),
            };
            // A row whose value has no mapping leaves the frame (gluelab's error record); a null
            // value is not unmapped.
            let drop_unmapped = match unmapped {
                Unmapped::Fail => format!(".filter(F.col(\"__hit\").isNotNull() | F.col({}).isNull())", py(column)),
                _ => String::new(),
            };
            let line = from_df(
                &format!(
                    "{f}.toDF().join({}.toDF().select(F.col({}).cast(\"string\").alias(\"__from\"), \
                     F.col({}).alias(\"__to\"), F.lit(True).alias(\"__hit\")), F.col({}).cast(\"string\") == F.col(\"__from\"), \"left\")\
                     {drop_unmapped}.withColumn({}, {value}).drop(\"__from\", \"__to\", \"__hit\")",
                    catalog_frame(table),
                    py(from_column),
                    py(to_column),
                    py(column),
                    py(column)
                ),
                t,
            );
            match unmapped {
                Unmapped::Fail => {
                    line + "  # gluelab: rows with unmapped values are error records; here they are dropped"
                }
                _ => line,
            }
        }
        Transform::Aggregate { group_by, aggregates } => {
            let keys: Vec<String> = group_by
                .iter()
                .map(|k| format!("F.expr({}).alias({})", py(&k.expression), py(&k.name)))
                .collect();
            let aggs: Vec<String> = aggregates
                .iter()
                .map(|a| {
                    let column = py(a.column.as_deref().unwrap_or("*"));
                    let call = match a.function {
                        AggFunction::Count => format!("F.count({column})"),
                        AggFunction::CountDistinct => format!("F.countDistinct({column})"),
                        other => format!("F.{}({column})", other.name()),
                    };
                    format!("{call}.alias({})", py(&a.name))
                })
                .collect();
            let grouped = if keys.is_empty() {
                format!("{f}.toDF()")
            } else {
                format!("{f}.toDF().groupBy({})", keys.join(", "))
            };
            from_df(&format!("{grouped}.agg({})", aggs.join(", ")), t)
        }
        Transform::Relationalize {
            name,
            transformation_ctx,
        } => format!(
            "Relationalize.apply(frame={f}, staging_path=args[\"TempDir\"], name={}, transformation_ctx={})",
            py(name),
            py(transformation_ctx.as_deref().unwrap_or("")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Agg, ChoiceSpec, DerivedColumn, GroupKey, Mapping};
    use super::*;

    #[test]
    fn glue_transforms_render_as_their_apply_form() {
        let t = Transform::ApplyMapping {
            mappings: vec![Mapping::new("device_id", "string", "id", "string")],
        };
        assert_eq!(
            t.to_pyspark("dyf"),
            r#"ApplyMapping.apply(frame=dyf, mappings=[("device_id", "string", "id", "string")], transformation_ctx="applymapping")"#
        );
        let t = Transform::ResolveChoice {
            specs: vec![ChoiceSpec::new("age", "cast:int").unwrap()],
            choice: None,
            database: None,
            table_name: None,
        };
        assert_eq!(
            t.to_pyspark("dyf"),
            r#"ResolveChoice.apply(frame=dyf, specs=[("age", "cast:int")], transformation_ctx="resolvechoice")"#
        );
        let t = Transform::Join {
            table: "db.types".into(),
            keys_left: vec!["type".into()],
            keys_right: vec!["code".into()],
            how: JoinHow::Inner,
        };
        assert_eq!(
            t.to_pyspark("dyf"),
            r#"Join.apply(frame1=dyf, frame2=glueContext.create_dynamic_frame.from_catalog(database="db", table_name="types"), keys1=["type"], keys2=["code"])"#
        );
        assert_eq!(Transform::Show { rows: 5 }.to_pyspark("df"), "df.show(5)");
    }

    #[test]
    fn sql_steps_render_through_the_dataframe() {
        let t = Transform::Filter {
            predicate: r#"state = 'on' AND note <> "x""#.into(),
        };
        assert_eq!(
            t.to_pyspark("dyf"),
            r#"DynamicFrame.fromDF(dyf.toDF().filter("state = 'on' AND note <> \"x\""), glueContext, "filter")"#
        );
        let t = Transform::Map {
            columns: vec![DerivedColumn::new("n", "upper(name)")],
        };
        assert_eq!(
            t.to_pyspark("dyf"),
            r#"DynamicFrame.fromDF(dyf.toDF().withColumn("n", F.expr("upper(name)")), glueContext, "map")"#
        );
        let t = Transform::Aggregate {
            group_by: vec![GroupKey::new("month", "date_trunc('month', d)")],
            aggregates: vec![
                Agg::new("n", AggFunction::Count, None),
                Agg::new("ids", AggFunction::CountDistinct, Some("id")),
            ],
        };
        assert_eq!(
            t.to_pyspark("dyf"),
            r#"DynamicFrame.fromDF(dyf.toDF().groupBy(F.expr("date_trunc('month', d)").alias("month")).agg(F.count("*").alias("n"), F.countDistinct("id").alias("ids")), glueContext, "aggregate")"#
        );
    }

    #[test]
    fn every_transform_renders() {
        let all = [
            Transform::DropNullFields,
            Transform::SplitFields {
                paths: vec!["a".into()],
                name1: None,
                name2: None,
            },
            Transform::Relationalize {
                name: "root".into(),
                transformation_ctx: None,
            },
            Transform::ValueMapping {
                table: "codes".into(),
                column: "c".into(),
                from_column: "k".into(),
                to_column: "v".into(),
                unmapped: Unmapped::Fail,
            },
            Transform::Join {
                table: "t".into(),
                keys_left: vec!["a".into()],
                keys_right: vec!["b".into()],
                how: JoinHow::Left,
            },
        ];
        for t in all {
            let line = t.to_pyspark("dyf");
            assert!(line.contains("dyf"), "{line}");
            assert!(!line.contains('\n'), "{line}");
        }
    }
}
