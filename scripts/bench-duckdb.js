// The DuckDB side of scripts/bench-import: read_csv of a long CSV
// (series,date,value) into a table of its own database file, as an analyst
// with DuckDB would load it.  Prints "ROWS SECONDS" (wall time of the load,
// opening and closing the database included).
// Usage: node scripts/bench-duckdb.js CSV DBFILE
// @duckdb/node-api comes from `scripts/install-deps --bench` (npm, into
// build/bench-node; not a dependency of assay): run with
// NODE_PATH=build/bench-node/node_modules.
'use strict';
const { DuckDBInstance } = require('@duckdb/node-api');

async function main(csv, dbfile) {
	const t0 = process.hrtime.bigint();
	const db = await DuckDBInstance.create(dbfile);
	const con = await db.connect();
	// The file name goes in as a bound parameter, never into the SQL text.
	const load = await con.prepare(
		'CREATE TABLE obs AS SELECT * FROM read_csv($1, header = true)');
	load.bindVarchar(1, csv);
	await load.run();
	const rows = (await con.runAndReadAll('SELECT count(*) FROM obs')).getRows()[0][0];
	con.closeSync();
	db.closeSync();
	const t1 = process.hrtime.bigint();
	console.log(`${rows} ${(Number(t1 - t0) / 1e9).toFixed(3)}`);
}

const [csv, dbfile] = process.argv.slice(2);
if (!csv || !dbfile) {
	console.error('usage: node scripts/bench-duckdb.js CSV DBFILE');
	process.exit(2);
}
main(csv, dbfile).catch((e) => {
	console.error(`bench-duckdb: ${e.message}`);
	process.exit(1);
});
