// Whole ticks replayed on a small simulated world, with the process killed anywhere: the kill
// switch of faults.ts wraps both ports for one tick, everything after the kill fails as in a dead
// process, and the next minute's tick runs on fresh, unwrapped ports as a restarted job would.
// What the replay leaves behind is read back as the rows a crash must neither lose nor double.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SLO_POLICY } from '../../src/budget/slo-policy.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { DEFAULT_ROLLBACK_POLICY } from '../../src/rollback/policy.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { runTick, type TickDeps } from '../../src/tick/run-tick.js';
import { parseCreateTable, type TableDef } from '../../src/warehouse/ddl-parse.js';
import type { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import type { Warehouse } from '../../src/warehouse/port.js';
import { splitStatements } from '../../src/warehouse/sql-files.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';
import type { Workspace } from '../../src/workspace/port.js';
import { EffectCounter, FaultyWarehouse, FaultyWorkspace, type KillSwitch } from './faults.js';

/** Many bad deploys on few pipelines, so a short replay has FAILED verdicts and rollbacks. */
export const CRASH_SPEC = defaultSpec({ seed: 176, pipelines: 6, days: 14, deploysPerDay: 48, badShare: 0.8 });

export function tickDeps(wh: Warehouse, ws: Workspace): TickDeps {
  return {
    wh,
    ws,
    policy: DEFAULT_POLICY,
    slos: DEFAULT_SLO_POLICY,
    rollback: { policy: DEFAULT_ROLLBACK_POLICY },
  };
}

export interface ReplayOutcome {
  /** Minutes whose tick was killed. */
  readonly killed: number[];
  /** Resets and edits that changed a job or pipeline, in order. */
  readonly effects: string[];
}

/**
 * The ticks of minutes `from` to `to` (both included) after the world's start, the world moved on
 * to each minute first. `killFor(m)` gives the kill switch for the tick of minute m, or null for
 * an uninterrupted one; a killed tick's statements already under way finish before the next
 * minute starts, as a dead process's statements do on the server. `after(m)` looks at the
 * database once minute m's tick is over.
 */
export async function replayTicks(
  wh: DuckDbWarehouse,
  from: number,
  to: number,
  killFor: (minute: number) => KillSwitch | null,
  after?: (minute: number, effects: readonly string[]) => Promise<void>,
  effects: EffectCounter = new EffectCounter(new EmbeddedWorkspace(wh)),
): Promise<ReplayOutcome> {
  const world = (await SimWorld.open(wh))!;
  const killed: number[] = [];
  for (let m = from; m <= to; m++) {
    const at = world.spec.startMs + m * 60_000;
    if (world.nowMs < at) await world.advance(at);
    const sw = killFor(m);
    if (sw === null) await runTick(tickDeps(wh, effects), at);
    else {
      const fw = new InFlight(new FaultyWarehouse(wh, sw));
      try {
        await runTick(tickDeps(fw, new FaultyWorkspace(effects, sw)), at);
      } catch {
        // The killed tick's error is the crash itself.
      }
      await fw.drained();
      if (sw.dead) killed.push(m);
    }
    await after?.(m, effects.effects);
  }
  return { killed, effects: effects.effects };
}

/** Counts statements in flight, so a killed tick's stragglers can be waited for. */
class InFlight extends FaultyWarehouse {
  #running = 0;
  #idle: Array<() => void> = [];
  constructor(readonly faulty: FaultyWarehouse) {
    super(faulty.inner, faulty.sw);
  }
  async #track<T>(p: () => Promise<T>): Promise<T> {
    this.#running++;
    try {
      return await p();
    } finally {
      if (--this.#running === 0) for (const f of this.#idle.splice(0)) f();
    }
  }
  override query(...a: Parameters<Warehouse['query']>) {
    return this.#track(() => this.faulty.query(...a));
  }
  override execute(...a: Parameters<Warehouse['execute']>) {
    return this.#track(() => this.faulty.execute(...a));
  }
  override describeHistory(...a: Parameters<Warehouse['describeHistory']>) {
    return this.#track(() => this.faulty.describeHistory(...a));
  }
  override applyDdl(...a: Parameters<Warehouse['applyDdl']>) {
    return this.#track(() => this.faulty.applyDdl(...a));
  }
  drained(): Promise<void> {
    return this.#running === 0 ? Promise.resolve() : new Promise((r) => this.#idle.push(r));
  }
}

/** Keys of the tables whose DDL names none: what their MERGEs match on. */
const KEYS: Readonly<Record<string, readonly string[]>> = {
  pipeline_targets: ['pipeline_id', 'flow_name'],
  watermarks: ['name'],
};

let opsKeys: Array<[string, readonly string[]]> | undefined;

/**
 * Every ops table with its key: its own 'postflight.primary_key', else its archive's (the same
 * rows move there under the same key), else the key its MERGEs match on.
 */
export function opsTableKeys(): Array<[string, readonly string[]]> {
  if (opsKeys) return opsKeys;
  // Split as the warehouses do: a ';' or an apostrophe inside a comment is not SQL.
  const defs = splitStatements(readFileSync(join(import.meta.dirname, '../../sql/ddl/ops.sql'), 'utf8'))
    .map(parseCreateTable)
    .filter((t): t is TableDef => t !== null)
    .map((t) => ({ ...t, name: t.name.replace('{{ops}}.', '') }));
  const byName = new Map(defs.map((t) => [t.name, t]));
  opsKeys = defs.map((t) => {
    const key = t.primaryKey.length ? t.primaryKey : (byName.get(`${t.name}_archive`)?.primaryKey ?? KEYS[t.name]);
    if (!key?.length) throw new Error(`no key known for ops table ${t.name}`);
    return [t.name, key];
  });
  return opsKeys;
}

/** Keys held by more than one row, per ops table: none may exist after any crash. */
export async function duplicateKeys(wh: DuckDbWarehouse): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [table, cols] of opsTableKeys()) {
    const key = cols.join(', ');
    const [r] = await wh.session.all(
      `SELECT count(*) AS n FROM (SELECT ${key} FROM postflight.${table} GROUP BY ${key} HAVING count(*) > 1)`,
    );
    if (Number(r!.n) > 0) out[table] = Number(r!.n);
  }
  return out;
}

const textRows = async (wh: DuckDbWarehouse, sql: string) =>
  (await wh.session.all(sql)).map((r) => Object.values(r).map(String).join(' ')).sort();

/**
 * What a crash must not lose, as comparable text: the deployments with a verdict, the checks
 * judged, the budgets kept, the versions quarantined and the audit entries' actions. A crash may
 * delay them by a tick, so they are compared as "at least these".
 */
export async function keptRows(wh: DuckDbWarehouse): Promise<Record<string, string[]>> {
  return {
    verdicts: await textRows(wh, 'SELECT deployment_id FROM postflight.verdicts'),
    check_results: await textRows(
      wh,
      'SELECT DISTINCT deployment_id, check_name, subject FROM postflight.check_results',
    ),
    error_budgets: await textRows(wh, 'SELECT subject, slo, window_end FROM postflight.error_budgets'),
    quarantined: await textRows(wh, 'SELECT bundle, target, version FROM postflight.quarantined_versions'),
    audit: await textRows(wh, 'SELECT DISTINCT action, subject FROM postflight.audit_log'),
  };
}

/**
 * What a crash must not do twice, as comparable text: the rollbacks with their outcome, and every
 * reset or edit the control plane took (changing anything or not), whenever it came. Compared as
 * "exactly these".
 */
export async function actions(wh: DuckDbWarehouse): Promise<Record<string, string[]>> {
  return {
    rollbacks: await textRows(wh, 'SELECT rollback_id, state, to_version FROM postflight.rollbacks'),
    control_plane: await textRows(wh, 'SELECT resource_type, resource_id, version FROM sim_world.api_changes'),
  };
}

/** The members of `expected` that `actual` lacks, per key: {} when nothing is missing. */
export function missing(
  expected: Record<string, string[]>,
  actual: Record<string, string[]>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, rows] of Object.entries(expected)) {
    const have = new Set(actual[k]);
    const lost = rows.filter((r) => !have.has(r));
    if (lost.length) out[k] = lost;
  }
  return out;
}
