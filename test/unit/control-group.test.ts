import { describe, expect, it } from 'vitest';
import { applyControlGroup, peerMoves } from '../../src/checks/control-group.js';
import type { SubjectEvidence } from '../../src/checks/evidence.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { checkResult } from '../../src/checks/result.js';
import type { CheckResult } from '../../src/types.js';
import { HOUR, T0, aSubject, hourlyWrites } from './builders.js';

const deploy = T0 + 10 * HOUR + 30 * 60_000;
const now = deploy + 3 * HOUR;

/** A peer reading `sources` whose post-deploy runs wrote `factor` times its usual volume. */
function peer(id: string, sources: string[], factor: number): SubjectEvidence {
  const table = `prod.peer.t${id}`;
  const writes = hourlyWrites(deploy, 28, 10_000, table, 0.04).map((w) => ({ ...w, subjectId: id }));
  for (let i = 0; i < 3; i++) writes.push({ table, subjectId: id, runId: `${id}-p${i}`, timestampMs: deploy + (i + 0.2) * HOUR, rows: Math.round(10_000 * factor), plane: 'fast' });
  return { subject: aSubject({ id, name: `job:${id}`, targetTables: [table], sourceTables: sources }), runs: [], writes, expectations: [], backlog: [] };
}

const failure: CheckResult = checkResult({ check: 'row_count', subject: 'table:prod.sales.orders', look: 2, status: 'FAIL', critical: true, effect: 0.35, observed: 3500, explanation: 'rows -65%' });

describe('control group', () => {
  it('blames the source whose readers all dropped, even when readers of another shared source did not', () => {
    // The deploy reads S1 and S2; the incident is on S1. Four steady S2 readers outnumber the three S1 readers.
    const peers = [peer('a', ['S1'], 0.3), peer('b', ['S1'], 0.3), peer('c', ['S1', 'S9'], 0.3), ...['d', 'e', 'f', 'g'].map((id) => peer(id, ['S2'], 1))];
    const out = applyControlGroup(failure, peerMoves(peers, deploy, now, DEFAULT_POLICY), peers.length, DEFAULT_POLICY);
    expect(out.suppressedBy).toBe('upstream');
    expect(out.explanation).toMatch(/3 of 3 untouched pipelines reading S1/);
  });

  it('does not blame upstream when the peers held steady', () => {
    const peers = ['a', 'b', 'c'].map((id) => peer(id, ['S1'], 1.02));
    const out = applyControlGroup(failure, peerMoves(peers, deploy, now, DEFAULT_POLICY), peers.length, DEFAULT_POLICY);
    expect(out.suppressedBy).toBeNull();
    expect(out.status).toBe('FAIL');
  });

  it('takes one peer moving a little for its own noise, and holds an early failure to see more', () => {
    const peers = [peer('a', ['S1'], 0.86)];
    const moves = peerMoves(peers, deploy, now, DEFAULT_POLICY);
    const early = applyControlGroup(failure, moves, 1, DEFAULT_POLICY);
    expect(early.suppressedBy).toBeNull();
    expect(early.status).toBe('WARN');
    const late = applyControlGroup({ ...failure, look: 3, postN: 3 }, moves, 1, DEFAULT_POLICY);
    expect(late.status).toBe('FAIL');
    expect(late.suppressedBy).toBeNull();
  });

  it('ignores peers that have not written since the anomaly began', () => {
    const peers = [peer('a', ['S1'], 0.3), peer('b', ['S1'], 0.3)];
    expect(peerMoves(peers, deploy, now, DEFAULT_POLICY, now - 10 * 60_000)).toEqual([]);
  });
});
