// `postflight watch`: ticks every minute with a live status: deployments under verification, the
// newest verdict changes, rollbacks in flight, the verifier's own lag. On the embedded world it
// runs faster than real time (--speed 60: a simulated hour in a wall-clock minute).

import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import { runTick } from '../tick/run-tick.js';
import { readWatchStatus } from '../watch/read-status.js';
import { frameLine, renderFrame, type SeenChange, type WatchFrame, withChanges } from '../watch/status.js';
import { parseIntFlag, parseWarehouse } from './args.js';
import { type CommonValues, connectWith, loadPolicies, UsageError } from './common-options.js';
import { tickDepsOf } from './tick-deps.js';

export const WATCH_HELP = `postflight watch [--speed N] [--minutes N] [--json] [--warehouse duckdb:PATH | databricks] [options]

Ticks once a minute and shows what the verifier sees: the deployments under verification, the
newest verdict changes, rollbacks in flight and settled, and its own lag (how long each tick took
against the time it has, and how far behind schedule it runs). On a terminal the status is
redrawn in place; otherwise one line per tick. Ctrl-C stops after the tick under way.

  --speed N     embedded world only: N simulated minutes per wall-clock minute, 1 to 600 (default 1);
                --speed 60 runs a simulated hour in a minute. As fast as the ticks allow when they
                cannot keep up (the lag says so).
  --minutes N   stop after N ticks (simulated or real minutes; default: until Ctrl-C)
  --json        one JSON object per tick (the status), one per line
  --policy, --warehouse, --ops, --event-log, --backfill-days, --tick-budget-s: as for 'postflight tick'

On a workspace (--warehouse databricks) watch ticks at the wall clock, like the verifier job: run
it where the job is paused, or it judges the same minutes twice (harmless: every write is keyed,
but it doubles the warehouse's work).

Exit codes: 0 stopped as asked (--minutes or Ctrl-C), 2 bad input or a tick with measurement errors
at the end.

Examples:
  postflight watch --speed 60 --minutes 60
  postflight watch --warehouse databricks --minutes 30 --json
`;

export async function runWatchCommand(values: CommonValues, log: Logger): Promise<number> {
  if (values.help) {
    process.stdout.write(WATCH_HELP);
    return 0;
  }
  const target = parseWarehouse(values.warehouse, '.postflight');
  const speed = parseIntFlag('speed', values.speed, 1, 1, 600);
  if (speed !== 1 && target.kind !== 'duckdb')
    throw new UsageError('--speed runs a simulated world faster than real time; a workspace ticks at the wall clock');
  const minutes = values.minutes === undefined ? null : parseIntFlag('minutes', values.minutes, 60, 1, 100_000);
  const policies = await loadPolicies(values.policy);
  const conn = await connectWith(values, target, log);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const out = process.stdout;
  let drawnLines = 0;
  let errors = 0;
  try {
    const deps = tickDepsOf(values, conn, policies, log);
    const stepMs = 60_000 / speed;
    const startWall = Date.now();
    let seen: SeenChange[] = [];
    for (let tick = 1; minutes === null || tick <= minutes; tick++) {
      if (conn.world) await conn.world.advance(conn.world.nowMs + 60_000);
      const t0 = Date.now();
      const s = await runTick(deps, conn.nowMs());
      const tickMs = Date.now() - t0;
      seen = withChanges(seen, s);
      const status = await readWatchStatus(conn.wh, s.nowMs);
      const dueWall = startWall + tick * stepMs;
      const frame: WatchFrame = {
        tick,
        of: minutes,
        nowMs: s.nowMs,
        speed,
        underVerification: s.deployments,
        verdicts: s.verdicts,
        open: status.open,
        changes: seen,
        rollbacks: status.rollbacks,
        tickMs,
        budgetMs: stepMs,
        behindMs: Math.max(0, Date.now() - dueWall),
        errors: s.errors.length,
      };
      errors = s.errors.length;
      for (const e of s.errors) log.warn(e, 'measurement error');
      if (values.json) out.write(`${JSON.stringify(frame)}\n`);
      else if (out.isTTY) {
        const text = renderFrame(frame);
        // Up to the first line of the last frame, then clear to the end of the screen.
        out.write(`${drawnLines ? `\x1b[${drawnLines}F\x1b[J` : ''}${text}`);
        drawnLines = text.split('\n').length - 1;
      } else
        out.write(
          frameLine(
            frame,
            seen.filter((c) => c.atMs === s.nowMs),
          ),
        );
      if (stop.signal.aborted || (minutes !== null && tick === minutes)) break;
      // The next tick is due a step after this one was; a tick that overran starts the next at once.
      await sleep(Math.max(0, dueWall - Date.now()), undefined, { signal: stop.signal }).catch(() => undefined);
      if (stop.signal.aborted) break;
    }
    return errors ? 2 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await conn.close();
  }
}
