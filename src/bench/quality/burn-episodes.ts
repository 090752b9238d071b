// Burn-driven episodes of the quality benchmark: releases whose runs pass while they are verified,
// then fail one in five (src/simulator/burn-behaviour.ts). Each is judged as the tick judges it:
// the checks at every look until the verdict is final, then, while the release is live (the
// rollback policy's candidate window), the error budget's live watch at the tick after every bad
// run, through the same function the tick gives the warehouse's rows to. Recall and delay (from
// the rise of the failure rate to the failed verdict) are reported, and by which path.

import { DEFAULT_SLO_POLICY, type SloPolicy } from '../../budget/slo-policy.js';
import { baselineHorizons } from '../../checks/baseline-window.js';
import type { Policy } from '../../checks/policy.js';
import { deploymentIdOf } from '../../deployment-id.js';
import { BURN_RISES_AFTER_MS } from '../../simulator/burn-behaviour.js';
import type { SimPipeline } from '../../simulator/catalog.js';
import { versionOf } from '../../simulator/plan.js';
import { hashKey } from '../../simulator/random.js';
import { liveBurns } from '../../tick/live-burn.js';
import type { Row } from '../../warehouse/port.js';
import { judgeAt, lookTimes } from './replay.js';
import { deployInstant, type SimEpisode } from './sim-episodes.js';
import { PeerHistory, simTimeline } from './sim-evidence.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** What the live watch reads back (src/tick/live-burn.ts). */
const RUNS_LOOKBACK_MS = 78 * HOUR;

export interface BurnFigures {
  readonly episodes: number;
  readonly caught: number;
  readonly recall: number | null;
  /** Failed by the error budget's live watch. */
  readonly caught_by_budget: number;
  /** Failed by a check: the rate rose while the release was still verified. */
  readonly caught_by_check: number;
  /** Minutes from the rise of the failure rate to the failed verdict. */
  readonly delay_min_p50: number | null;
  readonly delay_min_max: number | null;
  /** Still live and not failed when the rollback policy's candidate window closed. */
  readonly missed: number;
}

export function burnEpisodeFigures(
  seed: number,
  catalog: readonly SimPipeline[],
  policy: Policy,
  opts: { episodes: number; candidateHours: number; slos?: SloPolicy },
): BurnFigures {
  const slos = opts.slos ?? DEFAULT_SLO_POLICY;
  const pool = catalog.filter((p) => p.cadenceMin <= 60);
  const eps = Array.from({ length: pool.length ? opts.episodes : 0 }, (_, i) =>
    episode(seed, pool[i % pool.length]!, i),
  );
  const deploys = eps.map((ep) => ep.deployMs);
  const peers = new PeerHistory(
    seed,
    baselineHorizons(Math.min(...deploys), policy).sinceMs,
    Math.max(...deploys) + policy.window.maxHours * HOUR + 2 * DAY,
  );
  const outcomes = eps.map((ep) =>
    judgeBurn(ep, simTimeline(ep, catalog, policy, peers), policy, slos, opts.candidateHours),
  );
  const caught = outcomes.filter((o) => o.by !== null);
  const delays = caught.map((o) => o.delayMin!).sort((a, b) => a - b);
  return {
    episodes: outcomes.length,
    caught: caught.length,
    recall: outcomes.length ? caught.length / outcomes.length : null,
    caught_by_budget: caught.filter((o) => o.by === 'budget').length,
    caught_by_check: caught.filter((o) => o.by === 'check').length,
    delay_min_p50: delays.length ? delays[(delays.length - 1) >> 1]! : null,
    delay_min_max: delays.length ? delays[delays.length - 1]! : null,
    missed: outcomes.length - caught.length,
  };
}

function episode(seed: number, p: SimPipeline, i: number): SimEpisode {
  const deployMs = deployInstant(seed, 70_000 + i);
  const version = versionOf(seed, p.bundle, 70_000 + i);
  return {
    index: 70_000 + i,
    label: 'bad',
    effect: null,
    pipeline: p,
    deploymentId: deploymentIdOf(p.bundle, 'prod', version, 70_000 + i),
    version,
    deployMs,
    behaviour: { kind: 'burn_rate', factor: deployMs + BURN_RISES_AFTER_MS },
    incidents: [],
    noiseSeed: hashKey(seed, 'burn-episode', i),
  };
}

function judgeBurn(
  ep: SimEpisode,
  tl: ReturnType<typeof simTimeline>,
  policy: Policy,
  slos: SloPolicy,
  candidateHours: number,
): { by: 'budget' | 'check' | null; delayMin: number | null } {
  const riseMs = ep.behaviour.factor;
  const endMs = ep.deployMs + candidateHours * HOUR;
  let finalAt: number | null = null;
  let state: string | null = null;
  for (const t of lookTimes(tl, policy)) {
    if (t > endMs) break;
    const { verdict } = judgeAt(tl, t, policy);
    if (verdict.final) {
      finalAt = t;
      state = verdict.state;
      break;
    }
  }
  if (state === 'FAILED') return { by: 'check', delayMin: Math.round((finalAt! - riseMs) / MIN) };
  if (finalAt === null) return { by: null, delayMin: null };
  const subject = tl.subjects[0]!;
  const p = ep.pipeline;
  const resources = JSON.stringify([{ type: p.resourceType, id: p.id, key: p.name }]);
  // The tick after each bad run the live watch would see, while the release may still be rolled back.
  for (const bad of subject.runs) {
    if (bad.endMs === null || bad.result !== 'FAILED' || bad.cause === 'infrastructure') continue;
    const now = Math.ceil(bad.endMs / MIN) * MIN + MIN;
    if (now <= finalAt) continue;
    if (now > endMs) break;
    const rows: Row[] = subject.runs
      .filter((r) => r.endMs !== null && r.endMs <= now && r.startMs >= now - RUNS_LOOKBACK_MS)
      .map((r) => ({
        subject_id: p.id,
        deployment_id: ep.deploymentId,
        bundle: p.bundle,
        target: 'prod',
        finished_ms: ep.deployMs,
        resources,
        verdict_state: state,
        run_id: r.runId,
        start_ms: r.startMs,
        end_ms: r.endMs,
        result: r.result,
        cause: r.cause,
      }));
    if (liveBurns(rows, slos, now).length) return { by: 'budget', delayMin: Math.round((now - riseMs) / MIN) };
  }
  return { by: null, delayMin: null };
}
