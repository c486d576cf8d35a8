// DuckDB-WASM's side of `cargo xtask bench` (driven by tests/benches/peer_browser.rs): for one
// bundle (`eh` or `mvp`, both single-threaded, neither needs cross-origin isolation), the CSV and
// JSON-lines ingests into tables with the declared column types of gluelab's benchmark table
// (device_id string, timestamp bigint, state boolean), a count and a group-by over the CSV's
// table, and an offline Parquet write attempt. Inputs are registered in DuckDB's virtual file
// system before timing, as gluelab's side has its bytes in memory before it times a reader.
import * as duckdb from '/node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser.mjs';

const DIST = '/node_modules/@duckdb/duckdb-wasm/dist';
const BUNDLES = {
  mvp: { mainModule: `${DIST}/duckdb-mvp.wasm`, mainWorker: `${DIST}/duckdb-browser-mvp.worker.js` },
  eh: { mainModule: `${DIST}/duckdb-eh.wasm`, mainWorker: `${DIST}/duckdb-browser-eh.worker.js` },
};
const COLUMNS = "columns = {'device_id': 'VARCHAR', 'timestamp': 'BIGINT', 'state': 'BOOLEAN'}";

const firstLine = (e) => String((e && e.message) || e).split('\n')[0];
const log = (line) => { document.getElementById('log').textContent += line + '\n'; };

async function bytesOf(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Runs `sql` and returns [seconds, rows of the result as arrays].
async function timed(conn, sql) {
  window.peerStep = sql;
  const start = performance.now();
  const table = await conn.query(sql);
  const seconds = (performance.now() - start) / 1000;
  const rows = table.toArray().map((row) => Object.values(row.toJSON()).map(String));
  return [seconds, rows];
}

// One bundle's figures: { version, figures: [[name, bytes, seconds]], notes: [[name, text]] }.
window.runPeer = async function (name) {
  try {
    return await measure(name);
  } catch (e) {
    throw new Error(`${e} (during: ${window.peerStep})`);
  }
};

async function measure(name) {
  const bundle = BUNDLES[name];
  const start = performance.now();
  const worker = new Worker(bundle.mainWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule);
  const figures = [];
  const notes = [['instantiate_seconds', ((performance.now() - start) / 1000).toFixed(3)]];
  const version = await db.getVersion();
  const conn = await db.connect();

  const csv = await bytesOf('/data/devices.csv');
  const csvBytes = csv.length;
  await db.registerFileBuffer('devices.csv', csv);
  let [seconds, rows] = await timed(conn,
    `CREATE TABLE csv_t AS SELECT * FROM read_csv('devices.csv', header = false, delim = ',', ` +
    `quote = '"', escape = '"', auto_detect = false, ${COLUMNS})`);
  figures.push(['csv_ingest', csvBytes, seconds]);
  [, rows] = await timed(conn, 'SELECT count(*) FROM csv_t');
  notes.push(['csv_rows', rows[0][0]]);

  // Which extensions are built in (loaded) before anything asks for one.
  [, rows] = await timed(conn,
    "SELECT extension_name, loaded, installed FROM duckdb_extensions() WHERE extension_name IN ('parquet', 'json')");
  notes.push(['extensions', JSON.stringify(rows)]);

  const json = await bytesOf('/data/devices.jsonl');
  const jsonBytes = json.length;
  await db.registerFileBuffer('devices.jsonl', json);
  try {
    [seconds] = await timed(conn,
      `CREATE TABLE json_t AS SELECT * FROM read_json('devices.jsonl', format = 'newline_delimited', ${COLUMNS})`);
    figures.push(['json_ingest', jsonBytes, seconds]);
    [, rows] = await timed(conn, 'SELECT count(*) FROM json_t');
    notes.push(['json_rows', rows[0][0]]);
    await conn.query('DROP TABLE json_t');
  } catch (e) {
    notes.push(['json_ingest', `failed: ${firstLine(e)}`]);
  }
  await db.dropFile('devices.jsonl');

  // The queries, over the CSV's table; MB/s of the CSV's bytes, as on gluelab's side.
  [seconds, rows] = await timed(conn, 'SELECT count(*) FROM csv_t');
  figures.push(['query_count', csvBytes, seconds]);
  notes.push(['query_count', rows[0][0]]);
  [seconds, rows] = await timed(conn, 'SELECT state, count(*) AS n FROM csv_t GROUP BY state ORDER BY state');
  figures.push(['query_group_by', csvBytes, seconds]);
  notes.push(['query_group_by', JSON.stringify(rows)]);

  // Parquet, offline (the page reaches only 127.0.0.1).
  try {
    [seconds] = await timed(conn, "COPY csv_t TO 'out.parquet' (FORMAT parquet)");
    const written = await db.copyFileToBuffer('out.parquet');
    figures.push(['csv_to_parquet_write', csvBytes, seconds]);
    notes.push(['parquet_write', `wrote ${written.length} bytes`]);
  } catch (e) {
    notes.push(['parquet_write', `failed: ${firstLine(e)}`]);
  }

  await conn.close();
  await db.terminate();
  worker.terminate();
  log(`${name} done`);
  return { version, figures, notes };
}
window.peerReady = true;
