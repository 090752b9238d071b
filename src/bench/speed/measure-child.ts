// Tick measurements run in processes of their own, so a peak memory figure is the verifier's (the
// warm world opened, ticked minute by minute), not that of the process that built the worlds.

import { fork } from 'node:child_process';

export interface ChildMeasureRequest {
  readonly template: string;
  readonly path: string;
  readonly label: string;
  /**
   * Warm the caches from the template, measure ticks on the warmed copy, or only move its world a
   * minute on; or tick at workspace latency: the warm copy in steady state, or the template from a
   * verifier's first tick until it has caught up.
   */
  readonly phase: 'warm' | 'measure' | 'advance' | 'rtt' | 'first-tick';
  readonly warmupMinutes: number;
  readonly measureMinutes: number;
}

export type ChildMessage =
  | { readonly kind: 'progress'; readonly phase: string; readonly done: number; readonly total: number }
  | { readonly kind: 'result'; readonly result: unknown; readonly rssMbPeak: number };

export const CHILD_FLAG = '--measure-in-child';

/** Starts this benchmark's entry again with the request; resolves with the child's result and peak RSS. */
export function measureInChild<T>(
  req: ChildMeasureRequest,
  onProgress?: (phase: string, done: number, total: number) => void,
): Promise<{ result: T; rssMbPeak: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1]!, ['speed', CHILD_FLAG, JSON.stringify(req)], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    let done: { result: T; rssMbPeak: number } | null = null;
    child.on('message', (m: ChildMessage) => {
      if (m.kind === 'progress') onProgress?.(m.phase, m.done, m.total);
      else done = { result: m.result as T, rssMbPeak: m.rssMbPeak };
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      done && code === 0
        ? resolve(done)
        : reject(new Error(`tick measurement (${req.label}) exited with code ${code}`)),
    );
  });
}

/** The child's side: run the measurement, report progress and the result with this process's peak RSS. */
export async function serveChildMeasure<T>(
  raw: string,
  run: (req: ChildMeasureRequest, onProgress: (phase: string, done: number, total: number) => void) => Promise<T>,
): Promise<void> {
  const req = JSON.parse(raw) as ChildMeasureRequest;
  const send = (m: ChildMessage) => new Promise<void>((ok) => process.send!(m, () => ok()));
  const result = await run(req, (phase, done, total) => void send({ kind: 'progress', phase, done, total }));
  await send({ kind: 'result', result, rssMbPeak: process.resourceUsage().maxRSS / 1024 });
}
