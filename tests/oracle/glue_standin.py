"""A stand-in for the parts of AWS Glue's Python library that need Glue's JVM library.

AWS's `awsglue` package (installed in the oracle's venv) is a thin Python layer over Glue's ETL
jar, which is not obtainable outside AWS: `GlueContext(sc)` and `Job.init` fail with
`'JavaPackage' object is not callable`. To run an exported script *unchanged* on Apache Spark,
`install()` replaces, before the script runs, the classes that need the jar by the small ones
below, written from Glue's public documentation (the "AWS Glue PySpark extensions reference")
and not from the package's code. `getResolvedOptions` stays the real one.

What this models, over plain Spark DataFrames:
- `DynamicFrame`: a DataFrame with `toDF()`, `DynamicFrame.fromDF(df, glue_ctx, name)`,
  `show(num_rows)`, `count()`; its schema is the DataFrame's (no choice types).
- `GlueContext(sc)`: `spark_session`; `create_dynamic_frame.from_catalog` (the catalog is Spark's
  in-memory catalog, whose tables the test creates over local folders) and `.from_options` for
  S3 paths (`json`, `csv` with `withHeader`/`separator`/`quoteChar`, `parquet`), reading with
  Spark's readers; `write_dynamic_frame.from_catalog` / `.from_options` appending in the table's
  or the given format (`df.write.mode("append")`); `purge_s3_path`; the `*_from_catalog` /
  `*_from_options` method forms. S3 URIs map to folders under `S3_ROOT` (`s3://b/k` is
  `S3_ROOT/b/k`).
- `Job`: `init` and `commit` do nothing: there are no job bookmarks here (every run reads all
  its input, as a first run does).
- `ApplyMapping.apply(frame, mappings)`: a select of each source column cast to its target type
  and renamed (Glue's documented behaviour, without choice resolution).

- `write_dynamic_frame.from_jdbc_conf` (Redshift): the rows the job sends are appended, as JSON
  lines, to a local folder `REDSHIFT_ROOT/<dbtable>`. Its `preactions` / `postactions` are
  Redshift SQL (the exported upsert: a staging table merged into the target) and are not run.

Outside what this can check (these need Glue's own library and stay *modelled* in gluelab):
bookmark state, choice types and ResolveChoice, error records and stage/total thresholds,
Relationalize, JDBC reads, and what Redshift does with the rows (the upsert).
"""

import sys

from pyspark.context import SparkContext
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

S3_ROOT = None  # a pathlib.Path set by the test
REDSHIFT_ROOT = None  # likewise, for the rows sent to Redshift


def local(uri):
    """`s3://bucket/key` as a `file://` URI under S3_ROOT."""
    if not uri.startswith("s3://"):
        raise ValueError(f"the stand-in reads and writes s3:// paths only, not {uri!r}")
    return (S3_ROOT / uri[len("s3://") :]).as_uri()


def _spark():
    return SparkSession.builder.getOrCreate()


class DynamicFrame:
    def __init__(self, df, glue_ctx=None, name=""):
        self._df = df
        self.glue_ctx = glue_ctx
        self.name = name

    def toDF(self):
        return self._df

    @classmethod
    def fromDF(cls, dataframe, glue_ctx, name):
        return cls(dataframe, glue_ctx, name)

    def show(self, num_rows=20):
        self._df.show(num_rows)

    def count(self):
        return self._df.count()

    def printSchema(self):
        self._df.printSchema()


def _frame(df_or_frame):
    return df_or_frame.toDF() if isinstance(df_or_frame, DynamicFrame) else df_or_frame


def _read(fmt, paths, format_options=None):
    options = dict(format_options or {})
    reader = _spark().read
    if fmt == "json":
        return reader.json([local(p) for p in paths])
    if fmt == "csv":
        reader = reader.option("header", str(bool(options.get("withHeader", False))).lower())
        reader = reader.option("sep", options.get("separator", ","))
        reader = reader.option("quote", options.get("quoteChar", '"'))
        if "mode" in options:
            reader = reader.option("mode", options["mode"])
        return reader.csv([local(p) for p in paths])
    if fmt == "parquet":
        return reader.parquet(*[local(p) for p in paths])
    raise ValueError(f"the stand-in has no reader for format {fmt!r}")


def _write(df, fmt, path, format_options=None):
    writer = df.write.mode("append")
    if fmt == "csv":
        writer = writer.option("header", "true")
    writer.format(fmt).save(local(path))


def _catalog_table(database, table_name):
    """(format, location) of a table in Spark's in-memory catalog."""
    spark = _spark()
    rows = spark.sql(f"DESCRIBE TABLE EXTENDED `{database}`.`{table_name}`").collect()
    info = {r.col_name: r.data_type for r in rows}
    location = info["Location"]
    fmt = info["Provider"].lower()
    return fmt, location


class _Reader:
    def __init__(self, ctx):
        self._ctx = ctx

    def from_catalog(self, database=None, table_name=None, redshift_tmp_dir="", transformation_ctx="",
                     push_down_predicate="", additional_options=None, **kwargs):
        df = _spark().table(f"`{database}`.`{table_name}`")
        # Both predicates are Spark SQL over the partition columns (Glue prunes with them).
        for predicate in (push_down_predicate, (additional_options or {}).get("catalogPartitionPredicate", "")):
            if predicate:
                df = df.filter(predicate)
        return DynamicFrame(df, self._ctx, transformation_ctx)

    def from_options(self, connection_type=None, connection_options=None, format=None, format_options=None,
                     transformation_ctx="", **kwargs):
        if connection_type != "s3":
            raise ValueError(f"the stand-in reads S3 only, not {connection_type!r}")
        paths = (connection_options or {})["paths"]
        return DynamicFrame(_read(format, paths, format_options), self._ctx, transformation_ctx)


class _Writer:
    def __init__(self, ctx):
        self._ctx = ctx

    def from_catalog(self, frame=None, database=None, table_name=None, redshift_tmp_dir="", transformation_ctx="",
                     **kwargs):
        fmt, location = _catalog_table(database, table_name)
        _frame(frame).write.mode("append").format(fmt).save(location)
        return frame

    def from_options(self, frame=None, connection_type=None, connection_options=None, format=None,
                     format_options=None, transformation_ctx="", **kwargs):
        if connection_type != "s3":
            raise ValueError(f"the stand-in writes S3 only, not {connection_type!r}")
        _write(_frame(frame), format, connection_options["path"], format_options)
        return frame


    def from_jdbc_conf(self, frame=None, catalog_connection=None, connection_options=None, redshift_tmp_dir="",
                       transformation_ctx="", **kwargs):
        table = (connection_options or {})["dbtable"]
        _frame(frame).write.mode("append").json((REDSHIFT_ROOT / table).as_uri())
        return frame


class GlueContext:
    def __init__(self, sparkContext, **options):
        self._sc = sparkContext
        self.spark_session = _spark()
        self.create_dynamic_frame = _Reader(self)
        self.write_dynamic_frame = _Writer(self)

    def create_dynamic_frame_from_catalog(self, database, table_name, **kwargs):
        return self.create_dynamic_frame.from_catalog(database=database, table_name=table_name, **kwargs)

    def create_dynamic_frame_from_options(self, connection_type, connection_options=None, format=None, **kwargs):
        return self.create_dynamic_frame.from_options(connection_type, connection_options, format, **kwargs)

    def write_dynamic_frame_from_catalog(self, frame, database, table_name, **kwargs):
        return self.write_dynamic_frame.from_catalog(frame=frame, database=database, table_name=table_name, **kwargs)

    def write_dynamic_frame_from_options(self, frame, connection_type, connection_options=None, format=None, **kwargs):
        return self.write_dynamic_frame.from_options(frame, connection_type, connection_options, format, **kwargs)

    def purge_s3_path(self, s3_path, options=None, transformation_ctx=""):
        import shutil
        from urllib.parse import urlparse
        from urllib.request import url2pathname

        target = url2pathname(urlparse(local(s3_path)).path)
        shutil.rmtree(target, ignore_errors=True)


class Job:
    def __init__(self, glue_context):
        self.glue_context = glue_context

    def init(self, job_name, args=None):
        self.name = job_name

    def commit(self):
        pass


class ApplyMapping:
    @classmethod
    def apply(cls, frame, mappings, transformation_ctx="", info="", stageThreshold=0, totalThreshold=0, **kwargs):
        df = _frame(frame)
        columns = [
            F.col(f"`{source}`").cast(target_type).alias(target)
            for source, _source_type, target, target_type in mappings
        ]
        return DynamicFrame(df.select(*columns), getattr(frame, "glue_ctx", None), transformation_ctx)


def install():
    """Puts the stand-ins where an exported script imports them from."""
    import awsglue
    import awsglue.context
    import awsglue.dynamicframe
    import awsglue.job
    import awsglue.transforms

    awsglue.context.GlueContext = GlueContext
    awsglue.dynamicframe.DynamicFrame = DynamicFrame
    awsglue.DynamicFrame = DynamicFrame
    awsglue.job.Job = Job
    awsglue.transforms.ApplyMapping = ApplyMapping
    # `SparkContext()` twice in one process fails: a script's own `SparkContext()` gets the
    # session's context.
    sys.modules["pyspark.context"].SparkContext = _OneSparkContext
    sys.modules["pyspark"].SparkContext = _OneSparkContext


class _OneSparkContext(SparkContext):
    """`SparkContext()` in the script: the running context (a second one cannot start)."""

    def __new__(cls, *args, **kwargs):
        return SparkContext.getOrCreate()


__all__ = ["install", "DynamicFrame", "GlueContext", "Job", "ApplyMapping", "S3_ROOT", "DataFrame"]
