// check.mjs reads a windpm Parquet table with DuckDB and prints, as one JSON
// object on stdout, its column names and DuckDB types, its rows (ordered by
// path, channel, segment; values converted to JSON by DuckDB, timestamps as
// text) and the file's key-value metadata.
//
// Used by reports' Go tests (TestDuckDB*); by hand:
//   cd reports/testdata/duckdb && npm ci && node check.mjs TABLE.parquet
//   node check.mjs --hive FOLDER      # a hive-partitioned folder
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
const hive = args[0] === '--hive';
const path = hive ? args[1] : args[0];
if (!path) {
  console.error('usage: node check.mjs [--hive] PATH');
  process.exit(2);
}
const quote = (s) => "'" + s.replaceAll("'", "''") + "'";
const source = hive
  ? `read_parquet(${quote(path + '/**/*.parquet')}, hive_partitioning = true)`
  : `read_parquet(${quote(path)})`;
const kvSource = hive ? quote(path + '/**/*.parquet') : quote(path);

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
try {
  // Timestamps with time zone print in the session's zone: make it UTC
  // whatever the machine's.
  await conn.run(`SET TimeZone = 'UTC'`);
  const rows = await conn.runAndReadAll(`SELECT * FROM ${source} ORDER BY path, channel, segment`);
  const kv = await conn.runAndReadAll(
    `SELECT DISTINCT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${kvSource}) ORDER BY key`);
  const names = rows.columnNames();
  const types = rows.columnTypes();
  const out = {
    columns: names.map((n, i) => ({ name: n, type: types[i].toString() })),
    rows: rows.getRowsJson(),
    kv: Object.fromEntries(kv.getRowsJson().map(([k, v]) => [k, v])),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
} finally {
  conn.closeSync();
  instance.closeSync();
}
