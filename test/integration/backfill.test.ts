// Backfill on the embedded warehouse: a world whose history holds healthy and bad deployments and
// no verdict. Every past deployment whose window has closed gets the verdict of its own time, the
// open ones are left to the ticks, a second run changes nothing, a stopped run resumes to the same
// verdicts, and nothing of the history is ever rolled back.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log.js';
import { runBackfill } from '../../src/backfill/backfill.js';
import { backfillSlice } from '../../src/backfill/run-backfill.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { ConfigError } from '../../src/cli/args.js';
import { runBackfillCommand } from '../../src/cli/backfill-command.js';
import { parseCommon } from '../../src/cli/common-options.js';
import { ensureWorldTemplate } from '../../src/demo/demo.js';
import { createLogger } from '../../src/log.js';
import { resolveRollbackPolicy } from '../../src/rollback/policy.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { HARD_KINDS } from '../../src/simulator/plan.js';
import { SimWorld } from '../../src/simulator/world.js';
import { runTick } from '../../src/tick/run-tick.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { EmbeddedWorkspace } from '../../src/workspace/embedded/embedded-workspace.js';

const spec = defaultSpec({ pipelines: 8, days: 21, seed: 3 });
const DAYS = 10;
const HOUR = 3_600_000;
/** The world is advanced this far past its start without a verifier: its labelled bad deploys are history then. */
const UNVERIFIED_MS = 30 * HOUR;

let template: string;

/** A copy of the world moved on past its bad deploys with nobody verifying. */
async function unverified(): Promise<{ wh: DuckDbWarehouse; nowMs: number }> {
  const wh = await DuckDbWarehouse.openCopyInMemory(template);
  const world = (await SimWorld.open(wh))!;
  await world.advance(world.nowMs + UNVERIFIED_MS);
  return { wh, nowMs: world.nowMs };
}

async function verdicts(wh: DuckDbWarehouse): Promise<Map<string, string>> {
  const rows = await wh.session.all('SELECT deployment_id, state FROM postflight.verdicts');
  return new Map(rows.map((r) => [String(r.deployment_id), String(r.state)]));
}

async function counts(wh: DuckDbWarehouse): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['verdicts', 'check_results', 'audit_log', 'rollbacks', 'table_commits', 'watermarks']) {
    const [r] = await wh.session.all(`SELECT count(*) AS n FROM postflight.${t}`);
    out[t] = Number(r!.n);
  }
  return out;
}

let wh: DuckDbWarehouse;
let nowMs: number;
let first: Awaited<ReturnType<typeof runBackfill>>;

beforeAll(async () => {
  template = await ensureWorldTemplate(mkdtempSync(join(tmpdir(), 'postflight-backfill-')), spec);
  ({ wh, nowMs } = await unverified());
  first = await runBackfill({ wh, policy: DEFAULT_POLICY }, nowMs, DAYS);
}, 300_000);

describe('a backfill', () => {
  it('judges every past deployment whose window closed, and leaves the open ones to the ticks', async () => {
    // Closed: a newer deployment of the bundle took over, or the longest window passed.
    const rows = await wh.session.all(
      `SELECT d.deployment_id, v.state,
         (SELECT min(epoch_ms(n.finished_at)) FROM postflight.deployments n
           WHERE n.bundle = d.bundle AND n.target = d.target AND n.status IN ('SUCCEEDED', 'PARTIAL')
             AND (n.finished_at > d.finished_at OR (n.finished_at = d.finished_at AND n.deployment_id > d.deployment_id))) AS next_ms,
         epoch_ms(d.finished_at) AS finished_ms
       FROM postflight.deployments d LEFT JOIN postflight.verdicts v ON v.deployment_id = d.deployment_id
       WHERE d.status IN ('SUCCEEDED', 'PARTIAL') AND epoch_ms(d.finished_at) >= $from_ms AND epoch_ms(d.finished_at) <= $now_ms`,
      { from_ms: nowMs - DAYS * 24 * HOUR, now_ms: nowMs },
    );
    const maxMs = DEFAULT_POLICY.window.maxHours * HOUR + 60_000;
    const closed = rows.filter(
      (r) => (r.next_ms !== null && Number(r.next_ms) <= nowMs) || Number(r.finished_ms) + maxMs <= nowMs,
    );
    expect(closed.length).toBeGreaterThan(100);
    expect(rows.filter((r) => r.state !== null).map((r) => r.deployment_id)).toEqual(
      closed.map((r) => r.deployment_id),
    );
    expect(first.judged).toHaveLength(closed.length);
    expect(first.remaining).toBe(0);
    // Every verdict of the history is final: its window had closed.
    const [open] = await wh.session.all('SELECT count(*) AS n FROM postflight.verdicts WHERE NOT is_final');
    expect(Number(open!.n)).toBe(0);
  });

  it('fails the bad deploys of the history that break runs or data, and no healthy one', async () => {
    const rows = await wh.session.all(
      `SELECT l.label, l.kind, v.state FROM sim_world.labels l JOIN postflight.verdicts v ON v.deployment_id = l.deployment_id`,
    );
    const hard = rows.filter((r) => r.label === 'bad' && HARD_KINDS.includes(String(r.kind) as never));
    expect(hard.length).toBeGreaterThan(0);
    expect(hard.filter((r) => r.state !== 'FAILED')).toEqual([]);
    expect(rows.filter((r) => r.label === 'healthy' && r.state === 'FAILED')).toEqual([]);
    // Most bundles start with a verified version to roll back to.
    const healthyBundles = new Set(first.judged.filter((j) => j.verdict.state === 'HEALTHY').map((j) => j.bundle));
    const bundles = new Set(first.judged.map((j) => j.bundle));
    expect(healthyBundles.size / bundles.size).toBeGreaterThanOrEqual(0.5);
  });

  it('records when each verdict was reached, under a backfill tick, and keeps the audit chain whole', async () => {
    const rows = await wh.session.all(
      `SELECT v.tick_id, epoch_ms(v.updated_at) AS at_ms, epoch_ms(d.finished_at) AS finished_ms
       FROM postflight.verdicts v JOIN postflight.deployments d ON d.deployment_id = v.deployment_id`,
    );
    for (const r of rows) {
      expect(String(r.tick_id)).toBe(`backfill-${nowMs}`);
      expect(Number(r.at_ms)).toBeGreaterThan(Number(r.finished_ms));
      expect(Number(r.at_ms)).toBeLessThanOrEqual(nowMs);
    }
    expect((await verifyAuditLog(wh)).ok).toBe(true);
  });

  it('changes nothing when run again', async () => {
    const before = await counts(wh);
    const states = await verdicts(wh);
    const again = await runBackfill({ wh, policy: DEFAULT_POLICY }, nowMs, DAYS);
    expect(again.judged).toHaveLength(0);
    expect(await counts(wh)).toEqual(before);
    expect(await verdicts(wh)).toEqual(states);
  });

  it('resumes a stopped run to the verdicts of an uninterrupted one', async () => {
    const copy = await unverified();
    try {
      const part = await backfillSlice(
        { wh: copy.wh, policy: DEFAULT_POLICY, firstReadsPerSlice: 2 },
        copy.nowMs,
        DAYS,
      );
      expect(part.judged.length).toBeGreaterThan(0);
      expect(part.remaining).toBeGreaterThan(0);
      const rest = await runBackfill({ wh: copy.wh, policy: DEFAULT_POLICY, firstReadsPerSlice: 2 }, copy.nowMs, DAYS);
      expect(rest.slices.length).toBeGreaterThan(1);
      expect(part.judged.length + rest.judged.length).toBe(first.judged.length);
      expect(await verdicts(copy.wh)).toEqual(await verdicts(wh));
    } finally {
      await copy.wh.close();
    }
  });

  it("is a new installation's first ticks' work, a slice a tick, until its history is judged", async () => {
    const copy = await unverified();
    try {
      const world = (await SimWorld.open(copy.wh))!;
      const ws = new EmbeddedWorkspace(copy.wh);
      const rollback = { policy: resolveRollbackPolicy(undefined) };
      const deps = { wh: copy.wh, ws, policy: DEFAULT_POLICY, rollback, backfillDays: DAYS, firstReadsPerTick: 6 };
      const done = async () =>
        (await copy.wh.session.all("SELECT 1 FROM postflight.watermarks WHERE name = 'backfill_done_ms'")).length > 0;
      const perTick: number[] = [];
      for (let m = 0; m < 30 && !(await done()); m++) {
        if (m > 0) await world.advance(world.nowMs + 60_000);
        const before = (await verdicts(copy.wh)).size;
        await runTick(deps, world.nowMs);
        perTick.push((await verdicts(copy.wh)).size - before);
      }
      expect(await done()).toBe(true);
      expect(perTick.length).toBeGreaterThan(1);
      // Every past deployment has a verdict: the backfill's slices gave most, the ticks' own catch-up
      // the rest of their look-back window. Each the slices gave is the verdict a backfill run gives it.
      const given = await verdicts(copy.wh);
      expect(first.judged.filter((j) => !given.has(j.deploymentId))).toEqual([]);
      const rows = await copy.wh.session.all(
        "SELECT deployment_id, state FROM postflight.verdicts WHERE tick_id LIKE 'backfill-%'",
      );
      const whole = await verdicts(wh);
      expect(rows.length).toBeGreaterThan(first.judged.length / 2);
      expect(rows.filter((r) => whole.get(String(r.deployment_id)) !== r.state)).toEqual([]);
      const [rolled] = await copy.wh.session.all(
        "SELECT count(*) AS n FROM postflight.rollbacks r JOIN postflight.verdicts v ON v.deployment_id = r.deployment_id WHERE v.tick_id LIKE 'backfill-%'",
      );
      expect(Number(rolled!.n)).toBe(0);
      expect((await verifyAuditLog(copy.wh)).ok).toBe(true);
    } finally {
      await copy.wh.close();
    }
  });

  it('never rolls a past deployment back, even one still live', async () => {
    const failed = first.judged.filter((j) => j.verdict.state === 'FAILED');
    expect(failed.length).toBeGreaterThan(0);
    // As of just after it, each failed deployment is its bundle's live version: only the backfill's mark keeps it out.
    const work = async (id: string, atMs: number) =>
      (await wh.query('rollback/work', { now_ms: atMs, since_ms: atMs - 30 * 24 * HOUR })).filter(
        (r) => r.work === 'decide' && r.deployment_id === id,
      );
    const [f] = failed;
    const [d] = await wh.session.all(
      'SELECT epoch_ms(finished_at) AS ms FROM postflight.deployments WHERE deployment_id = $id',
      { id: f!.deploymentId },
    );
    const at = Number(d!.ms) + 1;
    expect(await work(f!.deploymentId, at)).toEqual([]);
    await wh.session.run("UPDATE postflight.verdicts SET tick_id = 'tick-live' WHERE deployment_id = $id", {
      id: f!.deploymentId,
    });
    expect(await work(f!.deploymentId, at)).toHaveLength(1);
    await wh.session.run(`UPDATE postflight.verdicts SET tick_id = 'backfill-${nowMs}' WHERE deployment_id = $id`, {
      id: f!.deploymentId,
    });
    // The verifier's tick after the backfill, with rollbacks on, leaves every past deployment alone.
    const ws = new EmbeddedWorkspace(wh);
    await runTick({ wh, ws, policy: DEFAULT_POLICY, rollback: { policy: resolveRollbackPolicy(undefined) } }, nowMs);
    const rolled = await wh.session.all(
      "SELECT r.deployment_id FROM postflight.rollbacks r JOIN postflight.verdicts v ON v.deployment_id = r.deployment_id WHERE v.tick_id LIKE 'backfill-%'",
    );
    expect(rolled).toEqual([]);
  });
});

describe('postflight backfill', () => {
  const command = async (path: string, ...flags: string[]) => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      const { values } = parseCommon(['backfill', '--warehouse', `duckdb:${path}`, ...flags]);
      const code = await runBackfillCommand(values, createLogger('silent'));
      return { code, out: out.join('') };
    } finally {
      spy.mockRestore();
    }
  };

  it('refuses days it cannot answer, naming the flag and the fix', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'postflight-backfill-cli-')), 'workspace.duckdb');
    const copy = await unverified();
    await copy.wh.saveTo(path);
    await copy.wh.close();
    for (const [days, says] of [
      ['0', /--days '0' must be a whole number from 1/],
      ['abc', /--days 'abc' must be a whole number/],
      ['40', /--days 40 is more than the history holds.*use --days 2[0-9] or less/],
      ['400', /retention.*use --days \d+ or less/],
    ] as const) {
      const err = await command(path, '--days', days, '--json').catch((e: Error) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(says);
    }
    // Judged with failures among the history: exit 1, one JSON object; again: nothing to do, exit 0.
    const once = await command(path, '--days', String(DAYS), '--json');
    expect(once.code).toBe(1);
    const report = JSON.parse(once.out);
    expect(report.judged).toBe(first.judged.length);
    expect(report.verdicts.FAILED).toBeGreaterThan(0);
    expect(report.remaining).toBe(0);
    const again = await command(path, '--days', String(DAYS), '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).judged).toBe(0);
  });
});
