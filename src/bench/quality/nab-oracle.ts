// The hindsight oracle for NAB episodes: what a test that knew each episode's healthy level and
// how far its pooled shift wanders on its own could decide, at the checks' α, β and gate.
//
// A real series has no known level, but in hindsight the series around an episode shows it: a
// post-deploy run's level is the mean of its slot (hour of day, kind of day) over the 28 days on
// either side, the episode's own watch and the labelled anomalies left out. How far a healthy
// watch's pooled shift moves on its own is measured across the series' healthy episodes (the
// standard deviation of their pooled shifts), with no model of noise or correlation to get wrong.
// Each episode's pooled shift over its watch then gets a fixed-sample decision: a failure when a
// one-sided z test rejects at α and the ratio is past the gate (materiality for volume, deltaRel
// up for durations), a pass when two one-sided tests at β put it inside the gate, undecided
// otherwise. Zero rows fail, as the hard rule does. Its undecided share is what these parameters
// leave undecided on these series even with the level known.

import { kMaxFor, materialityFor, type Policy } from '../../checks/policy.js';
import { isWeekend } from '../../checks/slots.js';
import { normalPpf } from '../../stats/index.js';
import type { NabEpisode, NabRuns } from './nab-episodes.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Days on either side of a run whose same-slot runs give its hindsight level. */
const LEVEL_DAYS = 28;
/** Same-slot runs a hindsight level needs. */
const MIN_LEVEL_RUNS = 4;

export type OracleDecision = 'FAIL' | 'PASS' | 'UNDECIDED';

export interface NabOracleFigures {
  /** Share of NAB episodes the oracle leaves undecided. */
  readonly inconclusive_rate: number | null;
  /** Share of bad episodes the oracle fails, by effect. */
  readonly recall: Record<string, number>;
  /** Standard deviation of a healthy watch's pooled log shift, by series. */
  readonly healthy_shift_sd: Record<string, number | null>;
}

/** The fixed-sample decision on a pooled log shift whose healthy standard deviation is `sd`. */
export function oracleDecision(
  shift: number,
  sd: number,
  o: { readonly upOnly: boolean; readonly gate: number; readonly alpha: number; readonly beta: number },
): OracleDecision {
  if (shift === Number.NEGATIVE_INFINITY) return o.upOnly ? 'UNDECIDED' : 'FAIL';
  if (!(sd > 0) || !Number.isFinite(shift)) return 'UNDECIDED';
  const za = normalPpf(1 - o.alpha);
  const zb = normalPpf(1 - o.beta);
  const up = shift / sd >= za && Math.exp(shift) >= 1 + o.gate;
  const down = !o.upOnly && shift / sd <= -za && Math.exp(shift) <= 1 - o.gate;
  if (up || down) return 'FAIL';
  const below = shift + zb * sd < Math.log(1 + o.gate);
  const above = o.upOnly || shift - zb * sd > Math.log(1 - o.gate);
  return below && above ? 'PASS' : 'UNDECIDED';
}

const slotOf = (ms: number) => Math.floor((ms % DAY) / HOUR) + (isWeekend(ms) ? 24 : 0);

/** A series' runs on the judged scale by slot, labelled anomalies left out: built once, read for every watch. */
function slotIndex(runs: NabRuns): Map<number, Array<{ ms: number; y: number }>> {
  const scale = scaleOf(runs);
  const inAnomaly = (ms: number) => runs.series.windows.some(([a, b]) => ms >= a && ms <= b);
  const bySlot = new Map<number, Array<{ ms: number; y: number }>>();
  for (const c of runs.cycles) {
    const y = scale(c.value);
    if (!Number.isFinite(y) || inAnomaly(c.startMs)) continue;
    const list = bySlot.get(slotOf(c.startMs)) ?? [];
    list.push({ ms: c.startMs, y });
    bySlot.set(slotOf(c.startMs), list);
  }
  return bySlot;
}

const scaleOf = (runs: NabRuns) =>
  runs.series.spec.role === 'volume' ? (v: number) => Math.log1p(v) : (v: number) => Math.log(v);

/** Pooled log shift of the runs in [deployMs, deployMs + watchMs) against their hindsight levels; null when none has one. */
export function hindsightShift(
  runs: NabRuns,
  deployMs: number,
  watchMs: number,
  bySlot: ReadonlyMap<number, ReadonlyArray<{ ms: number; y: number }>> = slotIndex(runs),
): number | null {
  const scale = scaleOf(runs);
  const inWatch = (ms: number) => ms >= deployMs && ms < deployMs + watchMs;
  let sum = 0;
  let n = 0;
  for (const c of runs.cycles) {
    if (!inWatch(c.startMs)) continue;
    const y = scale(c.value);
    if (!Number.isFinite(y)) continue;
    const ref = (bySlot.get(slotOf(c.startMs)) ?? []).filter(
      (d) => Math.abs(d.ms - c.startMs) <= LEVEL_DAYS * DAY && !inWatch(d.ms),
    );
    if (ref.length < MIN_LEVEL_RUNS) continue;
    sum += y - ref.reduce((a, d) => a + d.y, 0) / ref.length;
    n++;
  }
  return n ? sum / n : null;
}

function sampleSd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = xs.reduce((a, x) => a + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** The oracle's figures over the NAB episodes the benchmark replays. */
export function nabOracle(episodes: readonly NabEpisode[], policy: Policy): NabOracleFigures {
  const bySeries = new Map<NabRuns, NabEpisode[]>();
  for (const e of episodes) {
    const list = bySeries.get(e.runs);
    if (list) list.push(e);
    else bySeries.set(e.runs, [e]);
  }
  let undecided = 0;
  const caught: Record<string, { n: number; fail: number }> = {};
  const healthySd: Record<string, number | null> = {};
  for (const [runs, mine] of bySeries) {
    const watchMs = Math.min(policy.window.maxHours * HOUR, (kMaxFor(policy, runs.cycleMs) + 1) * runs.cycleMs);
    const shifts = new Map<number, number | null>();
    for (const e of mine)
      if (!shifts.has(e.deployMs)) shifts.set(e.deployMs, hindsightShift(runs, e.deployMs, watchMs));
    const healthy = mine.filter((e) => e.label === 'healthy').map((e) => shifts.get(e.deployMs));
    const sd = sampleSd(healthy.filter((x): x is number => typeof x === 'number'));
    healthySd[runs.name] = sd === null ? null : Math.round(sd * 10_000) / 10_000;
    const upOnly = runs.series.spec.role === 'duration';
    const family = runs.series.spec.file.split('/')[0]!;
    const gate = upOnly ? policy.deltaRel : materialityFor(policy, `nab.${family}.${runs.name}`);
    for (const e of mine) {
      const base = shifts.get(e.deployMs);
      const shift = base === null || base === undefined ? Number.NaN : base + Math.log(e.factor);
      const d = oracleDecision(shift, sd ?? Number.NaN, { upOnly, gate, alpha: policy.alpha, beta: policy.beta });
      if (d === 'UNDECIDED') undecided++;
      if (e.effect !== null) {
        const c = caught[e.effect] ?? { n: 0, fail: 0 };
        caught[e.effect] = c;
        c.n++;
        if (d === 'FAIL') c.fail++;
      }
    }
  }
  const rate = (k: number, n: number) => Math.round((k / n) * 10_000) / 10_000;
  return {
    inconclusive_rate: episodes.length ? rate(undecided, episodes.length) : null,
    recall: Object.fromEntries(Object.entries(caught).map(([effect, c]) => [effect, rate(c.fail, c.n)])),
    healthy_shift_sd: healthySd,
  };
}
