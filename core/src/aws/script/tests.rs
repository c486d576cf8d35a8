//! Unit tests of the translator pieces: arguments, sources, transforms, lambdas, sinks, errors.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::arrow::array::{ArrayRef, BooleanArray, Int64Array, RecordBatch, StringArray};
use crate::arrow::datatypes::{DataType, Field, Schema};

use super::*;
use crate::format::parquet_codec::ParquetCodec;
use crate::format::{CsvOptions, Format, ParseMode};
use crate::model::args::ArgumentRules;
use crate::model::bookmark::DEFAULT_MAX_BAND_MS;
use crate::model::job::{Listing, SinkMode, SinkOutput, SinkSpec, SourceInput, SourceSpec};
use crate::transform::{Mapping, Transform};

const HEAD: &str = "\
import sys
from awsglue.transforms import *
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from awsglue.context import GlueContext
from awsglue.job import Job

args = getResolvedOptions(sys.argv, ['JOB_NAME'])
sc = SparkContext()
glueContext = GlueContext(sc)
job = Job(glueContext)
job.init(args['JOB_NAME'], args)
";

fn arguments() -> BTreeMap<String, String> {
    [
        ("--JOB_NAME", "etl"),
        ("--job-bookmark-option", "job-bookmark-enable"),
        ("--SRC", "s3://raw/in"),
        ("--MIN_TS", "1609348014"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn plan(body: &str) -> Result<JobPlan, ScriptError> {
    plan_from_script(&format!("{HEAD}{body}"), &arguments(), Default::default())
}

/// The 1-based line of `body`'s line `n` (1-based) once HEAD is prepended.
fn body_line(n: usize) -> usize {
    HEAD.lines().count() + n
}

fn err(body: &str) -> ScriptError {
    plan(body).expect_err("the script should fail")
}

fn read_catalog() -> &'static str {
    "dyf = glueContext.create_dynamic_frame.from_catalog(database='db', table_name='t', transformation_ctx='src')\n"
}

#[test]
fn the_seed_script_gives_the_demo_plan() {
    let mut args = arguments();
    args.extend(
        [
            ("--GLUE_DATABASE_NAME", crate::demo::DATABASE),
            ("--SRC_GLUE_TABLE_NAME", crate::demo::SOURCE_TABLE),
            ("--DEST_GLUE_TABLE_NAME", crate::demo::SINK_TABLE),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let plan = plan_from_script(crate::demo::seed::SCRIPT_PY, &args, Default::default()).unwrap();
    assert_eq!(plan, crate::demo::devices_job().plan);
}

#[test]
fn get_resolved_options_validates_with_glues_messages() {
    let e = plan_from_script(
        "import sys\nfrom awsglue.utils import getResolvedOptions\n\n\
         args = getResolvedOptions(sys.argv,\n  ['JOB_NAME', 'NOPE', 'ALSO'])\n",
        &arguments(),
        Default::default(),
    )
    .unwrap_err();
    assert_eq!(e.line, 4);
    assert_eq!(
        e.message,
        "awsglue.utils.GlueArgumentError: the following arguments are required: --NOPE, --ALSO"
    );
    assert_eq!(
        e.to_string(),
        "line 4: awsglue.utils.GlueArgumentError: the following arguments are required: --NOPE, --ALSO"
    );

    let e = err("x = getResolvedOptions(sys.argv, ['job-bookmark-option'])\n");
    assert_eq!(e.message, "RuntimeError: Using reserved arguments job-bookmark-option");

    let mut bad = arguments();
    bad.insert("--job-bookmark-option".into(), "job-bookmark-on".into());
    let e = plan_from_script(HEAD, &bad, Default::default()).unwrap_err();
    assert_eq!(e.line, 8);
    assert!(
        e.message
            .starts_with("awsglue.utils.GlueArgumentError: argument --job-bookmark-option: invalid choice"),
        "{e}"
    );
}

#[test]
fn resolved_options_are_the_real_dict() {
    let mut given = arguments();
    given.remove("--job-bookmark-option");
    given.insert("--JOB_ID".into(), "j_1".into());
    given.insert("--TempDir".into(), "s3://tmp/".into());
    given.insert("--target-path".into(), "s3://out/".into());
    given.insert("--continuation-option".into(), "continuation-readonly".into());
    let source = "import sys\nfrom awsglue.utils import getResolvedOptions\n\
                  args = getResolvedOptions(sys.argv, ['JOB_NAME', 'target-path'])\n";
    // `args[value]` fails with the value's repr: what the script read.
    let shown = |expr: &str| {
        plan_from_script(&format!("{source}x = args[{expr}]\n"), &given, Default::default())
            .unwrap_err()
            .message
    };
    for (expr, value) in [
        ("args['job_bookmark_option']", "'job-bookmark-pause'"),
        ("args['JOB_ID']", "'j_1'"),
        ("args['RedshiftTempDir']", "'s3://tmp/'"),
        ("args['target_path']", "'s3://out/'"),
        ("args['SECURITY_CONFIGURATION']", "None"),
        ("args['enable_data_lineage']", "None"),
    ] {
        let message = shown(expr);
        assert!(
            message.starts_with(&format!("KeyError: {value} (")),
            "{expr}: {message}"
        );
    }
    let shown = |expr: &str| {
        plan_from_script(&format!("{source}x = {expr}\n"), &given, Default::default())
            .unwrap_err()
            .message
    };
    assert_eq!(
        shown("args['target-path']"),
        "KeyError: 'target-path' (argparse keys --target-path as 'target_path')"
    );
    let e = plan_from_script(
        "import sys\nfrom awsglue.utils import getResolvedOptions\nargs = getResolvedOptions(sys.argv, ['JOB_ID'])\n",
        &given,
        Default::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "argparse.ArgumentError: argument --JOB_ID: conflicting option string: --JOB_ID"
    );
}

#[test]
fn args_holds_the_requested_options_and_the_reserved_ones() {
    let p =
        plan("a = getResolvedOptions(sys.argv, ['SRC'])\nsrc = a['SRC']\nopt = a['job_bookmark_option']\n").unwrap();
    assert_eq!(p.required_arguments, ["JOB_NAME", "SRC"]);
    let e = err("x = args['SRC']\n");
    assert_eq!(e.line, body_line(1));
    assert_eq!(
        e.message,
        "KeyError: 'SRC' (getResolvedOptions returns only the options it was asked for)"
    );
}

#[test]
fn from_catalog_with_keywords_or_positions() {
    let p = plan(read_catalog()).unwrap();
    assert_eq!(p.sources, [SourceSpec::catalog("db", "t", Some("src"))]);
    let p = plan("dyf = glueContext.create_dynamic_frame_from_catalog('db', 't', '', 'src')\n").unwrap();
    assert_eq!(p.sources, [SourceSpec::catalog("db", "t", Some("src"))]);
    // No (or an empty) transformation_ctx: never bookmarked.
    let p = plan(
        "dyf = glueContext.create_dynamic_frame.from_catalog(database='db', table_name='t', transformation_ctx='')\n",
    )
    .unwrap();
    assert_eq!(p.sources[0].transformation_ctx, None);
    let p = plan(
        "dyf = glueContext.create_dynamic_frame.from_catalog(database='db', table_name='t', \
         additional_options={'maxBand': 60000})\n",
    )
    .unwrap();
    assert_eq!(
        (p.sources[0].transformation_ctx.clone(), p.sources[0].max_band),
        (None, 60000)
    );
}

#[test]
fn from_options_s3_csv_with_header() {
    let p = plan(
        "src = args_src = 's3://raw/in'\n\
         dyf = glueContext.create_dynamic_frame.from_options(\n\
         \x20   connection_type='s3',\n\
         \x20   connection_options={'paths': [f'{src}/csv'], 'recurse': True, 'maxBand': '120000'},\n\
         \x20   format='csv',\n\
         \x20   format_options={'withHeader': True, 'separator': ';', 'quoteChar': '-1'},\n\
         \x20   transformation_ctx='raw')\n",
    )
    .unwrap();
    let expected = SourceSpec {
        input: SourceInput::S3 {
            path: "s3://raw/in/csv".into(),
            format: Format::Csv,
            csv: CsvOptions::default()
                .with_header(true)
                .with_separator(b';')
                .with_quote(None),
        },
        transformation_ctx: Some("raw".into()),
        max_band: 120_000,
        mode: Default::default(),
        listing: Listing {
            recurse: true,
            ..Default::default()
        },
    };
    assert_eq!(p.sources, [expected]);

    let p = plan("d = glueContext.create_dynamic_frame.from_options('s3', {'paths': ['s3://b/p']}, 'json')\n").unwrap();
    assert!(matches!(
        &p.sources[0].input,
        SourceInput::S3 {
            format: Format::Json,
            ..
        }
    ));
    assert_eq!(
        (p.sources[0].transformation_ctx.clone(), p.sources[0].max_band),
        (None, DEFAULT_MAX_BAND_MS)
    );
}

#[test]
fn csv_multi_line_and_the_parse_mode_reach_the_source() {
    let source = |text: &str| {
        plan(&format!("d = glueContext.create_dynamic_frame.{text}\n"))
            .unwrap()
            .sources[0]
            .clone()
    };
    let csv = |s: &SourceSpec| match &s.input {
        SourceInput::S3 { csv, .. } => csv.clone(),
        other => panic!("{other:?}"),
    };
    let a = source(
        "from_options('s3', {'paths': ['s3://b/a']}, 'csv', format_options={'multiLine': True, 'mode': 'DROPMALFORMED'})",
    );
    assert!(csv(&a).multi_line);
    assert_eq!(a.mode, ParseMode::DropMalformed);
    let b = source("from_options('s3', {'paths': ['s3://b/b']}, 'csv', format_options={'multiLine': 'false'})");
    assert_eq!(csv(&b), CsvOptions::default(), "Glue's default: multiLine False");
    assert_eq!(b.mode, ParseMode::Permissive);
    let c = source("from_catalog(database='db', table_name='t', additional_options={'mode': 'failfast'})");
    assert_eq!(c.mode, ParseMode::FailFast);
    let e = err(
        "d = glueContext.create_dynamic_frame.from_options('s3', {'paths': ['s3://b/p']}, 'csv', \
         format_options={'mode': 'LENIENT'})\n",
    );
    assert!(
        e.message
            .contains("\"mode\" must be PERMISSIVE, DROPMALFORMED or FAILFAST"),
        "{e}"
    );
    // JSON lines have no multi-line records in gluelab.
    let e = err(
        "d = glueContext.create_dynamic_frame.from_options('s3', {'paths': ['s3://b/p']}, 'json', \
         format_options={'multiLine': True})\n",
    );
    assert!(e.message.contains("\"multiLine\""), "{e}");
}

#[test]
fn listing_options_are_read_as_glue_takes_them() {
    let p = plan(
        "d = glueContext.create_dynamic_frame.from_options('s3', {'paths': ['s3://b/p/'], 'boundedFiles': '500', \
         'boundedSize': '1000000000', 'exclusions': '[\"**.tmp\", \"s3://b/p/old/**\"]', 'recurse': True, \
         'groupFiles': 'inPartition', 'groupSize': '1048576'}, 'json', transformation_ctx='src')\n",
    )
    .unwrap();
    assert_eq!(
        p.sources[0].listing,
        Listing {
            bounded_files: Some(500),
            bounded_size: Some(1_000_000_000),
            exclusions: vec!["**.tmp".into(), "s3://b/p/old/**".into()],
            recurse: true,
            ..Listing::default()
        }
    );
    let p = plan(
        "c = glueContext.create_dynamic_frame.from_catalog(database='db', table_name='t', transformation_ctx='c', \
         additional_options={'boundedFiles': '2'})\n",
    )
    .unwrap();
    assert_eq!(p.sources[0].listing.bounded_files, Some(2));
    let read = |options: &str| {
        err(&format!(
            "d = glueContext.create_dynamic_frame.from_options('s3', {{'paths': ['s3://b/p'], {options}}}, 'json')\n"
        ))
        .message
    };
    // Glue documents the bounds as strings ("need to be string").
    let e = read("'boundedFiles': 500");
    assert!(
        e.contains("\"boundedFiles\" must be a string, as Glue takes it, not 500"),
        "{e}"
    );
    let e = read("'boundedSize': '-1'");
    assert!(
        e.contains("boundedSize must be a positive whole number of bytes"),
        "{e}"
    );
    let e = read("'exclusions': '**.tmp'");
    assert!(e.contains("exclusions must be a JSON list of globs in a string"), "{e}");
    let e = read("'exclusions': '[\"{a,{b}}\"]'");
    assert!(e.contains("groups cannot nest"), "{e}");
}

/// A catalog read's partition predicates: `push_down_predicate` and the additional option
/// `catalogPartitionPredicate` (a string, as Glue takes it).
#[test]
fn partition_predicates_reach_the_plan() {
    let plan = plan(
        "d = glueContext.create_dynamic_frame.from_catalog(database='db', table_name='t', \
         push_down_predicate=\"year = '2026'\", additional_options={'catalogPartitionPredicate': \"month > '06'\"}, \
         transformation_ctx='src')\n",
    )
    .unwrap();
    let listing = &plan.sources[0].listing;
    assert_eq!(listing.push_down_predicate.as_deref(), Some("year = '2026'"));
    assert_eq!(listing.catalog_partition_predicate.as_deref(), Some("month > '06'"));
    let e = err(
        "d = glueContext.create_dynamic_frame.from_catalog(database='db', table_name='t', \
         additional_options={'catalogPartitionPredicate': 6})\n",
    );
    assert!(
        e.message.contains("\"catalogPartitionPredicate\" must be a string"),
        "{e}"
    );
}

/// The reads job bookmarks never track are named as such (GLUE-SEMANTICS.md §1.4).
#[test]
fn never_bookmarked_reads_say_so() {
    let e = err("df = glueContext.spark_session.read.format('delta').load('s3://b/t')\n");
    assert!(e.message.contains("which job bookmarks never track"), "{e}");
    let e = err("df = glueContext.create_data_frame.from_catalog(database='db', table_name='t')\n");
    assert!(e.message.contains("which job bookmarks never track"), "{e}");
    let e = err("d = glueContext.create_dynamic_frame.from_options('s3', {'paths': ['s3://b/p']}, 'hudi')\n");
    assert!(
        e.message
            .starts_with("format=\"hudi\": job bookmarks are not supported for Apache Hudi tables"),
        "{e}"
    );
}

/// Glue 6.0's getResolvedOptions refuses an abbreviated name where 5.x takes it.
#[test]
fn glue_6_scripts_need_full_argument_names() {
    let script = "import sys\nfrom awsglue.utils import getResolvedOptions\nargs = getResolvedOptions(sys.argv, ['tenant_id'])\n";
    let given = BTreeMap::from([("--ten".to_string(), "acme".to_string())]);
    assert!(plan_from_script(script, &given, ArgumentRules::Abbreviations).is_ok());
    let e = plan_from_script(script, &given, ArgumentRules::FullNames).unwrap_err();
    assert_eq!(
        e.message,
        "awsglue.utils.GlueArgumentError: the following arguments are required: --tenant_id"
    );
}

#[test]
fn unmodelled_read_options_fail_by_name() {
    let e = err(
        "d = glueContext.create_dynamic_frame.from_options('s3', {'paths': ['s3://b/p'], 'excludeStorageClasses': ['GLACIER']}, \
         'json')\n",
    );
    assert_eq!(e.line, body_line(1));
    assert!(e.message.contains("\"excludeStorageClasses\""), "{e}");
    assert!(e.message.ends_with(NOT_SUPPORTED), "{e}");
    let e = err("d = glueContext.create_dynamic_frame.from_options('jdbc', {}, 'json')\n");
    assert!(e.message.starts_with("connection_type=\"jdbc\""), "{e}");
    let e = err("d = glueContext.create_dynamic_frame.from_options('s3', {'paths': ['s3://b/p']}, 'orc')\n");
    assert!(e.message.starts_with("format=\"orc\""), "{e}");
    let e = err(
        "d = glueContext.create_dynamic_frame.from_options('s3', {'paths': ['s3://b/p']}, 'json', \
         push_down_predicate=\"y='1'\")\n",
    );
    assert!(
        e.message
            .starts_with("`push_down_predicate=\"y='1'\"` in create_dynamic_frame.from_options()"),
        "{e}"
    );
    let e = err(
        "d = glueContext.create_dynamic_frame.from_options('s3', {'paths': ['s3://b/p'], \
         'catalogPartitionPredicate': \"y='1'\"}, 'json')\n",
    );
    assert!(e.message.contains("\"catalogPartitionPredicate\" on an S3 path"), "{e}");
    let e = err("d = glueContext.create_dynamic_frame.from_catalog(database='db', table='t')\n");
    assert_eq!(
        e.message,
        "TypeError: create_dynamic_frame.from_catalog() got an unexpected keyword argument 'table'"
    );
}

#[test]
fn transforms_in_both_forms() {
    let p = plan(&format!(
        "{}m = ApplyMapping.apply(frame=dyf, mappings=[('device_id', 'string', 'id', 'string'), \
         ('timestamp', 'bigint', 'ts', 'bigint')], transformation_ctx='map')\n\
         d = m.drop_fields(['x'])\n\
         s = SelectFields.apply(d, ['id', 'ts'])\n\
         r = RenameField.apply(frame=s, old_name='ts', new_name='at')\n\
         r2 = r.rename_field('id', 'device')\n\
         f = Filter.apply(frame=r2, f=lambda row: row['at'] > 5)\n\
         f.show()\n\
         df = f.toDF()\n\
         df.show(3)\n\
         g = DynamicFrame.fromDF(df, glueContext, 'g') if False else f\n",
        read_catalog()
    ));
    // The conditional expression on the last line is outside the subset.
    let e = p.unwrap_err();
    assert_eq!(e.line, body_line(11));
    assert!(e.message.contains("a conditional expression"), "{e}");

    let p = plan(&format!(
        "{}m = ApplyMapping.apply(frame=dyf, mappings=[('device_id', 'string', 'id', 'string'), \
         ('timestamp', 'bigint', 'ts', 'bigint')], transformation_ctx='map')\n\
         d = m.drop_fields(['x'])\n\
         s = SelectFields.apply(d, ['id', 'ts'])\n\
         r = RenameField.apply(frame=s, old_name='ts', new_name='at')\n\
         r2 = r.rename_field('id', 'device')\n\
         f = Filter.apply(frame=r2, f=lambda row: row['at'] > 5)\n\
         f.show()\n\
         df = f.toDF()\n\
         df.show(3)\n",
        read_catalog()
    ))
    .unwrap();
    assert_eq!(
        p.transforms.iter().map(|s| s.transform.clone()).collect::<Vec<_>>(),
        [
            Transform::ApplyMapping {
                mappings: vec![
                    Mapping::new("device_id", "string", "id", "string"),
                    Mapping::new("timestamp", "bigint", "ts", "bigint")
                ]
            },
            Transform::DropFields {
                paths: vec!["x".into()]
            },
            Transform::SelectFields {
                paths: vec!["id".into(), "ts".into()]
            },
            Transform::RenameField {
                old_name: "ts".into(),
                new_name: "at".into()
            },
            Transform::RenameField {
                old_name: "id".into(),
                new_name: "device".into()
            },
            Transform::Filter {
                predicate: "(\"at\" > 5)".into()
            },
            Transform::Show { rows: 20 },
            Transform::Show { rows: 3 },
        ]
    );
}

#[test]
fn relationalize_gives_a_collection_whose_tables_sinks_write() {
    let p = plan(&format!(
        "{}dfc = Relationalize.apply(frame=dyf, staging_path='s3://tmp/', name='orders', transformation_ctx='rel')\n\
         root = dfc.select('orders')\n\
         items = SelectFromCollection.apply(dfc=dfc, key='orders_items')\n\
         flat = root.drop_fields(['note'])\n\
         glueContext.write_dynamic_frame.from_catalog(frame=flat, database='db', table_name='flat')\n\
         glueContext.write_dynamic_frame.from_catalog(frame=items, database='db', table_name='items')\n\
         job.commit()\n",
        read_catalog()
    ))
    .unwrap();
    assert_eq!(
        p.transforms[0].transform,
        Transform::Relationalize {
            name: "orders".into(),
            transformation_ctx: Some("rel".into())
        }
    );
    assert_eq!(p.sinks[0].collection_key, None);
    assert_eq!(p.sinks[1].collection_key.as_deref(), Some("orders_items"));

    // The method form, and its default-free root name.
    let p = plan(&format!(
        "{}dfc = dyf.relationalize('root', 's3://tmp/')\n\
         glueContext.write_dynamic_frame.from_catalog(frame=dfc.select('root_tags'), database='db', table_name='tags')\n",
        read_catalog()
    ))
    .unwrap();
    assert_eq!(
        p.transforms[0].transform,
        Transform::Relationalize {
            name: "root".into(),
            transformation_ctx: None
        }
    );
    assert_eq!(p.sinks[0].collection_key.as_deref(), Some("root_tags"));

    // A child table is written as it is; keys() depends on the data.
    let e = err(&format!(
        "{}dfc = Relationalize.apply(frame=dyf, staging_path='s3://tmp/')\n\
         x = dfc.select('roottable_tags').drop_fields(['id'])\n",
        read_catalog()
    ));
    assert!(e.message.contains("child table roottable_tags"), "{e}");
    let e = err(&format!(
        "{}dfc = dyf.relationalize('r', 's3://tmp/')\nnames = dfc.keys()\n",
        read_catalog()
    ));
    assert!(e.message.contains("keys()"), "{e}");
}

#[test]
fn mappings_must_be_glues_four_tuples() {
    let e = err(&format!(
        "{}m = ApplyMapping.apply(frame=dyf, mappings=[('a', 'string', 'b')])\n",
        read_catalog()
    ));
    assert_eq!(e.line, body_line(2));
    assert!(
        e.message.starts_with("the mapping ('a', 'string', 'b') (3 items"),
        "{e}"
    );
}

fn translate(lambda: &str) -> Result<String, ScriptError> {
    let p = plan(&format!("{}f = Filter.apply(frame=dyf, f={lambda})\n", read_catalog()))?;
    let transforms: Vec<&Transform> = p.transforms.iter().map(|s| &s.transform).collect();
    match transforms.as_slice() {
        [Transform::Filter { predicate }] => Ok(predicate.clone()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn filter_lambdas_translate_to_sql() {
    assert_eq!(
        translate("lambda x: x['state'] == True and x['timestamp'] > 1609348014").unwrap(),
        "((\"state\" = TRUE) AND (\"timestamp\" > 1609348014))"
    );
    assert_eq!(
        translate("lambda r: not r.state or r.get('device_id') in ['a', \"b'c\"]").unwrap(),
        "((NOT \"state\") OR (\"device_id\" IN ('a', 'b''c')))"
    );
    assert_eq!(
        translate("lambda x: x['device_id'] is not None and 0 <= x['n'] * 2 < 10").unwrap(),
        "((\"device_id\" IS NOT NULL) AND ((0 <= (\"n\" * 2)) AND ((\"n\" * 2) < 10)))"
    );
    assert_eq!(
        translate("lambda x: x['timestamp'] >= int(args['JOB_NAME'] == 'etl' or 0)")
            .unwrap_err()
            .message,
        "`args['JOB_NAME'] == 'etl' or 0` (`and` / `or`) is not supported by gluelab's script runner"
    );
    assert_eq!(translate("lambda x: x['n'] != -1.5").unwrap(), "(\"n\" <> -1.5)");
    assert_eq!(translate("lambda x: x['a'] == None").unwrap(), "(\"a\" IS NULL)");
    let e = translate("lambda x: x['name'].startswith('a')").unwrap_err();
    assert_eq!(e.line, body_line(2));
    assert_eq!(
        e.message,
        "`x['name'].startswith('a')` in a Filter lambda is not supported by gluelab's script runner"
    );
    let e = translate("lambda x, y: True").unwrap_err();
    assert!(e.message.starts_with("a lambda without exactly one parameter"), "{e}");
}

#[test]
fn translated_predicates_run_on_frames() {
    let schema = Arc::new(Schema::new(vec![
        Field::new("device_id", DataType::Utf8, true),
        Field::new("timestamp", DataType::Int64, true),
        Field::new("state", DataType::Boolean, true),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(vec![Some("a"), Some("b"), None])),
        Arc::new(Int64Array::from(vec![1609348015, 1609348013, 1609348020])),
        Arc::new(BooleanArray::from(vec![true, true, false])),
    ];
    let batch = RecordBatch::try_new(schema, columns).unwrap();
    let mask = |lambda: &str| {
        let predicate = translate(lambda).unwrap();
        let mask = crate::query::predicate_mask(&batch, &predicate).unwrap();
        mask.iter().map(|m| m == Some(true)).collect::<Vec<_>>()
    };
    assert_eq!(
        mask("lambda x: x['state'] == True and x['timestamp'] > 1609348014"),
        [true, false, false]
    );
    assert_eq!(
        mask("lambda x: x.device_id is None or x.device_id in ('b',)"),
        [false, true, true]
    );
    assert_eq!(mask("lambda x: not x['state']"), [false, false, true]);
}

#[test]
fn sinks_from_catalog_and_s3() {
    let p = plan(&format!(
        "{}glueContext.write_dynamic_frame.from_catalog(frame=dyf, database='db', table_name='out', \
         transformation_ctx='sink')\n\
         glueContext.write_dynamic_frame.from_options(frame=dyf, connection_type='s3', \
         connection_options={{'path': 's3://out/p', 'partitionKeys': []}}, format='glueparquet', \
         format_options={{'compression': 'snappy'}})\n\
         job.commit()\n",
        read_catalog()
    ))
    .unwrap();
    assert_eq!(
        p.sinks,
        [
            SinkSpec::catalog("db", "out", Some("sink")),
            SinkSpec {
                output: SinkOutput::S3 {
                    path: "s3://out/p".into(),
                    format: Format::Parquet
                },
                transformation_ctx: None,
                mode: SinkMode::Append,
                compression: Some(ParquetCodec::Snappy),
                collection_key: None,
            }
        ]
    );
    assert!(p.commits);
    let p = plan(read_catalog()).unwrap();
    assert!(!p.commits, "no job.commit(): no bookmark is saved");
}

#[test]
fn plans_must_stay_linear() {
    let two_sources = format!("{0}{0}", read_catalog());
    let e = err(&two_sources);
    assert_eq!(e.line, body_line(2));
    assert!(e.message.starts_with("a second source"), "{e}");

    let e = err(&format!(
        "{}a = dyf.drop_fields(['x'])\nb = dyf.drop_fields(['y'])\n",
        read_catalog()
    ));
    assert_eq!(e.line, body_line(3));
    assert_eq!(
        e.message,
        "transforming `dyf`, a frame from before a later transform (a branching plan), is not supported by \
         gluelab's script runner"
    );

    let e = err(&format!(
        "{}a = dyf.drop_fields(['x'])\nglueContext.write_dynamic_frame.from_catalog(frame=dyf, database='d', \
         table_name='t')\n",
        read_catalog()
    ));
    assert_eq!(e.line, body_line(3));
    assert!(
        e.message
            .starts_with("writing `dyf`, a frame from before a later transform"),
        "{e}"
    );

    let e = err(&format!(
        "{}glueContext.write_dynamic_frame.from_catalog(frame=dyf, database='d', table_name='t')\n\
         a = dyf.drop_fields(['x'])\n",
        read_catalog()
    ));
    assert!(e.message.starts_with("drop_fields after a write"), "{e}");

    let e = err(&format!(
        "{}glueContext.write_dynamic_frame.from_catalog(frame=dyf.toDF(), database='d', table_name='t')\n",
        read_catalog()
    ));
    assert!(
        e.message
            .starts_with("TypeError: write_dynamic_frame.from_catalog() needs a DynamicFrame"),
        "{e}"
    );
}

#[test]
fn reading_needs_job_init() {
    let e = plan_from_script(
        "from awsglue.context import GlueContext\nfrom pyspark.context import SparkContext\n\
         g = GlueContext(SparkContext.getOrCreate())\n\
         d = g.create_dynamic_frame.from_catalog(database='db', table_name='t')\n",
        &arguments(),
        Default::default(),
    )
    .unwrap_err();
    assert_eq!(e.line, 4);
    assert!(
        e.message
            .starts_with("reading with create_dynamic_frame.from_catalog() before job.init() (job bookmarks need"),
        "{e}"
    );
    let e = err("job2 = Job(glueContext)\njob2.init('other', args)\n");
    assert!(
        e.message
            .starts_with("job.init('other') with a name other than the run's JOB_NAME 'etl'"),
        "{e}"
    );
}

#[test]
fn outside_the_subset_names_the_line_and_the_thing() {
    let e = err("spark = glueContext.spark_session\ndf = spark.read.json(\n  's3://x/y')\n");
    assert_eq!(e.line, body_line(2));
    assert!(
        e.message
            .starts_with("`spark.read.json(...)` reads a Spark DataFrame, which job bookmarks never track"),
        "{e}"
    );

    let e = err("for p in ['a']:\n    pass\n");
    assert_eq!(
        (e.line, e.message.as_str()),
        (body_line(1), "a `for` loop is not supported by gluelab's script runner")
    );
    let e = err("def f(x):\n    return x\n");
    assert!(e.message.starts_with("a function definition (`def`)"), "{e}");
    let e = err("import boto3\n");
    assert!(e.message.starts_with("`import boto3`"), "{e}");
    let e = err("print('hi')\n");
    assert_eq!(e.message, "`print(...)` is not supported by gluelab's script runner");
    let e = err(&format!("{}n = dyf.count()\n", read_catalog()));
    assert_eq!(
        e.message,
        "`dyf.count(...)` is not supported by gluelab's script runner"
    );
    let e = err("x = ResolveChoice.apply(frame=None, choice='make_cols')\n");
    assert_eq!(
        e.message,
        "`ResolveChoice.apply(...)` is not supported by gluelab's script runner"
    );
    let e = err("x = sys.path\n");
    assert_eq!(e.message, "`sys.path` is not supported by gluelab's script runner");
    let e = err("x = undefined_name\n");
    assert_eq!(e.message, "NameError: name 'undefined_name' is not defined");
}

#[test]
fn syntax_errors_name_the_parsers_line() {
    let e = plan_from_script(
        "import sys\n\nargs = getResolvedOptions(sys.argv, ['JOB_NAME'\nsc = 1\n",
        &arguments(),
        Default::default(),
    )
    .unwrap_err();
    assert!(e.message.starts_with("SyntaxError: "), "{e}");
    assert!(e.line == 3 || e.line == 4, "{e}");
    let e = plan_from_script("x = 1\ny = = 2\n", &arguments(), Default::default()).unwrap_err();
    assert_eq!(e.line, 2, "{e}");
}

#[test]
fn commit_needs_init_and_ends_the_plan() {
    let e = plan_from_script(
        "from awsglue.job import Job\nfrom awsglue.context import GlueContext\n\
         from pyspark.context import SparkContext\njob = Job(GlueContext(SparkContext()))\njob.commit()\n",
        &arguments(),
        Default::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 5: job.commit() before job.init() is not supported by gluelab's script runner"
    );
    let e = err(&format!("job.commit()\n{}", read_catalog()));
    assert!(
        e.message
            .starts_with("reading with create_dynamic_frame.from_catalog() after job.commit()"),
        "{e}"
    );
}

#[test]
fn plain_python_values() {
    let p = plan(
        "db, table = ('d' + 'b', \"t\")\nctx: str = f\"{table}_{1 + 2}\"\n\
         dyf = glueContext.create_dynamic_frame.from_catalog(database=db, table_name=table, transformation_ctx=ctx, \
         additional_options={'maxBand': int('5') * 1000})\n",
    )
    .unwrap();
    assert_eq!(p.sources[0].transformation_ctx.as_deref(), Some("t_3"));
    assert_eq!(p.sources[0].max_band, 5000);
    assert!(
        matches!(&p.sources[0].input, crate::model::job::SourceInput::Catalog { database, .. } if database == "db")
    );
}
