// The backfill benchmark, on the demo's world: a fresh installation with weeks of history and no
// verdict. It measures what a backfill judges, how long its slices take, how often its verdicts
// agree with those a live verifier reached for the same deployments, and the cold start: the first
// bad deploy of each bundle after installation, rolled back to a HEALTHY version or blocked for a
// human, with and without a backfill first.

import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BackfillReport, runBackfill } from '../../backfill/backfill.js';
import { DEFAULT_POLICY } from '../../checks/policy.js';
import { ensureWorldTemplate, runDemo, worldTemplatePath } from '../../demo/demo.js';
import type { DemoReport } from '../../demo/report.js';
import type { WorldSpec } from '../../simulator/catalog.js';
import { SimWorld } from '../../simulator/world.js';
import { DuckDbWarehouse } from '../../warehouse/duckdb/duckdb-warehouse.js';
import { type Agreement, agreementOf, type FirstBad, type LiveVerdict, summarizeColdStart } from './agreement.js';

const MINUTE = 60_000;

export interface BackfillBenchOptions {
  readonly spec: WorldSpec;
  /**
   * The same world with bundles deployed rarely (every few days): their versions before
   * installation lie beyond the first tick's look-back window, where only a backfill judges them.
   */
  readonly sparseSpec: WorldSpec;
  readonly days: number;
  readonly minutes: number;
  readonly dir?: string;
  readonly onProgress?: (phase: string, done: number, total: number) => void;
}

export interface BackfillBenchReport {
  readonly spec: WorldSpec;
  readonly days: number;
  readonly replay_minutes: number;
  /** The backfill at installation: deployments judged, verdicts, slices and their wall time. */
  readonly at_install: BackfillFigures;
  /** The backfill of the replayed period, on the same world left unverified, against the live verdicts. */
  readonly agreement: Agreement & { readonly backfill: BackfillFigures };
  /** The demo's world: its first tick's look-back window (96 h) already holds most bundles' earlier versions. */
  readonly cold_start: ColdStart;
  /** Bundles deployed every few days: their earlier versions only a backfill judges. */
  readonly cold_start_sparse: ColdStart;
  readonly slice_ms_max: number;
  readonly wall_s: number;
}

interface BackfillFigures {
  readonly judged: number;
  readonly verdicts: Record<string, number>;
  readonly bundles_with_healthy_version: number;
  readonly slices: number;
  readonly slice_ms: readonly number[];
  readonly remaining: number;
}

interface ColdStart {
  readonly spec: WorldSpec;
  readonly backfill: BackfillFigures;
  readonly first_bad: ReturnType<typeof summarizeColdStart>;
  readonly demo_without_backfill: DemoFigures;
  readonly demo_with_backfill: DemoFigures;
}

type DemoFigures = Pick<DemoReport, 'caught' | 'labelled_bad' | 'false_failures' | 'rollbacks'> & {
  readonly blocked: number;
};

function figures(r: BackfillReport): BackfillFigures {
  const verdicts: Record<string, number> = {};
  for (const j of r.judged) verdicts[j.verdict.state] = (verdicts[j.verdict.state] ?? 0) + 1;
  return {
    judged: r.judged.length,
    verdicts,
    bundles_with_healthy_version: new Set(r.judged.filter((j) => j.verdict.state === 'HEALTHY').map((j) => j.bundle))
      .size,
    slices: r.slices.length,
    slice_ms: r.slices.map((s) => s.ms),
    remaining: r.remaining,
  };
}

function demoFigures(d: DemoReport): DemoFigures {
  const blocked = d.rollback_outcomes.filter((o) => o.state === 'BLOCKED').length;
  return {
    caught: d.caught,
    labelled_bad: d.labelled_bad,
    false_failures: d.false_failures,
    rollbacks: d.rollbacks,
    blocked,
  };
}

/** A run directory holding its own copy of the world template, so runs do not share a saved workspace. */
function runDir(root: string, name: string, template: string, spec: WorldSpec): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(template, worldTemplatePath(dir, spec));
  return dir;
}

async function readLive(
  path: string,
  fromMs: number,
  toMs: number,
): Promise<{ live: LiveVerdict[]; firstBad: FirstBad[] }> {
  const wh = await DuckDbWarehouse.open(path);
  try {
    const live = (await wh.session.all(
      `SELECT d.deployment_id, d.bundle, epoch_ms(d.finished_at) AS finished_ms, v.state, v.is_final, v.reason,
         (SELECT min(epoch_ms(r.requested_at)) FROM postflight.rollbacks r WHERE r.deployment_id = d.deployment_id) AS rolled_back_ms,
         (SELECT min(epoch_ms(r.requested_at)) FROM postflight.rollbacks r WHERE r.bundle = d.bundle) AS bundle_rollback_ms
       FROM postflight.deployments d LEFT JOIN postflight.verdicts v ON v.deployment_id = d.deployment_id
       WHERE epoch_ms(d.finished_at) > $from_ms AND epoch_ms(d.finished_at) <= $to_ms`,
      { from_ms: fromMs, to_ms: toMs },
    )) as unknown as LiveVerdict[];
    const firstBad = (await wh.query('demo/first_bad_deploys', {
      from_ms: fromMs,
      to_ms: toMs,
    })) as unknown as FirstBad[];
    return { live, firstBad };
  } finally {
    await wh.close();
  }
}

/**
 * The live verifier from installation on, without and with a backfill before its first tick, on
 * copies of one world; each bundle's first bad deploy after installation, in both.
 */
async function coldStart(
  root: string,
  spec: WorldSpec,
  o: BackfillBenchOptions,
): Promise<{ cold: ColdStart; plainDir: string; startMs: number; template: string }> {
  const template = await ensureWorldTemplate(join(root, 'template'), spec, o.onProgress);
  const progress = (phase: string) => (p: string, d: number, t: number) => o.onProgress?.(`${phase}: ${p}`, d, t);
  const plainDir = runDir(root, 'without', template, spec);
  const plain = await runDemo({ dir: plainDir, spec, replayMinutes: o.minutes, onProgress: progress('live') });
  let atInstall: BackfillReport | null = null;
  let startMs = 0;
  const withDir = runDir(root, 'with', template, spec);
  const withBackfill = await runDemo({
    dir: withDir,
    spec,
    replayMinutes: o.minutes,
    onProgress: progress('backfilled'),
    beforeFirstTick: async (wh, nowMs) => {
      startMs = nowMs;
      atInstall = await runBackfill({ wh, policy: DEFAULT_POLICY }, nowMs, o.days);
    },
  });
  const endMs = startMs + o.minutes * MINUTE;
  const without = await readLive(join(plainDir, 'workspace.duckdb'), startMs, endMs);
  const withIt = await readLive(join(withDir, 'workspace.duckdb'), startMs, endMs);
  return {
    cold: {
      spec,
      backfill: figures(atInstall!),
      first_bad: summarizeColdStart(without.firstBad, withIt.firstBad),
      demo_without_backfill: demoFigures(plain),
      demo_with_backfill: demoFigures(withBackfill),
    },
    plainDir,
    startMs,
    template,
  };
}

export async function runBackfillBench(o: BackfillBenchOptions): Promise<BackfillBenchReport> {
  const t0 = Date.now();
  const root = o.dir ?? mkdtempSync(join(tmpdir(), 'postflight-backfill-'));
  const demo = await coldStart(join(root, 'demo'), o.spec, o);
  const sparse = await coldStart(join(root, 'sparse'), o.sparseSpec, o);
  // The replayed period on the demo's world left unverified, moved on until every window opened
  // in it has closed, then backfilled: against the live verdicts that were final by the replay's end.
  const wh = await DuckDbWarehouse.openCopyInMemory(demo.template);
  let later: BackfillReport;
  try {
    const world = (await SimWorld.open(wh))!;
    const closedMs = o.minutes * MINUTE + DEFAULT_POLICY.window.maxHours * 60 * MINUTE + 2 * MINUTE;
    await world.advance(demo.startMs + closedMs);
    later = await runBackfill({ wh, policy: DEFAULT_POLICY }, world.nowMs, Math.ceil(closedMs / (1440 * MINUTE)));
  } finally {
    await wh.close();
  }
  const live = await readLive(join(demo.plainDir, 'workspace.duckdb'), demo.startMs, demo.startMs + o.minutes * MINUTE);
  const agreement = agreementOf(
    live.live.filter((l) => l.is_final === true),
    later.judged,
  );
  const slices = [...demo.cold.backfill.slice_ms, ...sparse.cold.backfill.slice_ms, ...later.slices.map((s) => s.ms)];
  return {
    spec: o.spec,
    days: o.days,
    replay_minutes: o.minutes,
    at_install: demo.cold.backfill,
    agreement: { ...agreement, backfill: figures(later) },
    cold_start: demo.cold,
    cold_start_sparse: sparse.cold,
    slice_ms_max: Math.max(0, ...slices),
    wall_s: (Date.now() - t0) / 1000,
  };
}
