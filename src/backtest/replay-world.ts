// A replay world: an export loaded into the embedded warehouse, shown to the verifier through the
// same views and clock as the simulated world (src/simulator/world-schema.ts), but generating
// nothing. Moving its clock shows the rows whose time has come, and brings the control plane's
// job and pipeline settings to those in force then.

import type { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { loadSql, splitStatements } from '../warehouse/sql-files.js';

/** What the load found, kept in the world (sim_world.meta, key 'replay'). */
export interface ReplayInfo {
  readonly from: string;
  readonly workspaceId: string;
  readonly files: ReadonlyArray<{ readonly table: string; readonly file: string; readonly rows: number }>;
  /** The first tick: the minute the first deployment finished. */
  readonly startMs: number;
  /** The export's last moment: its latest fact, to the minute. */
  readonly endMs: number;
  readonly lags: { readonly lakeflowMs: number; readonly lineageMs: number; readonly auditMs: number };
  /** Minutes at which something became visible (a row, a run's start or end, a deployment, settings). */
  readonly eventMinutes: readonly number[];
  /** When the control plane's settings change. */
  readonly settingsChanges: readonly number[];
  /** What the export may lack, said before the replay rather than found in its verdicts. */
  readonly warnings: readonly string[];
}

export class ReplayWorld {
  readonly info: ReplayInfo;
  readonly #wh: DuckDbWarehouse;
  #nowMs: number;

  private constructor(wh: DuckDbWarehouse, info: ReplayInfo, nowMs: number) {
    this.#wh = wh;
    this.info = info;
    this.#nowMs = nowMs;
  }

  get nowMs(): number {
    return this.#nowMs;
  }

  /** Records what was loaded and sets the clock at the replay's start, with the settings in force then. */
  static async create(wh: DuckDbWarehouse, info: ReplayInfo): Promise<ReplayWorld> {
    const s = wh.session;
    await s.run("DELETE FROM sim_world.meta WHERE key = 'replay'");
    await s.run("INSERT INTO sim_world.meta VALUES ('replay', $info)", { info: JSON.stringify(info) });
    await s.run('DELETE FROM sim_world.clock');
    await s.run('INSERT INTO sim_world.clock VALUES ($now)', { now: info.startMs });
    const world = new ReplayWorld(wh, info, info.startMs);
    await world.#applySettings();
    return world;
  }

  /** The replay world a warehouse holds; null when it holds none. */
  static async open(wh: DuckDbWarehouse): Promise<ReplayWorld | null> {
    const has = await wh.session.all(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = 'sim_world' AND table_name = 'meta'",
    );
    if (has.length === 0) return null;
    const [meta] = await wh.session.all("SELECT value FROM sim_world.meta WHERE key = 'replay'");
    const [clock] = await wh.session.all('SELECT now_ms FROM sim_world.clock');
    if (!meta || !clock) return null;
    return new ReplayWorld(wh, JSON.parse(String(meta.value)) as ReplayInfo, Number(clock.now_ms));
  }

  async advance(toMs: number): Promise<void> {
    if (toMs <= this.#nowMs) return;
    const from = this.#nowMs;
    await this.#wh.session.run('UPDATE sim_world.clock SET now_ms = $now', { now: toMs });
    this.#nowMs = toMs;
    if (this.info.settingsChanges.some((t) => t > from && t <= toMs)) await this.#applySettings();
  }

  async #applySettings(): Promise<void> {
    for (const stmt of splitStatements(loadSql('embedded/replay_apply_settings'))) await this.#wh.session.run(stmt);
  }
}
