// What a benchmark subcommand is: it reads its own flags and writes one report to stdout, with
// progress on stderr. The registry in main.ts maps names to these.

import type { Progress } from '../cli/progress.js';

export interface BenchContext {
  /** Arguments after the subcommand name. */
  readonly argv: readonly string[];
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly progress: Progress;
}

export interface BenchCommand {
  /** One line for the usage text. */
  readonly summary: string;
  /** Resolves to the process exit code. */
  run(ctx: BenchContext): Promise<number>;
  /** Does a share of the work on a worker thread the command started from this same bundle. */
  serveWorker?(data: unknown, post: (message: unknown) => void): void;
}

/** Bad flags or values: exit code 2 with the message alone, no stack. */
export class BenchUsageError extends Error {}
