import { describe, expect, it } from 'vitest';
import { type CostEvidence, checkCost } from '../../src/checks/cost.js';
import { DEFAULT_POLICY, type Policy } from '../../src/checks/policy.js';
import { decideVerdict } from '../../src/checks/verdict.js';
import { parsePolicyFile } from '../../src/config/policy-file.js';

const resolvePolicySet = (json: unknown) => parsePolicyFile(JSON.stringify(json), 'policy.json');

import { buildCatalog } from '../../src/simulator/catalog.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { normal } from '../../src/simulator/random.js';
import { durationFactor } from '../../src/simulator/seasonality.js';
import { jobSettings } from '../../src/simulator/settings.js';
import type { RunCost, Subject } from '../../src/types.js';
import { testDeployment } from '../support/deployment.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEPLOY = Date.UTC(2026, 10, 4, 9, 30);
const subject: Subject = { type: 'job', id: '42', name: 'orders_hourly', targetTables: [], sourceTables: [] };

/** An hourly job's billed runs: DBUs with its duration's daily pattern and noise, priced at $0.15 a DBU. */
function runs(fromMs: number, toMs: number, factor: number, seed = 1, sigma = 0.08): RunCost[] {
  const out: RunCost[] = [];
  for (let t = Math.ceil(fromMs / HOUR) * HOUR + 5 * 60_000; t < toMs; t += HOUR) {
    const dbus = 3 * durationFactor(t) * Math.exp(sigma * normal(seed, 'c', t)) * factor;
    out.push({ subjectId: '42', runId: `r${t}`, usageFromMs: t, billedToMs: t + HOUR, dbus, dollars: dbus * 0.15 });
  }
  return out;
}

function evidence(factor: number, postRuns: number, extra: Partial<CostEvidence> = {}): CostEvidence {
  return {
    subject,
    baseline: runs(DEPLOY - 28 * DAY, DEPLOY, 1),
    post: runs(DEPLOY, DEPLOY + postRuns * HOUR, factor),
    unbilledEndMs: [],
    ...extra,
  };
}

const now = DEPLOY + 20 * HOUR;

describe('cost check', () => {
  it('fails a doubling of DBUs per run within three billed runs, not critical, with its dollars', () => {
    const r = checkCost(evidence(2, 3), DEFAULT_POLICY, now);
    expect(r.status).toBe('FAIL');
    expect(r.critical).toBe(false);
    expect(r.check).toBe('cost');
    expect(r.effect!).toBeGreaterThan(1.8);
    expect(r.effect!).toBeLessThan(2.2);
    expect(r.observed! / r.baselineCenter!).toBeCloseTo(r.effect!, 6);
    expect(r.plane).toBe('slow');
    expect(r.evidenceAgeS).toBeGreaterThan(0);
    expect(r.explanation).toMatch(/DBUs per run ×[12]\.\d \(\$0\.\d\d → \$\d\.\d\d per run\)/);
  });

  it('passes runs that cost what they did, and warns a rise of a third', () => {
    expect(checkCost(evidence(1, 3), DEFAULT_POLICY, now).status).toBe('PASS');
    const warned = checkCost(evidence(1.35, 4), DEFAULT_POLICY, now);
    expect(warned.status).toBe('WARN');
    expect(warned.explanation).toMatch(/watching the next runs/);
  });

  it('waits for billing, saying how late it is, and for enough history', () => {
    const waiting = checkCost(
      evidence(3, 0, { unbilledEndMs: [DEPLOY + HOUR, DEPLOY + 2 * HOUR] }),
      DEFAULT_POLICY,
      DEPLOY + 3 * HOUR,
    );
    expect(waiting.status).toBe('INCONCLUSIVE');
    expect(waiting.recheckAtMs).toBe(DEPLOY + HOUR + 12 * HOUR);
    expect(waiting.explanation).toMatch(/2 post-deploy run\(s\) of orders_hourly not billed yet .*12 hours late/);
    const thin = checkCost({ ...evidence(3, 3), baseline: runs(DEPLOY - 4 * HOUR, DEPLOY, 1) }, DEFAULT_POLICY, now);
    expect(thin.status).toBe('INCONCLUSIVE');
    expect(thin.explanation).toMatch(
      /only \d+ billed runs of orders_hourly to compare with before the deploy \(need 7\)/,
    );
  });

  it('names the cluster change that goes with the rise', () => {
    const [p] = buildCatalog(defaultSpec({ pipelines: 1 }));
    const before = jobSettings(p!, 'v1');
    const after = jobSettings(p!, 'v2', 'cost_regression', 4);
    const r = checkCost(
      evidence(4, 3, {
        settings: {
          type: 'job',
          id: '42',
          before: { source: 'snapshot', settings: before },
          after: { source: 'snapshot', settings: after },
        },
      }),
      DEFAULT_POLICY,
      now,
    );
    expect(r.status).toBe('FAIL');
    expect(r.explanation).toMatch(/^node type i3\.xlarge → i3\.4xlarge in this deployment; DBUs per run ×[34]\.\d/);
  });

  it('is critical where a bundle makes it so, and the verdict then fails; otherwise it stays a concern', () => {
    const set = resolvePolicySet({
      version: 1,
      bundles: { 'orders-bundle': { checks: { cost: { critical: true } } } },
    });
    const strict = set.forBundle('orders-bundle');
    expect(strict.critical.cost).toBe(true);
    expect(set.forBundle('other').critical.cost).toBe(false);
    const r = checkCost(evidence(3, 3), strict, now);
    expect(r.status).toBe('FAIL');
    expect(r.critical).toBe(true);
    const ev = {
      deployment: testDeployment({
        bundle: 'orders-bundle',
        finishedMs: DEPLOY,
        resources: [{ type: 'job', id: '42', key: 'orders' }],
      }),
      supersededAtMs: null,
      subjects: [],
      errors: [],
      peers: [],
    };
    expect(decideVerdict(ev, [r], strict, now).state).toBe('FAILED');
    const lenient = checkCost(evidence(3, 3), DEFAULT_POLICY, now);
    expect(decideVerdict(ev, [lenient], DEFAULT_POLICY, now).state).toBe('DEGRADED');
  });

  it('rejects a failing rise below the warning one, naming the field', () => {
    expect(() =>
      resolvePolicySet({ version: 1, bundles: { b: { checks: { cost: { warnRatio: 1.5, failRatio: 1.2 } } } } }),
    ).toThrow(/bundles\.b\.checks\.cost\.failRatio/);
    expect(() => resolvePolicySet({ version: 1, checks: { cost: { warnRatio: 0.9 } } })).toThrow(
      /checks\.cost\.warnRatio/,
    );
  });

  it('keeps a healthy verdict watched, final for CI, while billing is awaited', () => {
    const policy: Policy = DEFAULT_POLICY;
    const pending = checkCost(evidence(1, 0, { unbilledEndMs: [DEPLOY + HOUR] }), policy, DEPLOY + 4 * HOUR);
    const passed = { ...pending, check: 'run_health' as const, status: 'PASS' as const, look: 3 };
    const ev = {
      deployment: testDeployment({ bundle: 'b', finishedMs: DEPLOY, resources: [] }),
      supersededAtMs: null,
      subjects: [],
      errors: [],
      peers: [],
    };
    const v = decideVerdict(ev, [passed, pending], policy, DEPLOY + 4 * HOUR);
    expect(v.state).toBe('HEALTHY');
    expect(v.final).toBe(true);
    expect(v.recheckAtMs).toBe(DEPLOY + HOUR + 12 * HOUR);
    expect(v.reason).toMatch(/cost watched until billed/);
  });
});
