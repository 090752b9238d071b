// Replays the benchmark's parts on worker threads: the bundle starts itself as each worker,
// which replays its share of the episodes and posts the outcomes back.

import { Worker } from 'node:worker_threads';
import { type PartResult, type PartRunner, type QualityOptions, replayPart } from './quality.js';

export interface QualityWorkerData {
  readonly benchWorker: 'quality';
  readonly opts: QualityOptions;
  readonly part: number;
  readonly parts: number;
}

type Message =
  | { readonly kind: 'progress'; readonly done: number; readonly total: number }
  | { readonly kind: 'result'; readonly result: PartResult };

export const replayOnWorkers: PartRunner = (opts, parts, progress) => {
  const done = new Array<number>(parts).fill(0);
  const totals = new Array<number>(parts).fill(0);
  const one = (part: number) =>
    new Promise<PartResult>((resolve, reject) => {
      const workerData: QualityWorkerData = { benchWorker: 'quality', opts, part, parts };
      const w = new Worker(new URL(import.meta.url), { workerData });
      w.on('message', (m: Message) => {
        if (m.kind === 'result') return resolve(m.result);
        done[part] = m.done;
        totals[part] = m.total;
        progress(
          done.reduce((a, b) => a + b, 0),
          totals.reduce((a, b) => a + b, 0),
        );
      });
      w.on('error', reject);
      w.on('exit', (code) => reject(new Error(`benchmark worker ${part} exited with code ${code} before reporting`)));
    });
  return Promise.all(Array.from({ length: parts }, (_, part) => one(part)));
};

/** The worker's side: replay the share named in workerData and post it back. */
export function serveQualityPart(data: QualityWorkerData, post: (m: Message) => void): void {
  const result = replayPart(data.opts, data.part, data.parts, (d, t) => post({ kind: 'progress', done: d, total: t }));
  post({ kind: 'result', result });
}
