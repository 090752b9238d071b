// `postflight audit report` on an embedded world whose replay holds a hand edit: every production
// deploy listed with its approver (the CI run) and verdict, the hand edit as UNTRACKED, as CSV and
// as JSON, and bad flags refused with exit 2's error.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/cli/args.js';
import { parseAuditReportArgs, runAuditReportCommand } from '../../src/cli/audit-report-command.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { HAND_EDIT_AFTER_MS } from '../../src/simulator/hand-edits.js';
import { SimWorld } from '../../src/simulator/world.js';
import { REPORT_COLUMNS } from '../../src/untracked/audit-report.js';
import { DEFAULT_UNTRACKED_POLICY, sweepUntracked } from '../../src/untracked/sweep.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';

const spec = defaultSpec({ pipelines: 12, days: 4, deploysPerDay: 12, seed: 3 });
const log = pino({ level: 'silent' });
let dir: string;
let path: string;
let deploysInPeriod: number;
const from = new Date(spec.startMs - 2 * 86_400_000).toISOString();
const to = new Date(spec.startMs + 86_400_000).toISOString();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postflight-audit-report-'));
  path = join(dir, 'workspace.duckdb');
  const wh = await DuckDbWarehouse.open(path);
  const world = await SimWorld.create(wh, spec);
  await world.advance(spec.startMs + HAND_EDIT_AFTER_MS + 90 * 60_000);
  await sweepUntracked({ wh }, 'tick-report', world.nowMs, DEFAULT_UNTRACKED_POLICY);
  const [n] = await wh.session.all(
    "SELECT count(*) AS n FROM postflight.deployments WHERE target = 'prod' AND epoch_ms(finished_at) >= $f AND epoch_ms(finished_at) < $t",
    { f: Date.parse(from), t: Date.parse(to) },
  );
  deploysInPeriod = Number(n!.n);
  await wh.close();
}, 120_000);

function parseCsv(text: string): string[][] {
  // The simulated values hold no quotes or commas but in the detail column's JSON.
  const rows: string[][] = [];
  for (const line of text.trimEnd().split('\r\n')) {
    const cells: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cur += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        cells.push(cur);
        cur = '';
      } else cur += ch;
    }
    cells.push(cur);
    rows.push(cells);
  }
  return rows;
}

describe('postflight audit report', () => {
  it('lists every production deploy with its approver and verdict, and the hand edit as UNTRACKED (CSV)', async () => {
    const out = join(dir, 'report.csv');
    const code = await runAuditReportCommand(
      ['--warehouse', `duckdb:${path}`, '--from', from, '--to', to, '--out', out],
      log,
    );
    expect(code).toBe(1);
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(header).toEqual([...REPORT_COLUMNS]);
    const col = (name: string) => header!.indexOf(name);
    const deploys = rows.filter((r) => r[col('change')] === 'DEPLOYMENT');
    expect(new Set(deploys.map((r) => r[col('deployment_id')])).size).toBe(deploysInPeriod);
    for (const r of deploys) {
      expect(r[col('approver_ci_run')]).toMatch(/^https:\/\/ci\.example\.com\//);
      expect(r[col('deployed_by')]).toBe('sp-ci-deployer');
      expect(r[col('resource_id')]).not.toBe('');
    }
    const untracked = rows.filter((r) => r[col('change')] === 'UNTRACKED');
    expect(untracked).toHaveLength(1);
    expect(untracked[0]![col('changed_by')]).toBe('dana.ops@example.com');
    expect(untracked[0]![col('deployment_id')]).toBe('');
    expect(JSON.parse(untracked[0]![col('detail')]!)).toMatchObject({ settings: ['max_concurrent_runs'] });
    // In time order.
    const times = rows.map((r) => r[col('changed_at')]!);
    expect([...times].sort()).toEqual(times);
  });

  it('as JSON, the same rows; a period before the edit holds no untracked change (exit 0)', async () => {
    const out = join(dir, 'report.json');
    expect(
      await runAuditReportCommand(
        ['--warehouse', `duckdb:${path}`, '--from', from, '--to', to, '--format', 'json', '--out', out],
        log,
      ),
    ).toBe(1);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json).toMatchObject({ from, to, production_targets: ['prod'], untracked: 1 });
    expect(json.rows).toHaveLength(json.changes);
    const early = join(dir, 'early.json');
    const code = await runAuditReportCommand(
      [
        '--warehouse',
        `duckdb:${path}`,
        '--from',
        from,
        '--to',
        new Date(spec.startMs).toISOString(),
        '--format',
        'json',
        '--out',
        early,
      ],
      log,
    );
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(early, 'utf8')).untracked).toBe(0);
    // Staging is not production: nothing of the simulated prod world is listed.
    const staging = join(dir, 'staging.json');
    await runAuditReportCommand(
      [
        '--warehouse',
        `duckdb:${path}`,
        '--from',
        from,
        '--to',
        to,
        '--format',
        'json',
        '--production',
        'staging',
        '--out',
        staging,
      ],
      log,
    );
    expect(JSON.parse(readFileSync(staging, 'utf8')).changes).toBe(0);
  });

  it('refuses bad flags with an error naming the flag', () => {
    const bad = (argv: string[]) => () => parseAuditReportArgs(argv);
    expect(bad(['--to', to])).toThrow(/--from is required/);
    expect(bad(['--from', 'yesterday', '--to', to])).toThrow(ConfigError);
    expect(bad(['--from', 'yesterday', '--to', to])).toThrow(/--from 'yesterday' is not an ISO 8601/);
    expect(bad(['--from', to, '--to', from])).toThrow(/--to .* must be after --from/);
    expect(bad(['--from', from, '--to', to, '--format', 'xml'])).toThrow(/--format 'xml'.*csv or json/);
    expect(bad(['--from', from, '--to', to, '--production', ','])).toThrow(/--production/);
  });
});
