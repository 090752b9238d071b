// A deployment's story as text for a person at a terminal: the verdict and why, each check with
// its numbers and its evidence drawn before and after the deploy, the control group, the rollback
// or why there was none, the blast radius, the CI run and the trace. Pure.

import { drawBars, drawSeries, formatNumber, type Glyphs } from './sparkline.js';
import type { Story, StoryCheck } from './story-types.js';

const MARK: Readonly<Record<string, string>> = {
  PASS: 'ok  ',
  WARN: 'WARN',
  FAIL: 'FAIL',
  INCONCLUSIVE: '... ',
  ERROR: 'ERR ',
};
const ORDER: Readonly<Record<string, number>> = { FAIL: 0, ERROR: 1, WARN: 2, INCONCLUSIVE: 3, PASS: 4 };

export function utc(ms: number | null): string {
  return ms === null ? '-' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function minutesBetween(a: number | null, b: number | null): string {
  return a === null || b === null ? '' : ` (${Math.round((b - a) / 60_000)} min after the deploy)`;
}

function numbersLine(c: StoryCheck): string | null {
  const n = c.numbers;
  const parts: string[] = [];
  const add = (label: string, v: number | null) => {
    if (v !== null) parts.push(`${label} ${formatNumber(v)}`);
  };
  add('observed', n.observed);
  if (n.baselineCenter !== null)
    parts.push(
      `baseline ${formatNumber(n.baselineCenter)}${n.baselineSpread !== null ? ` ± ${formatNumber(n.baselineSpread)}` : ''}`,
    );
  add('threshold', n.threshold);
  add('statistic', n.statistic);
  if (n.pValue !== null) parts.push(`p ${n.pValue.toPrecision(2)}`);
  add('effect', n.effect);
  if (n.baselineN || n.postN) parts.push(`runs ${n.baselineN ?? 0} before, ${n.postN ?? 0} after`);
  return parts.length ? parts.join(', ') : null;
}

function checkLines(c: StoryCheck, glyphs: Glyphs): string[] {
  const tags = [c.critical ? 'critical' : 'advisory', `look ${c.look + 1} of ${c.looks}`, `${c.plane ?? '?'} plane`];
  if (c.suppressedBy) tags.push(`not counted: ${c.suppressedBy}`);
  const out = [`  ${MARK[c.status] ?? c.status} ${c.check} on ${c.subject} [${tags.join(', ')}]`];
  if (c.explanation) out.push(`       ${c.explanation}`);
  const numbers = numbersLine(c);
  if (numbers) out.push(`       ${numbers}`);
  const drawn = c.series ? drawSeries(c.series, glyphs) : null;
  if (drawn) out.push(`       before → after: ${drawn}`);
  else if (c.numbers.baselineCenter !== null && c.numbers.observed !== null)
    out.push(
      ...drawBars(c.numbers.baselineCenter, c.numbers.observed, glyphs)
        .split('\n')
        .map((l) => `       ${l}`),
    );
  return out;
}

export function renderStory(s: Story, glyphs: Glyphs): string {
  const d = s.deployment;
  const v = s.verdict;
  const out: string[] = [];
  out.push(`${d.deploymentId}: ${d.bundle} ${d.version.slice(0, 12)} → ${d.target}`);
  out.push(
    `deployed ${utc(d.finishedMs)} by ${d.actor ?? 'unknown'}${d.previousVersion ? `, after ${d.previousVersion.slice(0, 12)}` : ''}; status ${d.status ?? '-'}`,
  );
  out.push(`resources: ${d.resources.map((r) => `${r.type} ${r.key} (${r.id})`).join(', ') || 'none recorded'}`);
  if (d.expectedChanges.length) out.push(`expected to move: ${d.expectedChanges.join(', ')}`);
  out.push('');
  if (!v) out.push('VERDICT  not judged yet: no tick has looked at this deployment');
  else {
    out.push(
      `VERDICT  ${v.state}${v.isFinal ? ' (final)' : ' (still verifying)'}, first verdict ${utc(v.firstVerdictMs)}${minutesBetween(d.finishedMs, v.firstVerdictMs)}, last ${utc(v.updatedMs)}`,
    );
    for (const part of (v.reason ?? '').split(' | ').filter(Boolean)) out.push(`  why: ${part}`);
    if (v.pageReason) out.push(`  PAGE: ${v.pageReason}`);
  }
  out.push('');
  const checks = [...s.checks].sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9));
  out.push(
    `CHECKS (${s.checks.length}, the newest look of each; drawn: runs before the deploy, then after, on one scale)`,
  );
  for (const c of checks) out.push(...checkLines(c, glyphs));
  if (!s.checks.length) out.push('  none recorded yet');
  out.push('');
  out.push('CONTROL GROUP (untouched jobs and pipelines reading the same tables)');
  if (s.controlGroup.peers.length)
    for (const p of s.controlGroup.peers)
      out.push(`  ${p.entityType.toLowerCase()} ${p.entityId} reads ${p.shared.join(', ')}`);
  else out.push('  none: no other job or pipeline reads what this deployment reads');
  for (const u of s.controlGroup.upstream)
    out.push(`  put down to upstream: ${u.check} on ${u.subject}${u.explanation ? `: ${u.explanation}` : ''}`);
  if (s.controlGroup.peers.length && !s.controlGroup.upstream.length)
    out.push('  no failure was put down to upstream: the peers did not move with it, or nothing failed on volume');
  out.push('');
  out.push('ROLLBACK');
  for (const r of s.rollback.rollbacks) {
    out.push(
      `  ${r.rollbackId}: ${r.state ?? '-'}, safety ${r.safety ?? '-'}, ${r.strategy ?? '-'}; ${r.fromVersion?.slice(0, 12) ?? '?'} → ${r.toVersion?.slice(0, 12) ?? '?'}, requested ${utc(r.requestedMs)}, ${r.attempts ?? 0} attempt(s)`,
    );
    if (r.reason) out.push(`    because: ${r.reason}`);
    for (const why of r.safetyReasons) out.push(`    ${r.safety === 'SAFE' ? 'plan' : 'why not'}: ${why}`);
    if (r.detail) out.push(`    outcome: ${r.detail}`);
    if (r.restoreDeploymentId)
      out.push(`    restored version re-verified as ${r.restoreDeploymentId}: ${r.restoreState ?? 'not judged yet'}`);
  }
  if (s.rollback.whyNot) out.push(`  ${s.rollback.whyNot}`);
  if (!s.rollback.rollbacks.length && !s.rollback.whyNot) out.push('  none');
  if (s.rollback.quarantined) out.push(`  version quarantined (CI will not promote it): ${s.rollback.quarantined}`);
  out.push('');
  out.push('BLAST RADIUS (Unity Catalog lineage)');
  out.push(`  reads:  ${s.blastRadius.reads.join(', ') || 'none seen'}`);
  out.push(`  writes: ${s.blastRadius.writes.join(', ') || 'none seen'}`);
  if (s.blastRadius.downstream.length)
    for (const e of s.blastRadius.downstream)
      out.push(
        `  hop ${e.hop}: ${(e.entityType ?? 'entity').toLowerCase()} ${e.entityId ?? '?'} reads ${e.source}${e.target ? ` and writes ${e.target}` : ''}`,
      );
  else out.push('  downstream: nothing reads these tables in the lineage of the last 7 days');
  out.push('');
  out.push(`CI  run ${s.ci.runUrl ?? '-'}  trace ${s.ci.traceId ?? '-'}`);
  for (const st of s.ci.stages)
    out.push(
      `  ${st.stage.padEnd(9)} ${String(st.status ?? '-').padEnd(10)} ${utc(st.startedMs)}${st.attempt > 1 ? ` (attempt ${st.attempt})` : ''}`,
    );
  return `${out.join('\n')}\n`;
}
