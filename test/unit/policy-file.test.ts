import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, materialityFor, slaSecondsFor } from '../../src/checks/policy.js';
import { parsePolicyFile } from '../../src/config/policy-file.js';
import { readPolicyFile } from '../../src/config/read-policy-file.js';

const example = readFileSync(new URL('../../policy.example.json', import.meta.url), 'utf8');
const deployment = {
  deploymentId: 'd-1',
  bundle: 'sales_pipelines',
  target: 'prod',
  version: '9f2c1ab',
  expectedChanges: [],
};

/** The message of the error `parsePolicyFile` throws for `json`. */
function problems(json: unknown): string {
  try {
    parsePolicyFile(typeof json === 'string' ? json : JSON.stringify(json), 'policy.json');
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the policy file to be rejected');
}

describe('policy file: resolution', () => {
  const set = parsePolicyFile(example, 'policy.example.json');
  it('gives the built-in defaults for an empty file', () => {
    expect(parsePolicyFile('{}', 'empty.json').forBundle('any')).toEqual(DEFAULT_POLICY);
  });
  it('parses the example file and layers bundle overrides over the file defaults', () => {
    const payments = set.forBundle('payments_streaming');
    expect(payments.critical.backlog).toBe(true);
    expect(payments.backlog.failRatio).toBe(3);
    expect(payments.backlog.warnRatio).toBe(2);
    expect(payments.deltaRel).toBe(0.3);
    expect(payments.alpha).toBe(0.001);
    const other = set.forBundle('unknown_bundle');
    expect(other.critical.backlog).toBe(false);
    expect(other.deltaRel).toBe(0.2);
  });
  it('puts every check of a bundle in dry-run with a bundle-wide switch, letting a check opt out', () => {
    expect(Object.values(set.forBundle('marketing_attribution').dryRun).every(Boolean)).toBe(true);
    expect(Object.values(set.forBundle('sales_pipelines').dryRun).some(Boolean)).toBe(false);
    const optOut = parsePolicyFile(
      JSON.stringify({ dryRun: true, checks: { run_health: { dryRun: false } } }),
      'p.json',
    ).forBundle('b');
    expect(optOut.dryRun.run_health).toBe(false);
    expect(optOut.dryRun.row_count).toBe(true);
  });
  it('resolves hard SLAs by job id, by resource key and by bundle default', () => {
    const sales = set.forBundle('sales_pipelines');
    expect(slaSecondsFor(sales, { id: '614827701938211' }, 'whatever')).toBe(5400);
    expect(slaSecondsFor(sales, { id: '42' }, 'orders_daily')).toBe(3600);
    expect(slaSecondsFor(sales, { id: '42' }, 'other')).toBeNull();
    expect(slaSecondsFor(set.forBundle('marketing_attribution'), { id: '42' }, 'other')).toBe(7200);
  });
  it('resolves the volume materiality by table, then by bundle, then by file, else ±15%', () => {
    expect(DEFAULT_POLICY.materiality).toBe(0.15);
    const sales = set.forBundle('sales_pipelines');
    expect(materialityFor(sales, 'prod.sales.orders_by_promo')).toBe(0.4);
    expect(materialityFor(sales, 'prod.sales.orders')).toBe(0.1);
    expect(materialityFor(set.forBundle('payments_streaming'), 'prod.sales.orders_by_promo')).toBe(0.15);
    // A table named at the top level keeps its gate in a bundle that sets its own.
    const layered = parsePolicyFile(
      JSON.stringify({
        checks: { row_count: { materiality: 0.2, tables: { 'a.b.t': { materiality: 0.05 } } } },
        bundles: { b: { checks: { row_count: { materiality: 0.3 } } } },
      }),
      'p.json',
    );
    expect(materialityFor(layered.forBundle('b'), 'a.b.t')).toBe(0.05);
    expect(materialityFor(layered.forBundle('b'), 'a.b.u')).toBe(0.3);
    expect(materialityFor(layered.forBundle('other'), 'a.b.u')).toBe(0.2);
  });
  it('finds expected changes by deployment id, or by bundle, version and target, together with the CI annotation', () => {
    expect(set.expectedChanges(deployment)).toEqual(['row_count']);
    expect(set.expectedChanges({ ...deployment, target: 'staging' })).toEqual([]);
    expect(
      set.expectedChanges({ ...deployment, version: 'other', deploymentId: 'sales_pipelines-prod-4d1e07c-12' }),
    ).toEqual(['duration']);
    expect(set.expectedChanges({ ...deployment, expectedChanges: ['backlog'] })).toEqual(['row_count', 'backlog']);
  });
  it('passes the slos and rollback sections through unparsed', () => {
    const p = parsePolicyFile(JSON.stringify({ slos: [{ anything: 1 }], rollback: { cap: 'whatever' } }), 'p.json');
    expect(p.slos).toEqual([{ anything: 1 }]);
    expect(p.rollback).toEqual({ cap: 'whatever' });
  });
});

describe('policy file: bad input', () => {
  it('names the JSON path, the problem and the fix for a wrong type', () => {
    const msg = problems({ checks: { row_count: { critical: 'yes' } } });
    expect(msg).toContain('invalid policy file policy.json');
    expect(msg).toContain('checks.row_count.critical: expected boolean, got "yes"; use true or false');
  });
  it('rejects unknown keys at every level and suggests the likely spelling', () => {
    const msg = problems({ bundels: {}, checks: { rowcount: {}, duration: { critcal: true } }, sla: { byID: {} } });
    expect(msg).toContain('bundels: unknown key; did you mean "bundles"?');
    expect(msg).toContain('checks.rowcount: unknown key; did you mean "row_count"?');
    expect(msg).toContain('checks.duration.critcal: unknown key; did you mean "critical"?');
    expect(msg).toContain('sla.byID: unknown key; did you mean "byId"?');
    expect(problems({ checks: { backlog: { zzz: 1 } } })).toMatch(
      /checks\.backlog\.zzz: unknown key; remove it; allowed here: critical, dryRun, /,
    );
  });
  it('reports values out of range with the bound', () => {
    const msg = problems({ statistics: { alpha: 1.5, minBaseline: 2.5 }, bundles: { b: { sla: { default: -10 } } } });
    expect(msg).toContain('statistics.alpha: must be below 1, got 1.5; use a value below 1');
    expect(msg).toContain('statistics.minBaseline: expected a whole number, got 2.5; use a whole number');
    expect(msg).toContain('bundles.b.sla.default: must be above 0, got -10');
  });
  it('checks expected-change annotations: a deployment to name, known checks, a reason', () => {
    const msg = problems({
      expectedChanges: [
        { bundle: 'b', checks: [], reason: 'x' },
        { deploymentId: 'd', checks: ['rowcount'] },
      ],
    });
    expect(msg).toContain('expectedChanges[0]: names no deployment; give "deploymentId", or "bundle" and "version"');
    expect(msg).toContain('expectedChanges[0].checks: must list at least 1 item(s); add one');
    expect(msg).toContain('expectedChanges[1].checks[0]: expected one of "run_health", "row_count"');
    expect(msg).toContain('did you mean "row_count"?');
    expect(msg).toContain('expectedChanges[1].reason: expected string, got nothing; add it');
  });
  it('names the JSON path of a bad materiality, in a bundle and per table', () => {
    const msg = problems({
      checks: { row_count: { materiality: 15 } },
      bundles: {
        b: {
          checks: { row_count: { tables: { 'prod.sales.orders': { materiality: 0 }, 'prod.x.y': { gate: 0.2 } } } },
        },
      },
    });
    expect(msg).toContain('checks.row_count.materiality: must be below 1, got 15; use a value below 1');
    expect(msg).toContain('bundles.b.checks.row_count.tables["prod.sales.orders"].materiality: must be above 0, got 0');
    expect(msg).toContain(
      'bundles.b.checks.row_count.tables["prod.x.y"].gate: unknown key; remove it; allowed here: materiality',
    );
  });
  it('rejects settings that contradict each other once merged, at the bundle that breaks them', () => {
    const msg = problems({ bundles: { thin: { statistics: { minBaseline: 20 } } } });
    expect(msg).toContain('bundles.thin.statistics.minBaselineForRollback: 14 is below statistics.minBaseline (20)');
  });
  it('says where JSON syntax breaks, and rejects a top level that is not an object', () => {
    expect(problems('{ "checks": { }, }')).toMatch(
      /invalid policy file policy\.json:\n {2}- \(top level\): not valid JSON/,
    );
    expect(problems([1, 2])).toContain('(top level): expected object, got an array; use a JSON object');
    expect(problems({ version: 2 })).toContain('version: expected 1, got 2');
  });
});

describe('policy file: reading', () => {
  it('reads and parses a file from disk, and names a path that cannot be read', async () => {
    const path = new URL('../../policy.example.json', import.meta.url).pathname;
    expect((await readPolicyFile(path)).forBundle('payments_streaming').backlog.failRatio).toBe(3);
    await expect(readPolicyFile('/nonexistent/policy.json')).rejects.toThrow(
      'policy file /nonexistent/policy.json cannot be read (ENOENT); check the path',
    );
  });
});
