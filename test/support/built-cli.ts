// The command line as users run it: src/cli/main.ts bundled into one file (as scripts/build.mjs
// does, reading sql/ from the tree) and run in a child process, with its exit code, stdout and
// stderr. The bundle is built once per test file, beside dist/ so node_modules resolves.

import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '../..');

export interface CliRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
  readonly ms: number;
}

export async function buildCli(name: string): Promise<string> {
  const dir = join(ROOT, 'dist', 'test');
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, `${name}-${process.pid}.mjs`);
  await build({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: [
      '@duckdb/node-api',
      '@duckdb/node-bindings*',
      'lz4-napi',
      '@databricks/databricks-sql-kernel-*',
      '*.node',
    ],
    banner: {
      js: "import { createRequire as __pfCreateRequire } from 'node:module'; import { fileURLToPath as __pfFileUrl } from 'node:url'; import { dirname as __pfDirname } from 'node:path'; const require = __pfCreateRequire(import.meta.url); const __filename = __pfFileUrl(import.meta.url); const __dirname = __pfDirname(__filename);",
    },
    entryPoints: [join(ROOT, 'src/cli/main.ts')],
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** Runs the built CLI with only the environment given (and PATH), so no variable of the caller leaks in. */
export function runCli(
  cli: string,
  args: readonly string[],
  o: { env?: Readonly<Record<string, string>>; cwd?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: o.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err, ms: Date.now() - started });
    });
  });
}
