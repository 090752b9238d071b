import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleResources } from '../../src/ci/bundle-outputs.js';
import { annotation } from '../../src/cli/precheck-command.js';
import { contractTables } from '../../src/precheck/dbt-contracts.js';
import {
  checkPolicy,
  DEFAULT_PRECHECK_POLICY,
  resolvedBundle,
  resolvePrecheckPolicy,
} from '../../src/precheck/policy-rules.js';
import { previewRollback } from '../../src/precheck/rollback-preview.js';
import { compareSchemas, narrowing, schemaChanges } from '../../src/precheck/schema-compat.js';
import { planFixture, summaryFixture, validateFixture } from '../support/cli-fixtures.js';

const FIX = join(__dirname, '../fixtures');
const validate = JSON.parse(readFileSync(join(FIX, 'databricks-cli/validate.json'), 'utf8'));
const T = Date.UTC(2026, 10, 20, 9);

describe('schema compatibility', () => {
  it('tells a narrowing from a widening', () => {
    expect(narrowing('bigint', 'int')).toMatch(/loses range/);
    expect(narrowing('int', 'bigint')).toBeNull();
    expect(narrowing('decimal(18,2)', 'decimal(10,2)')).toMatch(/fewer integer digits/);
    expect(narrowing('decimal(10,2)', 'decimal(12,4)')).toBeNull();
    expect(narrowing('decimal(10,4)', 'decimal(12,2)')).toMatch(/drops decimal places/);
    expect(narrowing('string', 'varchar(20)')).toMatch(/limits the length/);
    expect(narrowing('varchar(20)', 'string')).toBeNull();
    expect(narrowing('timestamp', 'date')).toMatch(/time of day/);
    expect(narrowing('DOUBLE', 'double')).toBeNull();
    expect(narrowing('int', 'string')).toBeNull();
    expect(narrowing('string', 'int')).toMatch(/not a widening/);
  });

  it('finds a dropped column, a rename without alias, a narrowed type and a tightened nullability', () => {
    const now = {
      table: 'main.sales.orders_daily',
      columns: [
        { name: 'order_date', type: 'date', nullable: true },
        { name: 'orders', type: 'bigint', nullable: true },
        { name: 'revenue', type: 'decimal(18,2)', nullable: true },
        { name: 'customer_id', type: 'string', nullable: true },
        { name: 'channel', type: 'int', nullable: true },
      ],
    };
    const [next] = contractTables(readFileSync(join(FIX, 'dbt/manifest.json'), 'utf8'), 'manifest.json').filter(
      (t) => t.table === now.table,
    );
    const messages = compareSchemas(now, next!).map((f) => `${f.severity}: ${f.message}`);
    expect(messages).toEqual([
      expect.stringMatching(/^error: column customer_id would be renamed to customer_key \(same type string\)/),
      expect.stringMatching(/^error: column channel \(int\) would be dropped/),
      expect.stringMatching(/^warning: column order_date becomes NOT NULL/),
      expect.stringMatching(/^error: column orders: bigint to int loses range/),
      expect.stringMatching(/^warning: column orders becomes NOT NULL/),
      expect.stringMatching(/^error: column revenue: decimal\(18,2\) to decimal\(10,2\) holds fewer integer digits/),
    ]);
    expect(
      compareSchemas(now, { ...now, columns: [...now.columns, { name: 'x', type: 'int', nullable: true }] }),
    ).toEqual([]);
  });

  it('tells a schema the deploy changes from one it leaves as it is, types and nullability included', () => {
    const t = { table: 'c.s.t', columns: [{ name: 'a', type: 'bigint', nullable: true }] };
    expect(schemaChanges(t, { ...t, columns: [{ name: 'A', type: 'BIGINT', nullable: true }] })).toBe(false);
    expect(schemaChanges(t, { ...t, columns: [{ name: 'a', type: 'int', nullable: true }] })).toBe(true);
    expect(schemaChanges(t, { ...t, columns: [{ name: 'a', type: 'bigint', nullable: false }] })).toBe(true);
    expect(schemaChanges(t, { ...t, columns: [...t.columns, { name: 'b', type: 'int', nullable: true }] })).toBe(true);
  });

  it('reads the enforced contracts of a dbt manifest, and only those', () => {
    const tables = contractTables(readFileSync(join(FIX, 'dbt/manifest.json'), 'utf8'), 'manifest.json');
    expect(tables.map((t) => [t.table, t.source])).toEqual([
      ['main.sales.customers', 'models/marts/customers.sql'],
      ['main.sales.orders_daily', 'models/marts/orders_daily.sql'],
    ]);
    expect(() =>
      contractTables(
        '{"nodes": {"model.a.b": {"resource_type": "model", "name": "b", "database": "c", "schema": "s", "config": {"contract": {"enforced": true}}, "columns": {"x": {"name": "x"}}}}}',
        'm.json',
      ),
    ).toThrow(/column x of model model\.a\.b has no data_type/);
  });
});

describe('deploy policy', () => {
  const b = resolvedBundle(validate);

  it('holds the fixture bundle to the defaults: no notifications, no published event log', () => {
    const found = checkPolicy(b, DEFAULT_PRECHECK_POLICY).map((f) => `${f.subject}: ${f.message}`);
    expect(found).toEqual([
      expect.stringMatching(/^job ingest_orders: runs as a person on prod/),
      expect.stringMatching(/^job ingest_orders: notifies no one of a failure/),
      expect.stringMatching(/^pipeline orders_dlt: does not publish its event log/),
      expect.stringMatching(/^pipeline orders_dlt: notifies no one of a failure/),
    ]);
  });

  it('passes a bundle that follows every rule, and catches each rule broken', () => {
    const good = {
      ...b,
      runAs: { service_principal_name: 'sp-prod' },
      jobs: [
        [
          'j',
          {
            tags: { owner: 'data', cost_center: '42' },
            email_notifications: { on_failure: ['oncall@acme.com'] },
            job_clusters: [
              { job_cluster_key: 'main', new_cluster: { policy_id: 'P1', autoscale: { max_workers: 8 } } },
            ],
            tasks: [{ task_key: 't', job_cluster_key: 'main' }],
          },
        ],
      ] as Array<[string, Record<string, unknown>]>,
      pipelines: [
        [
          'p',
          {
            tags: { owner: 'data', cost_center: '42' },
            event_log: { catalog: 'main', schema: 'ops', name: 'p_events' },
            notifications: [{ email_recipients: ['oncall@acme.com'], alerts: ['on-update-failure'] }],
          },
        ],
      ] as Array<[string, Record<string, unknown>]>,
    };
    const strict = resolvePrecheckPolicy({
      requiredTags: ['owner', 'cost_center'],
      maxWorkers: 16,
      requireClusterPolicy: true,
    });
    expect(checkPolicy(good, strict)).toEqual([]);
    const bad = {
      ...good,
      runAs: {},
      jobs: [
        [
          'j',
          {
            tags: { owner: 'data' },
            job_clusters: [{ job_cluster_key: 'main', new_cluster: { num_workers: 64 } }],
            tasks: [{ task_key: 't', existing_cluster_id: '0101-abc' }],
          },
        ],
      ] as Array<[string, Record<string, unknown>]>,
      pipelines: [['p', { development: true, tags: {} }]] as Array<[string, Record<string, unknown>]>,
    };
    expect(checkPolicy(bad, strict).map((f) => f.message)).toEqual([
      expect.stringMatching(/runs as a person/),
      'lacks the required tag cost_center',
      expect.stringMatching(/task t runs on an all-purpose cluster/),
      'job cluster main names no cluster policy (policy_id)',
      'job cluster main may grow to 64 workers, over the 16 allowed',
      expect.stringMatching(/notifies no one/),
      expect.stringMatching(/is in development mode on prod/),
      expect.stringMatching(/does not publish its event log/),
      'lacks the required tags owner, cost_center',
      expect.stringMatching(/notifies no one/),
    ]);
    expect(
      checkPolicy({ ...bad, target: 'dev' }, strict).some((f) => /runs as a person|all-purpose/.test(f.message)),
    ).toBe(false);
  });

  it('asks for code pinned to the version when a rollback would reset settings', () => {
    const version = '5d8c1e0a9b7f4c3d2e1f0a9b8c7d6e5f4a3b2c1d';
    const code = (p: ReturnType<typeof checkPolicy>) => p.filter((f) => /every version overwrites/.test(f.message));
    const warned = code(checkPolicy(b, DEFAULT_PRECHECK_POLICY, { version, strategy: 'jobs-api' }));
    expect(warned.map((f) => [f.severity, f.subject])).toEqual([
      ['warning', 'job ingest_orders'],
      ['warning', 'pipeline orders_dlt'],
    ]);
    const strict = resolvePrecheckPolicy({ versionedCode: 'error' });
    expect(code(checkPolicy(b, strict, { version, strategy: 'jobs-api' })).every((f) => f.severity === 'error')).toBe(
      true,
    );
    expect(code(checkPolicy(b, strict, { version, strategy: 'ci-dispatch' }))).toEqual([]);
    const pinned = {
      ...b,
      jobs: [
        ['j', { tasks: [{ notebook_task: { notebook_path: `/Workspace/artifacts/${version}/src/nb` } }] }],
      ] as Array<[string, Record<string, unknown>]>,
      pipelines: [],
    };
    expect(code(checkPolicy(pinned, strict, { version, strategy: 'jobs-api' }))).toEqual([]);
  });

  it('rejects a precheck policy with an unknown key, naming it', () => {
    expect(() => resolvePrecheckPolicy({ maxWorker: 3 })).toThrow(/precheck: unknown key 'maxWorker'/);
  });
});

describe('rollback safety in advance', () => {
  const config = validateFixture;
  const summary = summaryFixture;
  const plan = planFixture;
  const planned = (
    resources: ReturnType<typeof bundleResources>,
    next: Record<string, unknown> = { name: 'x' },
    current: Record<string, unknown> = { name: 'x' },
  ) => resources.map((r) => ({ ...r, next, current: r.action === 'create' ? null : current }));

  it('says a rollback would delete what the deploy creates, with its tables', () => {
    const first = bundleResources(config, null, {
      plan: {
        'resources.jobs.ingest_orders': { action: 'create' },
        'resources.pipelines.orders_dlt': { action: 'create' },
      },
    });
    const p = previewRollback({
      resources: planned(first),
      schemaChangedTables: [],
      strategy: 'jobs-api',
      liveVersion: 'abc',
      nowMs: T,
    });
    expect(p.safety).toBe('UNSAFE');
    expect(p.reasons.join('\n')).toMatch(/would delete pipeline orders_dlt .*and its Unity Catalog tables/);
  });

  it('says a settings change under a pinned path is SAFE, and names what a schema change blocks', () => {
    const update = bundleResources(summary, null, plan);
    const safe = previewRollback({
      resources: planned(update, { name: 'ingest', timeout_seconds: 7200 }, { name: 'ingest', timeout_seconds: 3600 }),
      schemaChangedTables: [],
      strategy: 'jobs-api',
      liveVersion: 'abc',
      nowMs: T,
    });
    expect(safe).toMatchObject({ safety: 'SAFE', findings: [] });
    const schema = previewRollback({
      resources: planned(update),
      schemaChangedTables: ['main.sales.orders_daily'],
      strategy: 'jobs-api',
      liveVersion: 'abc',
      nowMs: T,
    });
    expect(schema.safety).toBe('UNSAFE');
    expect(schema.findings[0]!.message).toMatch(/table main\.sales\.orders_daily changed schema/);
  });

  it('knows from the plan that a resource it updates exists, even without its id', () => {
    const update = bundleResources(config, null, plan);
    expect(update.map((r) => r.id)).toEqual([null, null]);
    const p = previewRollback({
      resources: planned(update, { name: 'ingest', timeout_seconds: 7200 }, { name: 'ingest', timeout_seconds: 3600 }),
      schemaChangedTables: [],
      strategy: 'ci-dispatch',
      liveVersion: 'abc',
      nowMs: T,
    });
    expect(p).toMatchObject({ safety: 'SAFE', findings: [] });
    const blind = previewRollback({
      resources: planned(bundleResources(config, null, null)),
      schemaChangedTables: [],
      strategy: 'ci-dispatch',
      liveVersion: 'abc',
      nowMs: T,
    });
    expect(blind.findings.map((f) => f.message)).toContain(
      'cannot tell whether job ingest_orders exists before the deploy; pass --plan (databricks bundle plan -o json) or --summary',
    );
  });

  it('writes findings as GitHub annotations, escaped', () => {
    expect(
      annotation({
        check: 'schema',
        severity: 'error',
        subject: 'main.a.b',
        message: 'x: 100%\nnext',
        file: 'models/a,b.sql',
      }),
    ).toBe('::error title=postflight precheck (schema),file=models/a%2Cb.sql::main.a.b: x: 100%25%0Anext');
  });
});
