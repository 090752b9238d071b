import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rootSpanIdOf } from '../../src/ci/stage-record.js';
import { runGateCommand } from '../../src/cli/gate-command.js';
import { runRecordCommand } from '../../src/cli/record-command.js';
import { runWaitCommand } from '../../src/cli/wait-command.js';
import { createLogger } from '../../src/log.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { SimWorld } from '../../src/simulator/world.js';
import { verdictRows } from '../../src/tick/result-rows.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const log = createLogger('silent');

interface OtlpSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly startTimeUnixNano: string;
  readonly attributes: ReadonlyArray<{ key: string; value: unknown }>;
}
interface OtlpBody {
  readonly resourceSpans: ReadonlyArray<{ scopeSpans: ReadonlyArray<{ spans: OtlpSpan[] }> }>;
}
let dir: string;
let db: string;
let summaryFor: (target: string) => string;
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

/** Runs a CI command as the CLI does, returning its exit code and what it printed. */
async function cli(run: (argv: string[], l: typeof log) => Promise<number>, argv: string[]) {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const code = await run([...argv, '--warehouse', `duckdb:${db}`, '--json'], log);
    return { code, out: out.trim() ? JSON.parse(out.trim().split('\n').pop()!) : null };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pf-ci-'));
  db = join(dir, 'world.duckdb');
  const wh = await DuckDbWarehouse.open(db);
  const world = await SimWorld.create(wh, defaultSpec({ pipelines: 2, days: 2, deploysPerDay: 0, seed: 3 }));
  const job = world.catalog.find((p) => p.resourceType === 'job')!;
  await wh.close();
  summaryFor = (target) => {
    const path = join(dir, `summary.${target}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        bundle: { name: 'sales_etl', target, git: { commit: SHA, branch: 'main' } },
        workspace: { state_path: `/Workspace/Users/ci/.bundle/sales_etl/${target}/state` },
        resources: { jobs: { ingest: { id: job.id, name: job.name } } },
      }),
    );
    return path;
  };
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (target: string, stage: string, status: string, runId = '500') =>
  cli(runRecordCommand, ['--stage', stage, '--status', status, '--summary', summaryFor(target), '--run-id', runId]);

async function judge(deploymentId: string, state: string, final: boolean) {
  const wh = await DuckDbWarehouse.open(db);
  const verdict = { deploymentId, state, reason: `${state} by the test`, final, postRuns: 3, recheckAtMs: null };
  await wh.execute('tick/merge_verdicts', {}, verdictRows([verdict as never], 'tick-test', Date.now()));
  await wh.close();
}

describe('the CI commands against the embedded warehouse', () => {
  it('record, wait and gate take a version from staging to prod only once it is verified', async () => {
    const started = await record('staging', 'deploy', 'STARTED');
    expect(started).toMatchObject({ code: 0, out: { deployment_status: 'STARTED' } });
    const done = await record('staging', 'deploy', 'SUCCEEDED');
    expect(done.out).toMatchObject({ deployment_id: started.out.deployment_id, deployment_status: 'SUCCEEDED' });
    const id = done.out.deployment_id as string;

    const gate = ['--bundle', 'sales_etl', '--version', SHA, '--to', 'prod'];
    expect(await cli(runGateCommand, gate)).toMatchObject({ code: 1, out: { pass: false, from: 'staging' } });
    await judge(id, 'HEALTHY', false);
    const early = await cli(runGateCommand, gate);
    expect(early.code).toBe(1);
    expect(early.out.reasons[0]).toMatch(/still under verification on staging/);

    expect(await cli(runWaitCommand, ['--deployment', id, '--until', 'first', '--interval', '1'])).toMatchObject({
      code: 0,
      out: { state: 'HEALTHY', final: false, ok: true },
    });
    await judge(id, 'HEALTHY', true);
    expect(await cli(runWaitCommand, ['--deployment', id, '--until', 'final'])).toMatchObject({
      code: 0,
      out: { ok: true },
    });
    expect(await cli(runGateCommand, gate)).toMatchObject({ code: 0, out: { pass: true, reasons: [] } });
  }, 60_000);

  it('exits 1 on a failed verdict and 2 on an unknown deployment or a timeout', async () => {
    const done = await record('dev', 'deploy', 'SUCCEEDED', '501');
    const id = done.out.deployment_id as string;
    expect(await cli(runWaitCommand, ['--deployment', 'dep-nope', '--interval', '1'])).toMatchObject({
      code: 2,
      out: { unknown: true },
    });
    expect(await cli(runWaitCommand, ['--deployment', id, '--timeout', '1s', '--interval', '1'])).toMatchObject({
      code: 2,
      out: { timed_out: true },
    });
    await judge(id, 'FAILED', false);
    expect(await cli(runWaitCommand, ['--deployment', id, '--until', 'final'])).toMatchObject({
      code: 1,
      out: { state: 'FAILED', ok: false },
    });
  }, 60_000);

  it('rejects bad input naming the flag, before anything is written', async () => {
    await expect(cli(runRecordCommand, ['--stage', 'deploy', '--status', 'DONE'])).rejects.toThrow(/--status 'DONE'/);
    await expect(
      cli(runRecordCommand, ['--stage', 'deploy', '--status', 'SUCCEEDED', '--summary', join(dir, 'missing.json')]),
    ).rejects.toThrow(/--summary .*missing\.json: cannot read it \(ENOENT\)/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"bundle": {"name": ""}}');
    await expect(
      cli(runRecordCommand, ['--stage', 'deploy', '--status', 'SUCCEEDED', '--summary', bad]),
    ).rejects.toThrow(/bundle\.name/);
    await expect(cli(runGateCommand, ['--bundle', 'b', '--version', 'v', '--to', 'qa'])).rejects.toThrow(
      /--to qa is not in the promotion order/,
    );
    await expect(cli(runWaitCommand, ['--deployment', 'x', '--timeout', '10 minutes'])).rejects.toThrow(
      /--timeout '10 minutes' is not a duration/,
    );
  });
  it('exports each finished stage as a span of the deployment trace over OTLP/HTTP, ids as on the rows', async () => {
    const bodies: Array<{ path: string; json: OtlpBody }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        bodies.push({ path: req.url ?? '', json: JSON.parse(body) as OtlpBody });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    try {
      await record('staging', 'validate', 'SUCCEEDED', '600');
      await record('staging', 'deploy', 'STARTED', '600');
      const done = await record('staging', 'deploy', 'SUCCEEDED', '600');
      const id = done.out.deployment_id as string;
      expect(bodies.every((b) => b.path === '/v1/traces')).toBe(true);
      const spans = bodies.flatMap((b) => b.json.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((x) => x.spans)));
      const attr = (s: OtlpSpan, k: string) => s.attributes.find((a) => a.key === k)?.value;
      expect(spans.map((x) => x.name)).toEqual([
        'validate sales_etl to staging',
        'deploy sales_etl to staging',
        `deployment sales_etl@${SHA.slice(0, 12)} to staging`,
      ]);
      const wh = await DuckDbWarehouse.open(db);
      const rows = await wh.session.all(
        `SELECT stage, trace_id, span_id FROM postflight.deployment_events WHERE deployment_id = '${id}' ORDER BY stage`,
      );
      await wh.close();
      const traceId = String(rows[0]!.trace_id);
      expect(new Set(spans.map((x) => x.traceId))).toEqual(new Set([traceId]));
      const root = spans[2]!;
      expect(root.spanId).toBe(rootSpanIdOf(id));
      expect(root.parentSpanId ?? '').toBe('');
      expect(spans[1]!.spanId).toBe(rows.find((r) => r.stage === 'deploy')!.span_id);
      expect(spans[1]!.parentSpanId).toBe(rootSpanIdOf(id));
      expect(attr(spans[1]!, 'deployment.id')).toEqual({ stringValue: id });
      expect(attr(spans[1]!, 'deployment.environment.name')).toEqual({ stringValue: 'staging' });
      expect(attr(spans[1]!, 'cicd.pipeline.task.run.result')).toEqual({ stringValue: 'success' });
      expect(attr(root, 'deployment.status')).toEqual({ stringValue: 'succeeded' });
      expect(Number(root.startTimeUnixNano)).toBeLessThanOrEqual(Number(spans[0]!.startTimeUnixNano));
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      await new Promise((r) => server.close(r));
    }
  });
});
