// What `postflight watch` shows after each tick: deployments under verification, the newest
// verdict changes, rollbacks in flight and the verifier's own lag. Built from the tick's summary
// and two reads; drawn as a block redrawn in place on a terminal, or as one line per tick. Pure.

import type { TickSummary } from '../tick/types.js';

export interface OpenDeployment {
  readonly deploymentId: string;
  readonly bundle: string;
  readonly version: string;
  readonly state: string;
  readonly finishedMs: number | null;
}

export interface WatchedRollback {
  readonly rollbackId: string;
  readonly deploymentId: string;
  readonly bundle: string | null;
  readonly state: string;
  readonly safety: string | null;
  readonly requestedMs: number | null;
}

export interface SeenChange {
  readonly atMs: number;
  readonly deploymentId: string;
  readonly from: string | null;
  readonly to: string;
}

export interface WatchFrame {
  readonly tick: number;
  /** Ticks asked for; null: until stopped. */
  readonly of: number | null;
  readonly nowMs: number;
  /** Simulated minutes per wall-clock minute; 1 on a workspace. */
  readonly speed: number;
  readonly underVerification: number;
  readonly verdicts: Readonly<Record<string, number>>;
  readonly open: readonly OpenDeployment[];
  /** Newest first. */
  readonly changes: readonly SeenChange[];
  readonly rollbacks: readonly WatchedRollback[];
  readonly tickMs: number;
  /** What a tick may take at this speed before the next is due. */
  readonly budgetMs: number;
  /** How far the ticks are behind their schedule (wall clock). */
  readonly behindMs: number;
  readonly errors: number;
}

/** Verdict changes kept on screen. */
export const CHANGES_SHOWN = 8;

/** The changes seen so far with this tick's in front, newest first. */
export function withChanges(seen: readonly SeenChange[], s: TickSummary): SeenChange[] {
  const now = s.changed.map((c) => ({ atMs: s.nowMs, deploymentId: c.deploymentId, from: c.from, to: c.to }));
  return [...now, ...seen].slice(0, CHANGES_SHOWN);
}

const hhmm = (ms: number | null) => (ms === null ? '--:--' : new Date(ms).toISOString().slice(11, 16));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function counts(verdicts: Readonly<Record<string, number>>): string {
  const parts = Object.entries(verdicts)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, n]) => `${k} ${n}`);
  return parts.join(', ') || 'none';
}

export function lagWords(f: WatchFrame): string {
  const over = f.tickMs > f.budgetMs ? ' (over budget: the ticks fall behind)' : '';
  return `tick took ${secs(f.tickMs)} of ${secs(f.budgetMs)}${over}; ${f.behindMs > 0 ? `${secs(f.behindMs)} behind schedule` : 'on schedule'}`;
}

/** The block a terminal shows, redrawn after every tick. */
export function renderFrame(f: WatchFrame): string {
  const at = new Date(f.nowMs).toISOString().slice(0, 16).replace('T', ' ');
  const out = [
    `postflight watch  ${at} UTC${f.speed !== 1 ? `  x${f.speed}` : ''}  tick ${f.tick}${f.of ? ` of ${f.of}` : ''}  (Ctrl-C stops)`,
    `verifier: ${lagWords(f)}; ${f.errors} measurement error(s)`,
    '',
    `UNDER VERIFICATION: ${f.underVerification} (${counts(f.verdicts)})`,
  ];
  for (const d of f.open)
    out.push(
      `  ${d.bundle.padEnd(22)} ${d.version.slice(0, 10)}  ${d.state.padEnd(12)} deployed ${hhmm(d.finishedMs)}  ${d.deploymentId}`,
    );
  out.push('', 'VERDICT CHANGES (newest first)');
  for (const c of f.changes) out.push(`  ${hhmm(c.atMs)}  ${c.deploymentId}  ${c.from ?? 'new'} -> ${c.to}`);
  if (!f.changes.length) out.push('  none yet');
  out.push('', 'ROLLBACKS (in flight, and settled in the last hour)');
  for (const r of f.rollbacks)
    out.push(
      `  ${r.rollbackId}  ${(r.bundle ?? '').padEnd(22)} ${r.state.padEnd(10)} ${r.safety ?? ''}  requested ${hhmm(r.requestedMs)}`,
    );
  if (!f.rollbacks.length) out.push('  none');
  return `${out.join('\n')}\n`;
}

/** One line per tick, for output that is not a terminal. */
export function frameLine(f: WatchFrame, changedNow: readonly SeenChange[]): string {
  const inFlight = f.rollbacks.filter((r) => r.state === 'REQUESTED' || r.state === 'EXECUTING').length;
  const changes = changedNow.map((c) => `${c.deploymentId} ${c.from ?? 'new'}->${c.to}`).join(', ');
  return `${new Date(f.nowMs).toISOString()} tick ${f.tick}: ${f.underVerification} under verification (${counts(f.verdicts)}); ${changedNow.length} verdict change(s)${changes ? `: ${changes}` : ''}; ${inFlight} rollback(s) in flight; ${lagWords(f)}\n`;
}
