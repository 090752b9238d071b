import { describe, expect, it } from 'vitest';
import { checkMonitors, type DriftObservation, type QualityResult } from '../../src/checks/monitors.js';
import { DEFAULT_POLICY, type Policy } from '../../src/checks/policy.js';
import { parsePolicyFile } from '../../src/config/policy-file.js';

const H = 3_600_000;
const DEPLOY = Date.UTC(2026, 2, 2, 10, 0);
const NOW = DEPLOY + 6 * H;
const T = 'prod.sales.orders';

const policy = (over: Partial<Policy['monitors']> = {}): Policy => ({
  ...DEFAULT_POLICY,
  monitors: { dataQuality: true, drift: {}, ...over },
});

const dq = (atMs: number, freshness: string, completeness = 'Healthy', table = T): QualityResult => ({
  table,
  eventMs: atMs,
  status: freshness === 'Healthy' && completeness === 'Healthy' ? 'Healthy' : 'Unhealthy',
  freshness,
  completeness,
});

const judge = (quality: QualityResult[], drift: DriftObservation[] = [], p = policy()) =>
  checkMonitors(T, { quality, drift }, DEPLOY, NOW, p, NOW, 2);

describe('data quality monitoring as evidence', () => {
  it('fails a table that turned stale after the deploy and was healthy before, naming the monitor and the time', () => {
    const r = judge([
      dq(DEPLOY - 2 * H, 'Healthy'),
      dq(DEPLOY + H, 'Healthy'),
      dq(DEPLOY + 2 * H + 42 * 60_000, 'Unhealthy'),
    ]);
    expect(r?.status).toBe('FAIL');
    expect(r?.check).toBe('monitors');
    expect(r?.subject).toBe(`table:${T}`);
    expect(r?.critical).toBe(false);
    expect(r?.explanation).toBe(
      'data quality monitoring marks prod.sales.orders stale since 2026-03-02 12:42 UTC, healthy before the deploy',
    );
    expect(r?.decidedAtMs).toBe(DEPLOY + 2 * H + 42 * 60_000);
  });

  it('says incomplete, or stale and incomplete, after what each check found', () => {
    expect(judge([dq(DEPLOY - H, 'Healthy'), dq(DEPLOY + H, 'Healthy', 'Unhealthy')])?.explanation).toContain(
      'incomplete since',
    );
    expect(judge([dq(DEPLOY - H, 'Healthy'), dq(DEPLOY + H, 'Unhealthy', 'Unhealthy')])?.explanation).toContain(
      'stale and incomplete since',
    );
  });

  it('passes a table healthy in every result after the deploy', () => {
    const r = judge([dq(DEPLOY - H, 'Healthy'), dq(DEPLOY + H, 'Healthy'), dq(DEPLOY + 3 * H, 'Healthy')]);
    expect(r?.status).toBe('PASS');
    expect(r?.explanation).toContain('healthy in 2 results since the deploy');
    expect(r?.evidenceAgeS).toBe(3 * 3600);
  });

  it('takes no side when the table was unhealthy already, or never judged before the deploy', () => {
    const already = judge([dq(DEPLOY - H, 'Unhealthy'), dq(DEPLOY + H, 'Unhealthy')]);
    expect(already?.status).toBe('SKIPPED');
    expect(already?.explanation).toContain('as it was already before the deploy');
    const unseen = judge([dq(DEPLOY + H, 'Unhealthy')]);
    expect(unseen?.status).toBe('SKIPPED');
    expect(unseen?.explanation).toContain('no result before the deploy');
  });

  it('ignores Unknown results, other tables, results after the period, and gives nothing without a result since the deploy', () => {
    expect(judge([dq(DEPLOY - H, 'Healthy')])).toBeNull();
    const unknown = { ...dq(DEPLOY + H, 'Unhealthy'), status: 'Unknown' };
    expect(judge([dq(DEPLOY - H, 'Healthy'), unknown])).toBeNull();
    expect(judge([dq(DEPLOY - H, 'Healthy'), dq(DEPLOY + H, 'Unhealthy', 'Healthy', 'prod.sales.other')])).toBeNull();
    expect(judge([dq(DEPLOY - H, 'Healthy'), dq(NOW + H, 'Unhealthy')])).toBeNull();
  });

  it('reads nothing the policy does not turn on, and is critical where the policy says so', () => {
    const rows = [dq(DEPLOY - H, 'Healthy'), dq(DEPLOY + H, 'Unhealthy')];
    expect(judge(rows, [], policy({ dataQuality: false }))).toBeNull();
    expect(checkMonitors(T, undefined, DEPLOY, NOW, policy(), NOW, 1)).toBeNull();
    const critical = { ...policy(), critical: { ...DEFAULT_POLICY.critical, monitors: true } };
    expect(judge(rows, [], critical)?.critical).toBe(true);
  });
});

describe('drift metrics as evidence', () => {
  const monitor = {
    table: T,
    metricsTable: 'prod.monitoring.orders_drift_metrics',
    name: 'orders profile',
    driftType: 'CONSECUTIVE' as const,
    metrics: { population_stability_index: 0.2, ks_pvalue: 0.001 },
    columns: [],
  };
  const drifting = policy({ dataQuality: false, drift: { [T]: monitor } });
  const win = (startMs: number, column: string, values: DriftObservation['values']): DriftObservation => ({
    table: T,
    windowStartMs: startMs,
    windowEndMs: startMs + H,
    column,
    values,
  });

  it('fails a window after the deploy beyond a threshold when the last window before it was within', () => {
    const r = judge(
      [],
      [
        win(DEPLOY - H, 'amount', { population_stability_index: 0.05, ks_pvalue: 0.4 }),
        win(DEPLOY, 'amount', { population_stability_index: 0.41, ks_pvalue: 0.3 }),
      ],
      drifting,
    );
    expect(r?.status).toBe('FAIL');
    expect(r?.statistic).toBe(0.41);
    expect(r?.threshold).toBe(0.2);
    expect(r?.explanation).toBe(
      'drift monitor orders profile of prod.sales.orders reports population_stability_index 0.41 on amount (above 0.2) for the window from 2026-03-02 10:00 UTC, within its thresholds before the deploy',
    );
  });

  it('reads a p-value as drifting below its threshold', () => {
    const r = judge(
      [],
      [win(DEPLOY - H, ':table', { ks_pvalue: 0.2 }), win(DEPLOY + H, ':table', { ks_pvalue: 0.0001 })],
      drifting,
    );
    expect(r?.status).toBe('FAIL');
    expect(r?.explanation).toContain('ks_pvalue 0.0001 on the whole table (below 0.001)');
  });

  it('passes windows within the thresholds, and takes no side on drift that was there before the deploy', () => {
    const calm = judge(
      [],
      [
        win(DEPLOY - H, 'amount', { population_stability_index: 0.05 }),
        win(DEPLOY, 'amount', { population_stability_index: 0.1 }),
      ],
      drifting,
    );
    expect(calm?.status).toBe('PASS');
    const before = judge(
      [],
      [
        win(DEPLOY - H, 'amount', { population_stability_index: 0.5 }),
        win(DEPLOY, 'amount', { population_stability_index: 0.5 }),
      ],
      drifting,
    );
    expect(before?.status).toBe('SKIPPED');
  });

  it('counts only the columns the monitor names, when it names some', () => {
    const only = policy({ dataQuality: false, drift: { [T]: { ...monitor, columns: ['customer_id'] } } });
    const r = judge(
      [],
      [
        win(DEPLOY - H, 'amount', { population_stability_index: 0.05 }),
        win(DEPLOY, 'amount', { population_stability_index: 0.9 }),
      ],
      only,
    );
    expect(r?.status).toBe('PASS');
  });

  it('joins both monitors into one result per table, the worst winning', () => {
    const both = policy({ dataQuality: true, drift: { [T]: monitor } });
    const r = judge(
      [dq(DEPLOY - H, 'Healthy'), dq(DEPLOY + H, 'Unhealthy')],
      [
        win(DEPLOY - H, 'amount', { population_stability_index: 0.05 }),
        win(DEPLOY, 'amount', { population_stability_index: 0.1 }),
      ],
      both,
    );
    expect(r?.status).toBe('FAIL');
    expect(r?.explanation).toMatch(/^data quality monitoring marks .* stale since/);
    expect(r?.explanation).not.toContain('drift monitor');
  });
});

describe('the policy file turns the monitors on', () => {
  it('is off by default and not critical', () => {
    expect(DEFAULT_POLICY.monitors).toEqual({ dataQuality: false, drift: {} });
    expect(DEFAULT_POLICY.critical.monitors).toBe(false);
  });

  it('reads data quality monitoring and drift monitors per bundle, naming the drift table from the output schema', () => {
    const set = parsePolicyFile(
      JSON.stringify({
        version: 1,
        checks: { monitors: { dataQualityMonitoring: true } },
        bundles: {
          sales: {
            checks: {
              monitors: {
                critical: true,
                drift: {
                  'prod.sales.orders': { outputSchema: 'prod.monitoring', metrics: { js_distance: 0.2 } },
                },
              },
            },
          },
        },
      }),
      'p.json',
    );
    const sales = set.forBundle('sales');
    expect(sales.monitors.dataQuality).toBe(true);
    expect(sales.critical.monitors).toBe(true);
    expect(sales.monitors.drift['prod.sales.orders']).toEqual({
      table: 'prod.sales.orders',
      metricsTable: 'prod.monitoring.orders_drift_metrics',
      name: 'prod.monitoring.orders_drift_metrics',
      driftType: 'CONSECUTIVE',
      metrics: { js_distance: 0.2 },
      columns: [],
    });
    expect(set.forBundle('other').monitors.drift).toEqual({});
    expect(set.forBundle('other').critical.monitors).toBe(false);
  });

  it('names the field and the fix for a drift monitor without a table, a misspelt metric or a bad name', () => {
    const bad = (drift: unknown) => {
      try {
        parsePolicyFile(JSON.stringify({ checks: { monitors: { drift } } }), 'p.json');
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('expected the policy file to be rejected');
    };
    expect(bad({ 'prod.sales.orders': { metrics: { js_distance: 0.2 } } })).toMatch(
      /checks\.monitors\.drift\["prod\.sales\.orders"\].*"metricsTable" or the monitor's "outputSchema"/,
    );
    expect(bad({ 'prod.sales.orders': { outputSchema: 'prod.m', metrics: { psi: 0.2 } } })).toMatch(/psi/);
    expect(bad({ 'prod.sales.orders': { outputSchema: 'prod.m', metrics: {} } })).toMatch(/names no metric/);
    expect(bad({ 'prod.sales.orders': { metricsTable: 'x; DROP TABLE y', metrics: { js_distance: 1 } } })).toMatch(
      /metricsTable.*catalog\.schema\.table/,
    );
  });
});
