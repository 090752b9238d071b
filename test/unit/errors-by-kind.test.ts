import { describe, expect, it } from 'vitest';
import type { DeploymentEvidence } from '../../src/checks/evidence.js';
import { checkResult, measurementError } from '../../src/checks/result.js';
import { errorsByKind } from '../../src/tick/heartbeat.js';
import type { JudgedEvidence } from '../../src/tick/judge.js';
import type { CheckStatus } from '../../src/types.js';

const judged = (statuses: Array<[string, CheckStatus | 'ERROR']>): JudgedEvidence => ({
  evidence: {} as DeploymentEvidence,
  results: statuses.map(([check, status]) =>
    status === 'ERROR'
      ? measurementError(check as never, 'job:1', 1, true, 'no rows')
      : checkResult({ check: check as never, subject: 'job:1', look: 1, status, critical: true, explanation: '' }),
  ),
});

describe("a tick's errors by kind", () => {
  it('counts ERROR results by check and measurement errors by source, and nothing else', () => {
    const counts = errorsByKind(
      [
        judged([
          ['freshness', 'ERROR'],
          ['row_count', 'FAIL'],
          ['run_health', 'PASS'],
        ]),
        judged([
          ['freshness', 'ERROR'],
          ['sla', 'ERROR'],
          ['row_count', 'WARN'],
        ]),
      ],
      [
        { kind: 'runs', subject: 'workspace', message: 'jobs/runs/list failed' },
        { kind: 'lineage', subject: 'workspace', message: 'timeout' },
        { kind: 'runs', subject: 'pipeline:p', message: 'event log unavailable' },
      ],
    );
    expect(counts).toEqual({ 'check:freshness': 2, 'check:sla': 1, 'source:lineage': 1, 'source:runs': 2 });
    expect(Object.keys(counts)).toEqual(['check:freshness', 'check:sla', 'source:lineage', 'source:runs']);
  });

  it('is empty when everything was measured', () => {
    expect(errorsByKind([judged([['freshness', 'PASS']])], [])).toEqual({});
  });
});
