// The config check: what a deployment changed in how its jobs and pipelines are started and
// watched, from their settings just before and just after it. A change that stops production
// work (nothing left to start a job, every run skipped, a pipeline in development mode or
// publishing elsewhere) fails at once; one that only weakens the watch (notifications, health
// rules, timeouts) warns. Needs no runs: judged at the first tick after the deploy. Pure.

import type { CheckResult } from '../types.js';
import { type ConfigFacts, commonGround, factsOf, type SettingsChange } from './config-facts.js';
import type { Policy } from './policy.js';
import { checkResult, measurementError } from './result.js';

export interface ConfigChange {
  /** True when the change stops production work rather than weakening how it is watched. */
  readonly stops: boolean;
  readonly what: string;
}

const BY = 'by this deployment';
const scopeLabel = (scope: string, label: string) => (scope === 'job' ? label : `${scope} of ${label}`);
const eventLabel = (event: string) => event.replace(/^on[-_]/, '').replaceAll(/[-_]/g, ' ');

function starterChanges(before: ConfigFacts, after: ConfigFacts, label: string): ConfigChange[] {
  if (!before.starters || !after.starters) return [];
  const left = after.starters.filter((s) => s.active);
  const stops = left.length === 0;
  return before.starters
    .filter((s) => s.active && !left.some((a) => a.kind === s.kind))
    .map((s) => {
      const verb = after.starters!.some((a) => a.kind === s.kind) ? 'paused' : 'removed';
      const head =
        s.kind === 'continuous run' ? `continuous ${label} ${verb} ${BY}` : `${s.kind} of ${label} ${verb} ${BY}`;
      return {
        stops,
        what: stops ? head : `${head}, leaving its ${left.map((a) => a.kind).join(' and ')} to start it`,
      };
    });
}

function pipelineChanges(before: ConfigFacts, after: ConfigFacts, label: string): ConfigChange[] {
  const out: ConfigChange[] = [];
  if (before.development !== true && after.development === true)
    out.push({ stops: true, what: `${label} switched to development mode ${BY}` });
  if (before.target !== null && after.target !== null && before.target !== after.target)
    out.push({ stops: true, what: `${label} now publishes to ${after.target} instead of ${before.target}, ${BY}` });
  if (before.continuousPipeline === true && after.continuousPipeline === false)
    out.push({ stops: false, what: `${label} switched from continuous to triggered ${BY}` });
  return out;
}

function timeoutChanges(before: ConfigFacts, after: ConfigFacts, label: string): ConfigChange[] {
  if (!before.timeouts || !after.timeouts) return [];
  const out: ConfigChange[] = [];
  for (const [scope, was] of before.timeouts) {
    const now = after.timeouts.get(scope);
    if (was <= 0 || now === undefined) continue; // no timeout before, or the task is gone
    const whose = `timeout of ${scopeLabel(scope, label)}`;
    if (now <= 0) out.push({ stops: false, what: `${whose} removed ${BY} (was ${was} s)` });
    else if (now > was) out.push({ stops: false, what: `${whose} loosened from ${was} s to ${now} s ${BY}` });
  }
  return out;
}

function healthChanges(before: ConfigFacts, after: ConfigFacts, label: string): ConfigChange[] {
  if (!before.healthRules || !after.healthRules) return [];
  const out: ConfigChange[] = [];
  for (const [key, was] of before.healthRules) {
    const [scope, metric] = key.split('|') as [string, string];
    if (scope !== 'job' && after.timeouts && !after.timeouts.has(scope)) continue; // the task is gone
    const now = after.healthRules.get(key);
    const whose = `${metric} health rule of ${scopeLabel(scope, label)}`;
    if (now === undefined) out.push({ stops: false, what: `${whose} removed ${BY}` });
    else if (now > was) out.push({ stops: false, what: `${whose} loosened from ${was} to ${now} ${BY}` });
  }
  return out;
}

function notificationChanges(before: ConfigFacts, after: ConfigFacts, label: string): ConfigChange[] {
  const out: ConfigChange[] = [];
  if (before.notifications && after.notifications) {
    const gone = [...before.notifications]
      .filter((n) => !after.notifications!.has(n))
      .map((n) => n.split('|') as [string, string, string])
      .filter(([scope]) => scope === 'job' || scope === 'pipeline' || !after.timeouts || after.timeouts.has(scope));
    if (gone.length) {
      const shown = gone.slice(0, 3).map(([scope, event, to]) => {
        const where = scope === 'job' || scope === 'pipeline' ? '' : ` (${scope})`;
        return `${eventLabel(event)} to ${to}${where}`;
      });
      const more = gone.length > 3 ? ` and ${gone.length - 3} more` : '';
      const noun = gone.length === 1 ? 'notification' : 'notifications';
      out.push({ stops: false, what: `${noun} of ${label} removed ${BY}: ${shown.join(', ')}${more}` });
    }
  }
  if (before.silenced && after.silenced) {
    for (const key of after.silenced) {
      if (before.silenced.has(key)) continue;
      const [scope, flag] = key.split('|') as [string, string];
      const runs = flag === 'no_alert_for_skipped_runs' ? 'skipped' : 'canceled';
      out.push({ stops: false, what: `alerts for ${runs} runs of ${scopeLabel(scope, label)} switched off ${BY}` });
    }
  }
  return out;
}

/** Every change between the two sides, those that stop production work first. */
export function configChanges(before: ConfigFacts, after: ConfigFacts, label: string): ConfigChange[] {
  const out: ConfigChange[] = [
    ...starterChanges(before, after, label),
    ...pipelineChanges(before, after, label),
    ...timeoutChanges(before, after, label),
    ...healthChanges(before, after, label),
    ...notificationChanges(before, after, label),
  ];
  if (before.maxConcurrentRuns !== 0 && after.maxConcurrentRuns === 0)
    out.push({ stops: true, what: `max_concurrent_runs of ${label} set to 0 ${BY}, which skips every new run` });
  return out.sort((a, b) => Number(b.stops) - Number(a.stops));
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The config check of one job or pipeline, or null where either side of the deploy is unknown.
 * `deployedMs` is when the change took effect: the evidence a failure is decided on.
 */
export function checkConfig(
  change: SettingsChange,
  fallbackName: string,
  policy: Policy,
  deployedMs: number,
  expected: boolean,
): CheckResult | null {
  const { before, after } = change;
  if (!before || !after) return null;
  const subject = `${change.type}:${change.id}`;
  const critical = policy.critical.config;
  const beforeFacts = factsOf(change.type, before);
  const afterFacts = factsOf(change.type, after);
  if (!beforeFacts || !afterFacts) {
    const which = !beforeFacts ? before.source : after.source;
    return measurementError('config', subject, 0, critical, `the ${which} settings are not a JSON object`);
  }
  const [b, a] = commonGround(beforeFacts, afterFacts, before.source, after.source);
  const label = `${change.type} ${a.name ?? b.name ?? fallbackName}`;
  const changes = configChanges(b, a, label);
  const plane = before.source === 'snapshot' && after.source === 'snapshot' ? 'fast' : 'slow';
  const pass = (explanation: string) =>
    checkResult({ check: 'config', subject, look: 0, status: 'PASS', critical, plane, explanation });
  if (changes.length === 0)
    return pass(`no schedule, trigger, target, notification, health rule or timeout of ${label} changed ${BY}`);
  const sentence = capital(changes.map((c) => c.what).join('; '));
  const stops = changes.some((c) => c.stops);
  if (expected) return pass(`${sentence}, declared as an expected change`);
  return checkResult({
    check: 'config',
    subject,
    look: 0,
    status: stops ? 'FAIL' : 'WARN',
    critical: stops && critical,
    plane,
    decidedAtMs: deployedMs,
    explanation: sentence,
  });
}
