import { describe, expect, it } from 'vitest';
import { applyControlGroup, peerMoves, sourceMoves } from '../../src/checks/control-group.js';
import type { SubjectEvidence } from '../../src/checks/evidence.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { checkResult } from '../../src/checks/result.js';
import type { TableWrite } from '../../src/types.js';
import { aSubject, HOUR, hourlyWrites, T0 } from './builders.js';

const DEPLOY = T0 + 20 * 86_400_000 + 10 * HOUR;

/** A peer writing hourly for 20 days, scaled by `factor` from `incidentFrom` on. */
function peer(
  id: string,
  sources: string[],
  factor: number,
  incidentFrom: number,
  until = DEPLOY + 3 * HOUR,
): SubjectEvidence {
  const table = `prod.peer.${id}`;
  const writes: TableWrite[] = hourlyWrites(until, 20, 10_000, table).map((w) =>
    w.timestampMs >= incidentFrom
      ? { ...w, subjectId: id, rows: Math.round(w.rows! * factor) }
      : { ...w, subjectId: id },
  );
  return {
    subject: aSubject({ id, name: id, targetTables: [table], sourceTables: sources }),
    runs: [],
    writes,
    expectations: [],
    backlog: [],
  };
}

const CONCERN = DEPLOY + 30 * 60_000;
/** Past the control group's hold. */
const LATER = DEPLOY + 3 * HOUR;
const drop = checkResult({
  check: 'row_count',
  subject: 'table:prod.sales.orders',
  look: 1,
  status: 'FAIL',
  critical: true,
  effect: 0.3,
  observed: 3000,
  explanation: 'rows dropped',
  decidedAtMs: CONCERN,
});
const moves = (peers: SubjectEvidence[], nowMs = DEPLOY + 3 * HOUR, direction: 'down' | 'up' = 'down') =>
  peerMoves(peers, DEPLOY, CONCERN, nowMs, direction, DEFAULT_POLICY);

describe('control group', () => {
  it('sees an incident that began before the deploy in peers runs on both sides of it', () => {
    const peers = [peer('a', ['src2'], 0.3, DEPLOY - 2 * HOUR), peer('b', ['src2'], 0.3, DEPLOY - 2 * HOUR)];
    const m = moves(peers);
    expect(m.map((m) => m.ratio.toFixed(1))).toEqual(['0.3', '0.3']);
    const out = applyControlGroup(drop, m, DEFAULT_POLICY, ['src2'], LATER);
    expect(out.suppressedBy).toBe('upstream');
    expect(out.explanation).toContain('reading src2');
  });

  it('is not outvoted by healthy peers of another source', () => {
    const peers = [
      peer('a', ['src2'], 0.3, DEPLOY - HOUR),
      peer('b', ['src2'], 0.3, DEPLOY - HOUR),
      peer('c', ['src0'], 1, 0),
      peer('d', ['src0'], 1, 0),
      peer('e', ['src0'], 1, 0),
    ];
    const m = moves(peers);
    expect(applyControlGroup(drop, m, DEFAULT_POLICY, ['src0', 'src2'], LATER).suppressedBy).toBe('upstream');
    // Pooled over both sources the healthy peers would have been the majority.
    expect(applyControlGroup(drop, m, DEFAULT_POLICY, [], LATER).suppressedBy).toBeNull();
  });

  it('leaves the failure alone when the peers of the source are steady', () => {
    const peers = [peer('a', ['src2'], 1, 0), peer('b', ['src2'], 0.3, DEPLOY), peer('c', ['src2'], 1, 0)];
    const out = applyControlGroup(drop, moves(peers), DEFAULT_POLICY, ['src2'], LATER);
    expect(out.status).toBe('FAIL');
    expect(out.suppressedBy).toBeNull();
  });

  it('does not blame an incident that was over well before the deploy', () => {
    const over = [peer('a', ['src2'], 0.3, DEPLOY - 6 * HOUR), peer('b', ['src2'], 0.3, DEPLOY - 6 * HOUR)].map(
      (p) => ({
        ...p,
        writes: p.writes.map((w) => (w.timestampMs >= DEPLOY - 2 * HOUR ? { ...w, rows: 10_000 } : w)),
      }),
    );
    expect(applyControlGroup(drop, moves(over), DEFAULT_POLICY, ['src2'], LATER).suppressedBy).toBeNull();
  });

  it('holds a failure while peers have not run since the concern, then decides', () => {
    const soon = CONCERN + 60_000;
    const peers = [peer('a', ['src2'], 1, 0, DEPLOY + 40 * 60_000)];
    const waiting = applyControlGroup(drop, moves(peers, soon), DEFAULT_POLICY, ['src2'], soon);
    expect(waiting.status).toBe('WARN');
    expect(waiting.explanation).toContain('have not run since');
    // Judged again when the peer's next hourly write has landed.
    expect(waiting.recheckAtMs).toBe(DEPLOY + 50 * 60_000);
    const ran = [peer('a', ['src2'], 1, 0, DEPLOY + 3 * HOUR)];
    expect(applyControlGroup(drop, moves(ran), DEFAULT_POLICY, ['src2'], LATER).status).toBe('FAIL');
  });

  it('stops holding once a peer is overdue or the hold is over', () => {
    const peers = [peer('a', ['src2'], 1, 0, DEPLOY + 40 * 60_000)];
    // Due at DEPLOY+40m; its write would have landed by DEPLOY+50m.
    expect(
      applyControlGroup(drop, moves(peers, DEPLOY + 49 * 60_000), DEFAULT_POLICY, ['src2'], DEPLOY + 49 * 60_000)
        .status,
    ).toBe('WARN');
    expect(
      applyControlGroup(drop, moves(peers, DEPLOY + 50 * 60_000), DEFAULT_POLICY, ['src2'], DEPLOY + 50 * 60_000)
        .status,
    ).toBe('FAIL');
    // A peer running every two hours, due a minute before the hold ends, is waited for until then.
    const table = 'prod.peer.slow';
    const end = CONCERN + DEFAULT_POLICY.controlHoldMinutes * 60_000;
    const slow: SubjectEvidence = {
      subject: aSubject({ id: 'slow', name: 'slow', targetTables: [table], sourceTables: ['src2'] }),
      runs: [],
      writes: Array.from({ length: 200 }, (_, i) => ({
        table,
        subjectId: 'slow',
        runId: `s${i}`,
        timestampMs: end - 60_000 - (200 - i) * 2 * HOUR,
        rows: 10_000,
        plane: 'fast' as const,
      })),
      expectations: [],
      backlog: [],
    };
    expect(applyControlGroup(drop, moves([slow], end - 60_000), DEFAULT_POLICY, ['src2'], end - 60_000).status).toBe(
      'WARN',
    );
    expect(applyControlGroup(drop, moves([slow], end), DEFAULT_POLICY, ['src2'], end).status).toBe('FAIL');
  });

  it('does not wait for a peer that is not due within the hold', () => {
    const table = 'prod.peer.daily';
    const daily: SubjectEvidence = {
      subject: aSubject({ id: 'daily', name: 'daily', targetTables: [table], sourceTables: ['src2'] }),
      runs: [],
      writes: Array.from({ length: 20 }, (_, i) => ({
        table,
        subjectId: 'daily',
        runId: `d${i}`,
        timestampMs: DEPLOY - 2 * HOUR - i * 86_400_000,
        rows: 10_000,
        plane: 'fast' as const,
      })),
      expectations: [],
      backlog: [],
    };
    const soon = CONCERN + 60_000;
    expect(applyControlGroup(drop, moves([daily], soon), DEFAULT_POLICY, ['src2'], soon).status).toBe('FAIL');
  });

  it('does not hold when peers that already ran since the concern leave no upstream majority possible', () => {
    const soon = CONCERN + 15 * 60_000;
    const steady = ['a', 'b', 'c'].map((id) => peer(id, ['src2'], 1, 0, DEPLOY + 100 * 60_000));
    const late = (id: string) => peer(id, ['src2'], 1, 0, DEPLOY + 40 * 60_000);
    const m = moves([...steady, late('late')], soon);
    expect(m.filter((x) => x.lastWriteMs >= CONCERN)).toHaveLength(3);
    expect(applyControlGroup(drop, m, DEFAULT_POLICY, ['src2'], soon).status).toBe('FAIL');
    // With one steady peer against two still to run, an upstream majority is still possible.
    const m2 = moves([steady[0]!, late('late'), late('late2')], soon);
    expect(applyControlGroup(drop, m2, DEFAULT_POLICY, ['src2'], soon).status).toBe('WARN');
  });

  it('waits for a peer that has not run since the concern even when its earlier runs cannot be judged', () => {
    // 'thin' has three days of history: no baseline for its runs, but it is still a reader of the source.
    const thin: SubjectEvidence = {
      ...peer('thin', ['src2'], 1, 0, DEPLOY + 40 * 60_000),
      writes: peer('thin', ['src2'], 1, 0, DEPLOY + 40 * 60_000).writes.filter(
        (w) => w.timestampMs > DEPLOY - 3 * 86_400_000,
      ),
    };
    const steady = peer('a', ['src2'], 1, 0, DEPLOY + 100 * 60_000);
    const soon = CONCERN + 10 * 60_000;
    const m = moves([thin, steady, peer('b', ['src2'], 0.5, DEPLOY - HOUR, DEPLOY + 100 * 60_000)], soon);
    expect(m.find((x) => x.peer === 'thin')!.runs).toBe(0);
    const out = applyControlGroup(drop, m, DEFAULT_POLICY, ['src2'], soon);
    expect(out.status).toBe('WARN');
    expect(out.explanation).toContain('1 of 3 untouched pipelines');
  });

  it('takes a tie as upstream when a peer moved at least as far as the subject', () => {
    const tie = [peer('a', ['src2'], 0.25, DEPLOY - HOUR), peer('b', ['src2'], 1, 0)];
    expect(applyControlGroup(drop, moves(tie), DEFAULT_POLICY, ['src2'], LATER).suppressedBy).toBe('upstream');
    const weaker = [peer('a', ['src2'], 0.5, DEPLOY - HOUR), peer('b', ['src2'], 1, 0)];
    expect(applyControlGroup(drop, moves(weaker), DEFAULT_POLICY, ['src2'], LATER).suppressedBy).toBeNull();
  });

  it('does not count a peer that moved the other way', () => {
    const peers = [peer('a', ['src2'], 2, DEPLOY - HOUR)];
    expect(applyControlGroup(drop, moves(peers), DEFAULT_POLICY, ['src2'], LATER).suppressedBy).toBeNull();
  });

  it('does not wait for peers with no recent data', () => {
    expect(applyControlGroup(drop, [], DEFAULT_POLICY, ['src2'], CONCERN + 60_000).status).toBe('FAIL');
  });
});

describe('control group: size of the move', () => {
  it('does not explain a doubling by peers that rose a little', () => {
    const jump = checkResult({
      check: 'row_count',
      subject: 'table:prod.sales.orders',
      look: 1,
      status: 'FAIL',
      critical: true,
      effect: 2.15,
      observed: 21_500,
      explanation: 'rows doubled',
      decidedAtMs: CONCERN,
    });
    const small = [peer('a', ['src4'], 1.15, DEPLOY - HOUR), peer('b', ['src4'], 1.16, DEPLOY - HOUR)];
    expect(
      applyControlGroup(jump, moves(small, DEPLOY + 3 * HOUR, 'up'), DEFAULT_POLICY, ['src4'], LATER).suppressedBy,
    ).toBeNull();
    const big = [peer('a', ['src4'], 2, DEPLOY - HOUR), peer('b', ['src4'], 1.9, DEPLOY - HOUR)];
    expect(
      applyControlGroup(jump, moves(big, DEPLOY + 3 * HOUR, 'up'), DEFAULT_POLICY, ['src4'], LATER).suppressedBy,
    ).toBe('upstream');
  });

  it('does not take the largest of several noisy runs for a move', () => {
    const jump = checkResult({
      check: 'row_count',
      subject: 'table:prod.sales.orders',
      look: 3,
      status: 'FAIL',
      critical: true,
      effect: 1.3,
      observed: 13_000,
      postN: 3,
      explanation: 'rows up',
      decidedAtMs: CONCERN,
    });
    const noisy = ['a', 'b', 'c'].map((id): SubjectEvidence => {
      const table = `prod.peer.${id}`;
      const writes = hourlyWrites(DEPLOY + 3 * HOUR, 20, 10_000, table, 0.3).map((w) => ({ ...w, subjectId: id }));
      return {
        subject: aSubject({ id, name: id, targetTables: [table], sourceTables: ['src4'] }),
        runs: [],
        writes,
        expectations: [],
        backlog: [],
      };
    });
    const m = moves(noisy, DEPLOY + 3 * HOUR, 'up');
    // Noise alone carries the furthest run past the size floor...
    expect(m.some((x) => x.ratio >= 1.14)).toBe(true);
    // ...but not past what the largest of that many draws reaches by chance.
    expect(applyControlGroup(jump, m, DEFAULT_POLICY, ['src4'], LATER).suppressedBy).toBeNull();
  });
});

describe('control group: the upstream tables themselves', () => {
  /** Ingestion into `table` every quarter-hour for 20 days up to `until`, scaled by `factor` from `from` on. */
  const ingest = (table: string, factor: number, from: number, until: number): TableWrite[] => {
    const out: TableWrite[] = [];
    for (let t = until, k = 0; t > until - 20 * 86_400_000; t -= 15 * 60_000, k++) {
      const rows = 50_000 * (1 + 0.04 * Math.sin(k * 12.9898)) * (t >= from ? factor : 1);
      out.push({
        table,
        subjectId: `table:${table}`,
        runId: null,
        timestampMs: t,
        rows: Math.round(rows),
        plane: 'fast',
      });
    }
    return out.reverse();
  };
  const upstream = (writes: TableWrite[], nowMs: number) =>
    sourceMoves(writes, ['src2'], DEPLOY, CONCERN, nowMs, 'down', DEFAULT_POLICY);
  // An hourly peer not run since the concern: without other evidence the failure would be held.
  const pending = [peer('a', ['src2'], 1, 0, DEPLOY + 40 * 60_000)];
  const soon = CONCERN + 5 * 60_000;

  it('calls a source table that dropped with the subject upstream, with no peer needed', () => {
    const out = applyControlGroup(
      drop,
      [],
      DEFAULT_POLICY,
      ['src2'],
      soon,
      upstream(ingest('src2', 0.3, DEPLOY + 20 * 60_000, soon), soon),
    );
    expect(out.suppressedBy).toBe('upstream');
    expect(out.explanation).toContain('source table src2');
  });

  it('fails at once when the source kept writing as usual since the concern, rather than wait for peers', () => {
    const steady = upstream(ingest('src2', 1, 0, soon), soon);
    expect(applyControlGroup(drop, moves(pending, soon), DEFAULT_POLICY, ['src2'], soon).status).toBe('WARN');
    const out = applyControlGroup(drop, moves(pending, soon), DEFAULT_POLICY, ['src2'], soon, steady);
    expect(out.status).toBe('FAIL');
    expect(out.suppressedBy).toBeNull();
    expect(out.explanation).toContain('kept writing as usual');
  });

  it('still holds when the source has not written since the concern', () => {
    const quiet = upstream(ingest('src2', 1, 0, CONCERN - 5 * 60_000), soon);
    expect(applyControlGroup(drop, moves(pending, soon), DEFAULT_POLICY, ['src2'], soon, quiet).status).toBe('WARN');
  });

  it('needs every source the subject reads to have written, not just one', () => {
    const one = sourceMoves(
      ingest('src2', 1, 0, soon),
      ['src2', 'src3'],
      DEPLOY,
      CONCERN,
      soon,
      'down',
      DEFAULT_POLICY,
    );
    expect(applyControlGroup(drop, moves(pending, soon), DEFAULT_POLICY, ['src2', 'src3'], soon, one).status).toBe(
      'WARN',
    );
  });
});
