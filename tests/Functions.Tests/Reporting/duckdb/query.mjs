// Reads the exported Parquet files with DuckDB (an independent Parquet reader: nothing of the
// app's writer is used) and runs named SQL queries against them.
// stdin:  {"dir": "<folder of {table}.parquet files>", "queries": {"name": "SELECT ...", ...}}
// stdout: {"name": [{"column": "value as text or null", ...}, ...], ...}
// Each file is a view named after the file. A query that fails makes the whole run fail.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const input = JSON.parse(readFileSync(0, 'utf8'));
const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
await connection.run("SET TimeZone = 'UTC'");
for (const file of readdirSync(input.dir).filter(f => f.endsWith('.parquet'))) {
  const table = file.slice(0, -'.parquet'.length);
  const path = join(input.dir, file).replaceAll("'", "''");
  await connection.run(`CREATE VIEW "${table}" AS SELECT * FROM read_parquet('${path}')`);
}

const results = {};
for (const [name, sql] of Object.entries(input.queries)) {
  try {
    const reader = await connection.runAndReadAll(sql);
    results[name] = reader.getRowObjectsJson().map(row =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])));
  } catch (e) {
    process.stderr.write(`${name}: ${e.message}\n${sql}\n`);
    process.exit(2);
  }
}

process.stdout.write(JSON.stringify(results));
