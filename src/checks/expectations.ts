// Data-quality check per subject: every DLT expectation and dbt test its post-deploy runs
// evaluated, judged against the runs before the deploy. One result per subject, named after
// its worst rule. A subject with no expectation records at all (before or after the deploy)
// gets no result: most jobs have no rules, and a row saying so for each would be noise.

import type { CheckResult, ExpectationRecord, Subject } from '../types.js';
import { judgeRule, type RuleVerdict, severityRank } from './expectation-rule.js';
import { ruleHistories } from './expectation-runs.js';
import { kMaxFor, type Policy } from './policy.js';
import { checkResult } from './result.js';
import { medianGapMs } from './slots.js';

const WORDS: Partial<Record<CheckResult['status'], string>> = {
  FAIL: 'failing',
  WARN: 'warning',
  ERROR: 'unmeasurable',
  INCONCLUSIVE: 'undecided',
};

function worstFirst(a: RuleVerdict, b: RuleVerdict): number {
  return (
    severityRank(a.status) - severityRank(b.status) || (a.pValue ?? 1) - (b.pValue ?? 1) || a.rule.localeCompare(b.rule)
  );
}

function othersWord(others: readonly RuleVerdict[]): string {
  const counts = new Map<string, number>();
  for (const o of others) {
    const w = WORDS[o.status];
    if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  if (counts.size === 0) return others.length ? `; the other ${others.length} rule(s) pass` : '';
  return `; of the other ${others.length} rule(s), ${[...counts].map(([w, n]) => `${n} ${w}`).join(', ')}`;
}

/**
 * `baseline`: records of runs before the deploy; `post`: records of runs after it. Returns null
 * when the subject has no records at all.
 */
export function checkExpectations(
  subject: Subject,
  baseline: readonly ExpectationRecord[],
  post: readonly ExpectationRecord[],
  policy: Policy,
  nowMs: number,
): CheckResult | null {
  if (baseline.length === 0 && post.length === 0) return null;
  const postRunIds = new Set(post.map((r) => r.runId));
  const look = postRunIds.size;
  const newest = post.reduce((m, r) => Math.max(m, r.timestampMs), 0);
  const lastRecord = post.find((r) => r.timestampMs === newest);
  const base = {
    check: 'expectations' as const,
    subject: `${subject.type}:${subject.id}`,
    look,
    postN: look,
    critical: policy.critical.expectations,
    plane: lastRecord?.plane ?? 'fast',
    evidenceAgeS: newest ? (nowMs - newest) / 1000 : null,
  } as const;
  const before = new Map(ruleHistories(baseline).map((h) => [h.name, h]));
  if (look === 0) {
    return checkResult({
      ...base,
      status: 'INCONCLUSIVE',
      baselineN: new Set(baseline.map((r) => r.runId)).size,
      explanation: `no post-deploy run of ${subject.name} has reported its ${before.size} data-quality rule(s) yet; decides after run 1`,
    });
  }
  const baseRunStarts = [...new Set(baseline.map((r) => r.timestampMs))].sort((a, b) => a - b);
  const kMax = kMaxFor(policy, medianGapMs(baseRunStarts));
  const verdicts: RuleVerdict[] = ruleHistories(post).map((after) => {
    const bad = after.malformed[0];
    if (bad) {
      return {
        rule: after.name,
        status: 'ERROR',
        baselineN: before.get(after.name)?.runs.length ?? 0,
        observed: null,
        baselineCenter: null,
        baselineSpread: null,
        threshold: null,
        statistic: null,
        pValue: null,
        effect: null,
        explanation: `could not measure rule ${after.name} on run ${bad.runId}: ${bad.reason}`,
      };
    }
    return judgeRule(before.get(after.name), after, policy, kMax);
  });
  verdicts.sort(worstFirst);
  const worst = verdicts[0]!;
  const silent = [...before.keys()].filter((name) => !verdicts.some((v) => v.rule === name)).length;
  const silentWord = silent ? `; ${silent} rule(s) seen before the deploy did not report since` : '';
  const { rule: _rule, explanation, ...stats } = worst;
  const lead =
    worst.status === 'PASS' && verdicts.length > 1
      ? `all ${verdicts.length} data-quality rules of ${subject.name} pass after ${look} post-deploy run(s); closest call: ${explanation}`
      : `${subject.name}: ${explanation}${othersWord(verdicts.slice(1))}`;
  return checkResult({ ...base, ...stats, explanation: `${lead}${silentWord}` });
}
