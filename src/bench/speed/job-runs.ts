// The verifier as its job runs it: every minute a fresh `postflight tick` process opens the
// warehouse, ticks once and exits (job.yml). The peak memory of those processes is the verifier's.
// Between runs the simulated platform moves one minute on, in a process of its own, so none of
// the simulator's state is counted with the verifier's.

import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureInChild } from './measure-child.js';
import { quantile } from './tick-sampler.js';

export interface JobRuns {
  readonly runs: number;
  readonly rssMbPeak: number;
  readonly rssMbP50: number;
  /** Wall time of the tick inside each run (cold process, cold warehouse cache). */
  readonly tickMsP50: number;
  /** Wall time of each whole run: process start, warehouse open, tick, close, exit. */
  readonly processMsP50: number;
  readonly processMsMax: number;
}

/**
 * Loaded before the CLI with --import: it writes the process's peak resident set size when the
 * process exits, so the CLI itself runs unchanged.
 */
const REPORT_PEAK_RSS =
  "data:text/javascript,import{writeFileSync}from'node:fs';process.on('exit',()=>writeFileSync(process.env.POSTFLIGHT_PEAK_RSS_FILE,String(process.resourceUsage().maxRSS)))";

/** The CLI bundle next to this benchmark's bundle (dist/). */
function cliPath(): string {
  const path = fileURLToPath(new URL('./postflight.mjs', import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing; run 'npm run build' first`);
  return path;
}

function runTickProcess(
  cli: string,
  warehouse: string,
  rssFile: string,
): Promise<{ tickMs: number; processMs: number; rssMb: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', REPORT_PEAK_RSS, cli, 'tick', '--json', '--warehouse', `duckdb:${warehouse}`],
      {
        env: { ...process.env, POSTFLIGHT_PEAK_RSS_FILE: rssFile, POSTFLIGHT_LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      // A tick that ran exits 0, 1 (a verdict turned FAILED) or 2 (it recorded measurement errors).
      if (code !== 0 && code !== 1 && code !== 2) return reject(new Error(`postflight tick exited with code ${code}`));
      const line = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { ms?: number };
      resolve({
        tickMs: Number(line.ms),
        processMs: performance.now() - started,
        rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024,
      });
    });
  });
}

/** `minutes` job runs on a copy of the warm world, the world advancing a minute before each. */
export async function measureJobRuns(
  warmPath: string,
  scratch: string,
  minutes: number,
  onProgress?: (phase: string, done: number, total: number) => void,
): Promise<JobRuns> {
  const path = join(scratch, 'job-runs.duckdb');
  const rssFile = join(scratch, 'job-run-rss.txt');
  rmSync(`${path}.wal`, { force: true });
  copyFileSync(warmPath, path);
  if (existsSync(`${warmPath}.wal`)) copyFileSync(`${warmPath}.wal`, `${path}.wal`);
  const cli = cliPath();
  const samples: Array<{ tickMs: number; processMs: number; rssMb: number }> = [];
  for (let m = 1; m <= minutes; m++) {
    await measureInChild({
      phase: 'advance',
      path,
      template: '',
      label: 'job runs',
      warmupMinutes: 0,
      measureMinutes: 0,
    });
    samples.push(await runTickProcess(cli, path, rssFile));
    onProgress?.('job runs: a tick process a minute', m, minutes);
  }
  const rss = samples.map((s) => s.rssMb);
  return {
    runs: samples.length,
    rssMbPeak: Math.max(...rss),
    rssMbP50: quantile(rss, 0.5),
    tickMsP50: quantile(
      samples.map((s) => s.tickMs),
      0.5,
    ),
    processMsP50: quantile(
      samples.map((s) => s.processMs),
      0.5,
    ),
    processMsMax: Math.max(...samples.map((s) => s.processMs)),
  };
}
