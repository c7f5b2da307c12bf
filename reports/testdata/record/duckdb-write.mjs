// duckdb-write.mjs writes duckdb-v1.parquet and duckdb-v2.parquet, the
// files TestReadRecordTableDuckDBFile reads: a table of every record-table
// type written by DuckDB itself (no windpm metadata; DuckDB's encodings,
// version 1 and version 2 data pages). Run once by hand, with the
// @duckdb/node-api that reports' DuckDB tests install:
//   (cd ../duckdb && npm ci) && node duckdb-write.mjs
import { createRequire } from 'node:module';

const require = createRequire(new URL('../duckdb/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
try {
  await conn.run(`SET TimeZone = 'UTC'`);
  // 3000 rows: several pages per column; a null or an empty value in a
  // pattern in every column.
  await conn.run(`CREATE TABLE t AS SELECT
      'WT' || lpad((i % 7)::VARCHAR, 2, '0') AS turbine,
      CASE WHEN i % 5 = 0 THEN NULL ELSE 'note ' || i END AS note,
      (i % 1000)::INTEGER AS segment,
      CASE WHEN i % 3 = 0 THEN NULL ELSE (i * 1000003)::BIGINT END AS samples,
      CASE WHEN i % 4 = 0 THEN NULL ELSE i / 8.0 END AS z,
      i % 2 = 0 AS open,
      CASE WHEN i % 6 = 0 THEN NULL ELSE TIMESTAMPTZ '2025-03-01 00:00:00+00' + to_microseconds(i * 1000001) END AS time,
      CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN []::VARCHAR[] ELSE ['BPFO x' || (i % 3), 'GMF'] END AS lines,
      CASE WHEN i % 5 = 0 THEN NULL ELSE [i::FLOAT, -0.5::FLOAT] END AS levels
    FROM range(3000) r(i)`);
  await conn.run(`COPY t TO 'duckdb-v1.parquet' (FORMAT parquet, COMPRESSION zstd)`);
  await conn.run(`COPY t TO 'duckdb-v2.parquet' (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2)`);
} finally {
  conn.closeSync();
  instance.closeSync();
}
