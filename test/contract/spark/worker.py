"""One long-lived Spark session with Delta Lake, answering statements over stdin/stdout.

Each request is a JSON line {"id", "op", ...}; each answer a JSON line {"id", "ok", ...}. Spark is
slow to start and each statement's planning is warm only in the same JVM, so the contract run keeps
this process for all of its statements.

ops:
  sql      {"sql", "params": [{"name", "type", "value"}]}: spark.sql(text, args) with each named
           parameter bound as a typed literal, the way a Databricks SQL warehouse binds the
           driver's TSparkParameter (type name plus value as text).
  versions {}: Spark and Delta versions.
  clock    {"ms"}: the warehouse clock from now on: current_timestamp() is this instant (the
           simulated world's now), as the embedded warehouse's is.
"""

import base64
import datetime
import decimal
import json
import math
import os
import sys
import traceback

from pyspark.sql import SparkSession
from pyspark.sql import types as T


def start_session():
    work = os.environ["PF_SPARK_DIR"]
    jars = os.environ["PF_DELTA_JARS"]
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("postflight-contract")
        .config("spark.jars", jars)
        # Delta Lake, and the simulated world's clock as the warehouse clock (spark/clock/).
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension,postflight.contract.SimulatedClock")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.warehouse.dir", os.path.join(work, "warehouse"))
        # A table created without USING is a Delta table, as on Databricks.
        .config("spark.sql.sources.default", "delta")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.driver.memory", os.environ.get("PF_SPARK_MEMORY", "2g"))
        # Databricks SQL warehouses run with ANSI mode on: overflow, bad casts and division by
        # zero are errors, not NULLs.
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.local.dir", os.path.join(work, "tmp"))
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def bind(spark, params):
    """TSparkParameter -> a typed literal: the value comes as text, the type by name."""
    from pyspark.sql import functions as F

    jvm_lit = spark._jvm.org.apache.spark.sql.functions.lit
    from pyspark.sql.classic.column import Column

    args = {}
    for p in params:
        name, kind, text = p["name"], p.get("type"), p.get("value")
        if kind is None or text is None:
            args[name] = None
            continue
        kind = kind.upper()
        if kind in ("BIGINT", "LONG"):
            args[name] = Column(jvm_lit(spark._jvm.java.lang.Long.valueOf(str(int(text)))))
        elif kind in ("INT", "INTEGER"):
            args[name] = Column(jvm_lit(spark._jvm.java.lang.Integer.valueOf(str(int(text)))))
        elif kind == "SMALLINT":
            args[name] = Column(jvm_lit(spark._jvm.java.lang.Short.valueOf(str(int(text)))))
        elif kind == "TINYINT":
            args[name] = Column(jvm_lit(spark._jvm.java.lang.Byte.valueOf(str(int(text)))))
        elif kind in ("DOUBLE", "FLOAT"):
            args[name] = F.lit(float(text))
        elif kind == "BOOLEAN":
            args[name] = F.lit(text.upper() == "TRUE")
        elif kind == "STRING":
            args[name] = F.lit(text)
        elif kind == "DECIMAL":
            args[name] = F.lit(decimal.Decimal(text))
        elif kind == "DATE":
            args[name] = F.lit(datetime.date.fromisoformat(text[:10]))
        else:
            raise ValueError(f"parameter :{name} has type {kind}, which this endpoint does not bind")
    return args


def ts_text(v):
    """Timestamps as the Spark Thrift server prints them: UTC, fraction trimmed."""
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        s = v.strftime("%Y-%m-%d %H:%M:%S")
        if v.microsecond:
            s += ("." + f"{v.microsecond:06d}").rstrip("0")
        return s
    return str(v)


def nested(v, t):
    """A value inside a complex column, as JSON sees it."""
    if v is None:
        return None
    if isinstance(t, T.StructType):
        return {f.name: nested(v[f.name], f.dataType) for f in t.fields}
    if isinstance(t, T.MapType):
        return {str(k): nested(x, t.valueType) for k, x in v.items()}
    if isinstance(t, T.ArrayType):
        return [nested(x, t.elementType) for x in v]
    if isinstance(t, (T.TimestampType, T.TimestampNTZType)):
        return ts_text(v)
    if isinstance(t, T.DateType):
        return v.isoformat()
    if isinstance(t, T.DecimalType):
        return float(v)
    if isinstance(t, T.BinaryType):
        return base64.b64encode(bytes(v)).decode()
    if isinstance(t, (T.DoubleType, T.FloatType)) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def wire(v, t):
    """A top-level value for the column set: text where Thrift carries text."""
    if v is None:
        return None
    if isinstance(t, (T.StructType, T.MapType, T.ArrayType)):
        return json.dumps(nested(v, t), separators=(",", ":"), allow_nan=False)
    if isinstance(t, (T.TimestampType, T.TimestampNTZType)):
        return ts_text(v)
    if isinstance(t, T.DateType):
        return v.isoformat()
    if isinstance(t, (T.LongType, T.DecimalType)):
        return str(v)
    if isinstance(t, T.BinaryType):
        return base64.b64encode(bytes(v)).decode()
    if isinstance(t, (T.DoubleType, T.FloatType)) and (math.isnan(v) or math.isinf(v)):
        return str(v)
    return v


def type_name(t):
    """The TTypeId name the Spark Thrift server gives the type (complex types included)."""
    names = {
        T.BooleanType: "BOOLEAN",
        T.ByteType: "TINYINT",
        T.ShortType: "SMALLINT",
        T.IntegerType: "INT",
        T.LongType: "BIGINT",
        T.FloatType: "FLOAT",
        T.DoubleType: "DOUBLE",
        T.StringType: "STRING",
        T.TimestampType: "TIMESTAMP",
        T.TimestampNTZType: "TIMESTAMP",
        T.DateType: "DATE",
        T.DecimalType: "DECIMAL",
        T.BinaryType: "BINARY",
        T.ArrayType: "ARRAY",
        T.MapType: "MAP",
        T.StructType: "STRUCT",
        T.NullType: "NULL",
    }
    for cls, name in names.items():
        if isinstance(t, cls):
            return name
    return "STRING"


def run_sql(spark, req):
    df = spark.sql(req["sql"], args=bind(spark, req.get("params", [])))
    fields = df.schema.fields
    rows = df.collect()
    return {
        "columns": [{"name": f.name, "type": type_name(f.dataType), "spark": f.dataType.simpleString()} for f in fields],
        "rows": [[wire(r[i], f.dataType) for i, f in enumerate(fields)] for r in rows],
    }


def error_of(e):
    """Spark's error class and SQLSTATE where it has them, as a warehouse reports them."""
    # The first line is what a warehouse shows; the rest is Spark's plan of the statement.
    out = {"message": str(e).strip().split("\n")[0]}
    for attr, key in (("getCondition", "errorClass"), ("getSqlState", "sqlState")):
        f = getattr(e, attr, None)
        if callable(f):
            try:
                value = f()
            except Exception:  # noqa: BLE001 - an error without the field
                value = None
            if value:
                out[key] = value
    return out


def main():
    spark = start_session()
    out = sys.stdout
    out.write(json.dumps({"id": 0, "ok": True, "ready": True, "spark": spark.version}) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            if req["op"] == "sql":
                res = run_sql(spark, req)
            elif req["op"] == "clock":
                spark.conf.set("postflight.contract.clock_ms", str(int(req["ms"])))
                res = {}
            elif req["op"] == "versions":
                from importlib.metadata import version

                res = {"spark": spark.version, "delta": version("delta-spark")}
            else:
                raise ValueError(f"unknown op {req['op']}")
            answer = {"id": req["id"], "ok": True, **res}
        except Exception as e:  # noqa: BLE001 - every failure is an answer
            answer = {"id": req["id"], "ok": False, **error_of(e)}
            if os.environ.get("PF_SPARK_TRACE"):
                traceback.print_exc(file=sys.stderr)
        out.write(json.dumps(answer, allow_nan=False) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
