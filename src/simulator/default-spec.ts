// The world the CLI, demo, benchmarks and tests build unless told otherwise: a month of history
// ending on a Monday, so that weekly patterns start at the beginning of the week.

import type { WorldSpec } from './catalog.js';

export const DEFAULT_START_MS = Date.UTC(2026, 10, 2); // Monday 2026-11-02, 00:00 UTC

export function defaultSpec(overrides: Partial<WorldSpec> = {}): WorldSpec {
  return {
    seed: 7,
    pipelines: 24,
    days: 28,
    deploysPerDay: 30,
    startMs: DEFAULT_START_MS,
    badShare: 0.3,
    ...overrides,
  };
}
