// The DuckDB side of scripts/bench-e2e: a long CSV (series,date,value,
// monthly prices) loaded with read_csv into a table of its own database
// file, then, in a second connection to that file, the analysis of
// `assay changes --freq Q` without the verdicts, written with COPY TO:
//   quarterly values, the mean of the months (assay's rule for a price),
//     with the count of months; a quarter of fewer than 3 is partial;
//   percent and log change from the quarter before, when both are whole;
//   the sample sd of the previous 20 log changes (the current one left
//     out; assay's --window 20), NULL with fewer than 2 of them, as
//     assay's sigma column.
// Prints "LOAD_SECONDS ANALYSIS_SECONDS ROWS LOAD_CPU ANALYSIS_CPU" (wall
// times inside Node: opening and closing the database included, starting
// Node not; then the CPU seconds, user + system over all threads, of the
// process in each step).
// Usage: node scripts/bench-e2e.js CSV DBFILE OUT_CSV
//        node scripts/bench-e2e.js --check ASSAY_CSV OUT_CSV
// (--check: the rows of both outputs joined on series and period, the
// count of those that disagree printed; exit 1 when any does.)
// @duckdb/node-api comes from `scripts/install-deps --bench` (into
// build/bench-node): run with NODE_PATH=build/bench-node/node_modules.
'use strict';
const { DuckDBInstance } = require('@duckdb/node-api');

// The file names are bound parameters ($1) where DuckDB takes them (the
// read_csv argument); COPY TO takes no parameter, so there the name is a
// string literal with its quotes doubled.
const LOAD = `CREATE TABLE obs AS SELECT * FROM read_csv($1, header = true,
  columns = {'series': 'VARCHAR', 'date': 'VARCHAR', 'value': 'DOUBLE'})`;

const ANALYSIS = `
WITH q AS (
  SELECT series,
         CAST(substr(date, 1, 4) AS INTEGER) * 4
           + (CAST(substr(date, 6, 2) AS INTEGER) - 1) // 3 AS qn,
         avg(value) AS value, count(value) AS n_obs
  FROM obs GROUP BY ALL),
c AS (
  SELECT *,
         lag(value) OVER w AS pv, lag(n_obs) OVER w AS pn, lag(qn) OVER w AS pq
  FROM q WINDOW w AS (PARTITION BY series ORDER BY qn)),
d AS (
  SELECT series, qn, value, n_obs, n_obs < 3 AS partial,
         CASE WHEN n_obs = 3 AND pn = 3 AND pq = qn - 1
              THEN (value / pv - 1) * 100 END AS pct_change,
         CASE WHEN n_obs = 3 AND pn = 3 AND pq = qn - 1
              THEN ln(value / pv) END AS log_change
  FROM c)
SELECT series, CAST(qn // 4 AS VARCHAR) || 'Q' || CAST(qn % 4 + 1 AS VARCHAR) AS period,
       value, n_obs, partial, pct_change, log_change,
       stddev_samp(log_change) OVER w AS sigma
FROM d
WINDOW w AS (PARTITION BY series ORDER BY qn ROWS BETWEEN 20 PRECEDING AND 1 PRECEDING)
ORDER BY series, qn`;

function sqlString(s) {
	return `'${s.replace(/'/g, "''")}'`;
}

function seconds(t0) {
	return Number(process.hrtime.bigint() - t0) / 1e9;
}

function cpuSeconds(c0) {
	const c = process.cpuUsage(c0);
	return (c.user + c.system) / 1e6;
}

async function load(csv, dbfile) {
	const db = await DuckDBInstance.create(dbfile);
	const con = await db.connect();
	const st = await con.prepare(LOAD);
	st.bindVarchar(1, csv);
	await st.run();
	con.closeSync();
	db.closeSync();
}

async function analyse(dbfile, out) {
	const db = await DuckDBInstance.create(dbfile);
	const con = await db.connect();
	await con.run(`COPY (${ANALYSIS}) TO ${sqlString(out)} (HEADER, DELIMITER ',')`);
	con.closeSync();
	db.closeSync();
}

async function main(csv, dbfile, out) {
	const c0 = process.cpuUsage();
	const t0 = process.hrtime.bigint();
	await load(csv, dbfile);
	const tl = seconds(t0);
	const cl = cpuSeconds(c0);
	const c1 = process.cpuUsage();
	const t1 = process.hrtime.bigint();
	await analyse(dbfile, out);
	const ta = seconds(t1);
	const ca = cpuSeconds(c1);
	// the rows counted outside the timing
	const db = await DuckDBInstance.create(':memory:');
	const con = await db.connect();
	const st = await con.prepare('SELECT count(*) FROM read_csv($1, header = true)');
	st.bindVarchar(1, out);
	const rows = (await st.runAndReadAll()).getRows()[0][0];
	con.closeSync();
	db.closeSync();
	console.log(`${tl.toFixed(3)} ${ta.toFixed(3)} ${rows} ${cl.toFixed(2)} ${ca.toFixed(2)}`);
}

// Both outputs joined on (series, period): the rows where value (to
// 1e-12 relative), the NA pattern or a change or sigma (to 1e-9) differ.
const CHECK = `
WITH a AS (SELECT * FROM read_csv($1, header = true)),
     d AS (SELECT * FROM read_csv($2, header = true))
SELECT count(*),
  count(*) FILTER (WHERE abs(a.value - d.value) > 1e-12 * abs(a.value)
    OR a.n_obs <> d.n_obs OR a.partial <> d.partial
    OR (a.pct_change IS NULL) <> (d.pct_change IS NULL)
    OR abs(a.pct_change - d.pct_change) > 1e-9 * (1 + abs(a.pct_change))
    OR (a.log_change IS NULL) <> (d.log_change IS NULL)
    OR abs(a.log_change - d.log_change) > 1e-9 * (1 + abs(a.log_change))
    OR (a.sigma IS NULL) <> (d.sigma IS NULL)
    OR abs(a.sigma - d.sigma) > 1e-9 * abs(a.sigma))
FROM a JOIN d USING (series, period)`;

async function check(assayCsv, out) {
	const db = await DuckDBInstance.create(':memory:');
	const con = await db.connect();
	const st = await con.prepare(CHECK);
	st.bindVarchar(1, assayCsv);
	st.bindVarchar(2, out);
	const [n, bad] = (await st.runAndReadAll()).getRows()[0];
	con.closeSync();
	db.closeSync();
	console.log(`check: ${n} rows joined, ${bad} disagree (value to 1e-12 relative; ` +
		    'pct_change, log_change and sigma to 1e-9)');
	return bad === 0n ? 0 : 1;
}

if (process.argv[2] === '--check') {
	const [assayCsv, out] = process.argv.slice(3);
	check(assayCsv, out).then((rc) => process.exit(rc)).catch((e) => {
		console.error(`bench-e2e: ${e.message}`);
		process.exit(1);
	});
} else {
	const [csv, dbfile, out] = process.argv.slice(2);
	if (!csv || !dbfile || !out) {
		console.error('usage: node scripts/bench-e2e.js CSV DBFILE OUT_CSV');
		process.exit(2);
	}
	main(csv, dbfile, out).catch((e) => {
		console.error(`bench-e2e: ${e.message}`);
		process.exit(1);
	});
}
