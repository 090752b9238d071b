#!/usr/bin/env node
// The benchmark entry (dist/bench.mjs): `bench <subcommand> [flags]`. Each subcommand lives in
// its own folder and registers here with one line. Exit codes: 0 ok, 1 a target was missed
// (with --check), 2 bad input, 70 internal error.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Progress } from '../cli/progress.js';
import { createLogger } from '../log.js';
import { type BenchCommand, BenchUsageError } from './command.js';

const COMMANDS: Readonly<Record<string, () => Promise<BenchCommand>>> = {
  quality: () => import('./quality/command.js').then((m) => m.qualityCommand),
  speed: () => import('./speed/command.js').then((m) => m.speedCommand),
  backfill: () => import('./backfill/command.js').then((m) => m.backfillCommand),
  faults: () => import('./faults/command.js').then((m) => m.faultsCommand),
};

async function usage(): Promise<string> {
  const lines = await Promise.all(
    Object.entries(COMMANDS).map(async ([name, load]) => `  ${name.padEnd(10)} ${(await load()).summary}`),
  );
  return `bench <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'bench <command> --help' for its options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(await usage());
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load)
    throw new BenchUsageError(`unknown benchmark '${name}'; choose one of: ${Object.keys(COMMANDS).join(', ')}`);
  return (await load()).run({
    argv: rest,
    stdout: process.stdout,
    stderr: process.stderr,
    progress: new Progress(process.stderr),
  });
}

/** A worker thread started by a command: hand its data to that command. */
async function serveWorker(): Promise<void> {
  const name = (workerData as { benchWorker?: string } | null)?.benchWorker;
  const load = name === undefined ? undefined : COMMANDS[name];
  const command = load ? await load() : undefined;
  if (!command?.serveWorker) throw new Error(`bench worker started for '${String(name)}', which has no worker side`);
  command.serveWorker(workerData, (m) => parentPort!.postMessage(m));
}

if (!isMainThread) {
  // A failure here surfaces as the worker's 'error' event in the thread that started it.
  void serveWorker();
} else {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      const e = err as Error & { code?: string };
      const usageError =
        e instanceof BenchUsageError || (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'));
      process.stderr.write(`bench: ${e.message}\n`);
      if (!usageError) createLogger().error({ err: e }, 'bench failed');
      process.exit(usageError ? 2 : 70);
    },
  );
}
