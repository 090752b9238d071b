// A Python virtual environment with packages from PyPI, for tests that run postflight's Python
// entry point as the job does. Built once per interpreter and package set in a cache directory
// outside the repository, then reused; the install is bounded in time and its duration measured.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Venv {
  /** The environment's interpreter. */
  readonly python: string;
  readonly dir: string;
  /** Wall time of the install; null when a cached environment was reused. */
  readonly installMs: number | null;
}

export type VenvResult = { readonly ok: true; readonly venv: Venv } | { readonly ok: false; readonly reason: string };

export interface VenvOptions {
  /** An interpreter on PATH, e.g. python3.11. */
  readonly interpreter: string;
  /** Requirement lines, e.g. databricks-sdk==0.167.0. */
  readonly requirements: readonly string[];
  /** Upper bound on the install, beyond which it fails. */
  readonly installTimeoutMs: number;
  /** Where environments are kept (default testCacheDir()). */
  readonly cacheDir?: string;
  /** Extra environment for pip, e.g. another index. */
  readonly pipEnv?: Readonly<Record<string, string>>;
}

/** POSTFLIGHT_TEST_CACHE, else ~/.cache/postflight-tests. */
export function testCacheDir(): string {
  return process.env.POSTFLIGHT_TEST_CACHE ?? join(homedir(), '.cache', 'postflight-tests');
}

interface Ran {
  readonly code: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;
}

function run(
  cmd: string,
  args: readonly string[],
  timeoutMs: number,
  env: Readonly<Record<string, string>> = {},
): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PIP_NO_INPUT: '1', ...env },
    });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-20_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, timedOut });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stderr: e.message, timedOut });
    });
  });
}

const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ');

/**
 * The environment for these requirements: reused when a complete one is cached, else installed.
 * Fails (throws) when the interpreter is missing or the install breaks; reports `ok: false` only
 * when the package index cannot be reached, so a test may skip for that one reason.
 */
export async function pythonVenv(o: VenvOptions): Promise<VenvResult> {
  const version = spawnSync(o.interpreter, ['-c', 'import sys; print(sys.version)'], { encoding: 'utf8' });
  if (version.status !== 0)
    throw new Error(`${o.interpreter} is not on PATH (${tail(version.stderr ?? String(version.error))}); install it`);
  const key = createHash('sha256')
    .update(`${version.stdout.trim()}\n${[...o.requirements].sort().join('\n')}`)
    .digest('hex')
    .slice(0, 16);
  const root = o.cacheDir ?? testCacheDir();
  const dir = join(root, `venv-${key}`);
  const python = join(dir, 'bin', 'python');
  const stamp = join(dir, '.complete');
  if (existsSync(stamp)) return { ok: true, venv: { python, dir, installMs: null } };

  // Built aside and moved into place whole, so a concurrent or interrupted build is never reused.
  mkdirSync(root, { recursive: true });
  const building = mkdtempSync(join(root, `venv-${key}.building-`));
  const started = performance.now();
  try {
    const made = await run(o.interpreter, ['-m', 'venv', building], 60_000);
    if (made.code !== 0) throw new Error(`${o.interpreter} -m venv failed: ${tail(made.stderr)}`);
    const left = Math.max(10_000, o.installTimeoutMs - (performance.now() - started));
    const pip = await run(
      join(building, 'bin', 'python'),
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--timeout', '30', '--retries', '2', ...o.requirements],
      left,
      o.pipEnv,
    );
    if (pip.timedOut) throw new Error(`pip install took more than ${Math.round(o.installTimeoutMs / 1000)} s`);
    if (pip.code !== 0) {
      if (!(await indexReachable(join(building, 'bin', 'python'), o.requirements[0]!, o.pipEnv)))
        return { ok: false, reason: `PyPI cannot be reached (${tail(pip.stderr)})` };
      throw new Error(`pip install ${o.requirements.join(' ')} failed: ${tail(pip.stderr)}`);
    }
    const installMs = performance.now() - started;
    writeFileSync(join(building, '.complete'), `${new Date().toISOString()} ${Math.round(installMs)} ms\n`);
    try {
      renameSync(building, dir);
    } catch {
      // Another run finished the same environment first: use that one.
      if (!existsSync(stamp)) throw new Error(`could not move ${building} to ${dir}`);
    }
    return { ok: true, venv: { python, dir, installMs } };
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}

/** Whether pip, as configured here, can list versions of the package from its index. */
async function indexReachable(
  python: string,
  requirement: string,
  env?: Readonly<Record<string, string>>,
): Promise<boolean> {
  const name = requirement.split(/[=<>!~ ;[]/)[0]!;
  const probe = await run(
    python,
    ['-m', 'pip', 'index', 'versions', name, '--timeout', '15', '--retries', '0'],
    60_000,
    env,
  );
  return probe.code === 0;
}

/** A scratch directory removed by the returned function. */
export function scratchDir(prefix: string): { readonly path: string; readonly remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
