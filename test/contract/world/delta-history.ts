// The simulated tables' Delta history, made real on Spark: each simulated table is a Delta table,
// and each commit the simulated platform makes to it becomes a commit in that table's Delta log
// once the world's clock passes it, so `DESCRIBE HISTORY` on Spark answers with the simulated
// commits at the simulated pace.
//
// Open-source Delta never writes the `job` of a commit (Databricks Runtime fills it from the job
// context; OSS passes an empty command context) and stamps commits with the wall clock. So the
// commits are written to the log as a Delta writer of our own would write them: one JSON action
// per commit (commitInfo, as Databricks Runtime writes it: the job and run, the operation and its
// metrics), with the commit file's modification time set to the simulated commit time, which is
// the timestamp DESCRIBE HISTORY reports for a table without in-commit timestamps. The table
// itself (version 0, its protocol and schema) is created by Spark when the world's version 0 (its
// CREATE TABLE) becomes visible, and dated as that commit is. Each later commit is written as the
// version the world numbered it, which must be the next in the table's log: the world and Spark
// number every table's versions alike by construction, and a gap or repeat stops the run. No data
// files are added: the checks read history, never the rows.

import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDbWarehouse } from '../../../src/warehouse/duckdb/duckdb-warehouse.js';
import { CATALOG_JOIN } from '../endpoint/catalog-names.js';
import type { Engine } from '../endpoint/engine.js';

interface Commit {
  readonly table: string;
  readonly version: number;
  readonly ts: number;
  readonly operation: string;
  readonly params: string;
  readonly metrics: string;
  readonly jobId: string | null;
  readonly jobName: string | null;
  readonly runId: string | null;
  readonly user: string | null;
  readonly blind: boolean | null;
  readonly engine: string | null;
}

export class DeltaHistoryMirror {
  readonly #spark: Engine;
  readonly #world: DuckDbWarehouse;
  readonly #tables = new Map<string, { log: string; version: number; lastMs: number }>();
  commits = 0;

  constructor(spark: Engine, world: DuckDbWarehouse) {
    this.#spark = spark;
    this.#world = world;
  }

  /** Writes the commits that became visible in (fromMs, toMs]. */
  async sync(fromMs: number, toMs: number): Promise<void> {
    const rows = (await this.#world.session.all(
      `SELECT table_name AS "table", version, epoch_ms("timestamp") AS ts, operation,
         CAST(to_json(operationParameters) AS VARCHAR) AS params, CAST(to_json(operationMetrics) AS VARCHAR) AS metrics,
         job.jobId AS "jobId", job.jobName AS "jobName", job.runId AS "runId", userName AS "user",
         isBlindAppend AS blind, engineInfo AS engine
       FROM sim_world.delta_commits
       WHERE _visible_at > make_timestamp(${BigInt(fromMs) * 1000n}) AND _visible_at <= make_timestamp(${BigInt(toMs) * 1000n})
       ORDER BY table_name, version`,
    )) as unknown as Commit[];
    for (const c of rows) await this.#write(c);
  }

  async #write(c: Commit): Promise<void> {
    const version = Number(c.version);
    const t = this.#tables.get(c.table);
    if (!t) {
      if (version !== 0)
        throw new Error(`delta mirror: ${c.table}'s first visible commit is version ${version}, not its CREATE (0)`);
      await this.#create(c.table, Number(c.ts));
      return;
    }
    if (version !== t.version + 1)
      throw new Error(`delta mirror: ${c.table} is at version ${t.version} on Spark; the world's next is ${version}`);
    // Delta orders history by version and makes timestamps strictly increasing; so does the world.
    const ts = Math.max(Number(c.ts), t.lastMs + 1);
    const job =
      c.jobId === null
        ? undefined
        : { jobId: c.jobId, jobName: c.jobName ?? undefined, jobRunId: c.runId ?? undefined };
    const commitInfo = {
      timestamp: ts,
      userId: c.user ?? undefined,
      userName: c.user ?? undefined,
      operation: c.operation,
      operationParameters: JSON.parse(c.params ?? '{}') as Record<string, string>,
      job,
      readVersion: version - 1,
      isolationLevel: 'WriteSerializable',
      isBlindAppend: c.blind ?? false,
      operationMetrics: JSON.parse(c.metrics ?? '{}') as Record<string, string>,
      engineInfo: c.engine ?? undefined,
      txnId: `${c.table}-${version}`,
    };
    const file = join(t.log, `${String(version).padStart(20, '0')}.json`);
    writeFileSync(file, `${JSON.stringify({ commitInfo })}\n`, { flag: 'wx' });
    // Half a millisecond past the commit: seconds as a double lose the last digit of a millisecond,
    // and the file system's time is read back truncated to the millisecond.
    utimesSync(file, (ts + 0.5) / 1000, (ts + 0.5) / 1000);
    t.version = version;
    t.lastMs = ts;
    this.commits++;
  }

  async #create(table: string, createdMs: number): Promise<void> {
    const [catalog, schema, name] = table.split('.') as [string, string, string];
    const db = `\`${catalog}${CATALOG_JOIN}${schema}\``;
    await this.#spark.run(`CREATE SCHEMA IF NOT EXISTS ${db}`, []);
    await this.#spark.run(`CREATE TABLE ${db}.\`${name}\` (id BIGINT) USING DELTA`, []);
    const detail = await this.#spark.run(`DESCRIBE DETAIL ${db}.\`${name}\``, []);
    const at = detail.columns.findIndex((col) => col.name === 'location');
    const location = String(detail.rows[0]![at]).replace(/^file:/, '');
    const log = join(location, '_delta_log');
    const v0 = join(log, `${'0'.padStart(20, '0')}.json`);
    utimesSync(v0, (createdMs + 0.5) / 1000, (createdMs + 0.5) / 1000);
    this.#tables.set(table, { log, version: 0, lastMs: createdMs });
  }
}
