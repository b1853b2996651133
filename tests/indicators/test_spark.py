"""The same indicator code on PySpark (local mode) gives the same results as on DuckDB.

One Spark session for the whole module (start-up costs seconds); every golden input set is
evaluated with its indicators, by buyer and year, peers included, on both engines. Floating sums
may be added in another order by Spark: numbers are compared to 1e-9 relative.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import ibis
import pyarrow as pa
import pytest
from indicator_fixtures import (
    FIXTURES,
    expected_files,
    load_expected,
    load_inputs,
    make_inputs,
    same_number,
)

from ancrage.indicators import engine
from ancrage.indicators.inputs import INPUT_SCHEMAS, IndicatorInputs

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("spark")]

NUMERIC = {"value", "numerator", "denominator", "target", "gap", "peer_median", "peer_percentile"}


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    tmp = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("ancrage-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(tmp / "warehouse"))
        .config("spark.local.dir", str(tmp / "local"))
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={tmp / 'derby'}")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def spark_inputs(spark: object, name: str) -> tuple[object, IndicatorInputs]:
    con = ibis.pyspark.connect(spark)
    given = load_inputs(name)
    tables = {}
    for table, schema in INPUT_SCHEMAS.items():
        view = f"{name}_{table}"
        spark.createDataFrame(given.get(table, schema.empty_table())).createOrReplaceTempView(view)
        tables[table] = con.table(view)
    return con, IndicatorInputs(**tables)


def input_sets() -> dict[str, list[str]]:
    sets: dict[str, list[str]] = {"peers": ["social_share"]}
    for path in expected_files():
        case = load_expected(path)
        sets.setdefault(case["inputs"], []).append(case["indicator"])
    return sets


def normalise(table: pa.Table) -> list[dict]:
    rows = table.to_pylist()
    keys = [c for c in table.column_names if c not in NUMERIC]
    return sorted(rows, key=lambda r: [(r[c] is None, str(r[c])) for c in keys])


@pytest.mark.parametrize("name", sorted(input_sets()))
def test_spark_matches_duckdb(spark: object, name: str) -> None:
    ids = sorted(set(input_sets()[name]))
    group_by = ["buyer_id", "year"]
    on_duckdb = engine.run(make_inputs(name), group_by, ids)
    con, inputs = spark_inputs(spark, name)
    on_spark = con.to_pyarrow(engine.evaluate(inputs, group_by, ids))
    assert on_spark.column_names == on_duckdb.column_names
    left, right = normalise(on_duckdb), normalise(on_spark)
    assert len(left) == len(right) > 0
    for a, b in zip(left, right, strict=True):
        for column in on_duckdb.column_names:
            if column in NUMERIC:
                assert same_number(a[column], b[column]), (name, column, a, b)
            else:
                assert a[column] == b[column], (name, column, a, b)


def test_every_input_set_is_checked() -> None:
    folders = {p.name for p in (FIXTURES / "inputs").iterdir() if p.is_dir()}
    assert folders == set(input_sets())
