// `postflight report` on a replayed embedded world, opened in a real headless Chromium: the page
// renders with no console error and fetches nothing, every chart draws its data, every failed or
// degraded deployment of the period has its cards and charts, and a screenshot is taken.

import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runReportCommand } from '../../src/cli/report-command.js';
import { runDemo } from '../../src/demo/demo.js';
import { createLogger } from '../../src/log.js';
import { PALETTE, VERDICT_COLOURS } from '../../src/report/charts.js';
import { defaultSpec } from '../../src/simulator/default-spec.js';
import { DuckDbWarehouse } from '../../src/warehouse/duckdb/duckdb-warehouse.js';
import { clockMs } from '../support/ops-world.js';

const CHROMIUM = '/usr/bin/chromium';
const spec = defaultSpec({ pipelines: 10, days: 21, deploysPerDay: 40, badShare: 0.5, seed: 1 });
const PERIOD_H = 12;
let dir: string;
let out: string;
let html: string;
let summary: Record<string, number | string>;
let expected: { bad: number; deployments: number; rollbacks: number };
let browser: Browser;

async function report(argv: string[]): Promise<string> {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    expect(await runReportCommand(argv, createLogger())).toBe(0);
    return String(write.mock.calls.map((c) => c[0]).join(''));
  } finally {
    write.mockRestore();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'postflight-report-'));
  await runDemo({ dir, spec, replayMinutes: 8 * 60 });
  const world = join(dir, 'workspace.duckdb');
  out = join(dir, 'report.html');
  const printed = await report(['--warehouse', `duckdb:${world}`, '--out', out, '--since', `${PERIOD_H}h`, '--json']);
  summary = JSON.parse(printed) as typeof summary;
  html = readFileSync(out, 'utf8');
  // What the page must show, counted straight from the tables.
  const wh = await DuckDbWarehouse.openCopyInMemory(world);
  try {
    const since = (await clockMs(wh)) - PERIOD_H * 3_600_000;
    const [d] = await wh.session.all(
      `SELECT count(*) AS n, count(*) FILTER (WHERE v.state IN ('FAILED', 'DEGRADED', 'ROLLED_BACK')) AS bad
       FROM postflight.deployments d LEFT JOIN postflight.verdicts v USING (deployment_id)
       WHERE d.status IN ('SUCCEEDED', 'PARTIAL') AND epoch_ms(d.finished_at) >= $since`,
      { since },
    );
    const [r] = await wh.session.all(
      'SELECT count(*) AS n FROM postflight.rollbacks WHERE epoch_ms(requested_at) >= $since',
      { since },
    );
    expected = { deployments: Number(d!.n), bad: Number(d!.bad), rollbacks: Number(r!.n) };
  } finally {
    await wh.close();
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

describe('the report of a replayed day', () => {
  it('holds what the tables hold: failed deployments, rollbacks, budgets', () => {
    expect(expected.bad).toBeGreaterThan(3);
    expect(expected.rollbacks).toBeGreaterThan(0);
    expect(summary.deployments).toBe(expected.deployments);
    expect(summary.failed_or_degraded).toBe(expected.bad);
    expect(summary.rollbacks).toBe(expected.rollbacks);
    expect(summary.budget_lines).toBeGreaterThan(0);
  });

  it('is one file that loads nothing: no script, no address, no external resource', () => {
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|https?:\/\/|\bsrc=/i);
    // SVG references its own clip paths by fragment only.
    expect(html.match(/url\((?!#)/g)).toBeNull();
    // Many charts share the page: their own ids must not clash.
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.length - new Set(ids).size).toBe(0);
  });

  it('renders the same page from the same tables', async () => {
    const again = join(dir, 'again.html');
    await report(['--warehouse', `duckdb:${join(dir, 'workspace.duckdb')}`, '--out', again, '--since', `${PERIOD_H}h`]);
    expect(readFileSync(again, 'utf8')).toBe(html);
  }, 120_000);

  it('renders in Chromium with no console error and no request, every chart drawing its data', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    await page.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(html, { waitUntil: 'load' });

    const charts = await page.$$eval('figure.chart', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return {
          kind: f.getAttribute('data-chart') ?? '',
          points: Number(f.getAttribute('data-points')),
          marks: svg ? svg.querySelectorAll('path, rect').length : 0,
          fills: svg ? [...svg.querySelectorAll('path')].map((p) => p.getAttribute('fill') ?? '') : [],
          strokes: svg ? [...svg.querySelectorAll('path')].map((p) => p.getAttribute('stroke') ?? '') : [],
          width: box?.width ?? 0,
          height: box?.height ?? 0,
        };
      }),
    );
    const cards = await page.$$eval('.deployment', (ds) => ds.map((d) => d.querySelectorAll('figure.chart').length));
    const rollbackRows = await page.$$eval('#rollbacks tbody tr', (rs) => rs.length);
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    await page.close();

    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    expect(existsSync(shot) && statSync(shot).size).toBeGreaterThan(50_000);

    const kinds = charts.map((c) => c.kind);
    for (const k of ['dora', 'timeline', 'rollbacks', 'budget', 'burn']) expect(kinds).toContain(k);
    for (const c of charts) {
      expect({ kind: c.kind, hasData: c.points > 0 }).toEqual({ kind: c.kind, hasData: true });
      expect(c.marks).toBeGreaterThan(0);
      expect(c.width * c.height).toBeGreaterThan(100 * 100);
    }
    // The timeline draws one bar per verdict and bucket with deployments in it, in the verdict's colour.
    const timeline = charts.find((c) => c.kind === 'timeline')!;
    const colours = new Set(Object.values(VERDICT_COLOURS).map((x) => x.toLowerCase()));
    const bars = timeline.fills.filter((f) => colours.has(f.toLowerCase())).length;
    // Beside the bars, the legend's icons: one per verdict shown.
    expect(bars).toBeGreaterThanOrEqual(timeline.points);
    expect(bars).toBeLessThanOrEqual(timeline.points + Object.keys(VERDICT_COLOURS).length);
    // A check chart marks each post-deploy value with a symbol in the post-deploy colour, beside its line.
    for (const c of charts.filter((x) => x.kind === 'check'))
      expect(c.strokes.filter((x) => x === '#c62828').length).toBeGreaterThanOrEqual(c.points + 1);
    // The budget charts draw one line per subject, each in a colour of its own.
    for (const c of charts.filter((x) => x.kind === 'budget' || x.kind === 'burn'))
      expect(new Set(c.strokes.filter((x) => PALETTE.includes(x))).size).toBe(summary.budget_lines);
    // Every failed or degraded deployment has its card, and each card its check charts.
    expect(cards.length).toBe(expected.bad);
    expect(cards.filter((n) => n === 0)).toEqual([]);
    expect(charts.filter((c) => c.kind === 'check').length).toBe(summary.check_charts);
    expect(rollbackRows).toBe(Math.min(expected.rollbacks, 40));
  }, 120_000);
});

it('refuses a --since it cannot read, naming the flag', async () => {
  await expect(
    runReportCommand(
      ['--warehouse', `duckdb:${join(dir, 'workspace.duckdb')}`, '--since', 'last week'],
      createLogger(),
    ),
  ).rejects.toThrow(/--since 'last week' is not understood/);
});
