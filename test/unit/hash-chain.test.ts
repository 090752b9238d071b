import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type AuditEntry, chainEntries, GENESIS_HASH, rowHash, verifyChain } from '../../src/audit/hash-chain.js';

const entry = (i: number): AuditEntry => ({
  atMs: 1_000 * i,
  actor: 'postflight',
  action: 'verdict.changed',
  subject: `deployment:d${i}`,
  payload: { to: 'FAILED', n: i },
  eventKey: `k${i}`,
});

describe('audit hash chain', () => {
  it('hashes sha256 over the previous hash and the canonical JSON of the row', () => {
    const [r] = chainEntries(null, [entry(1)]);
    const body =
      '{"action":"verdict.changed","actor":"postflight","at":1000,"event_key":"k1","payload":"{\\"n\\":1,\\"to\\":\\"FAILED\\"}","seq":1,"subject":"deployment:d1"}';
    expect(r!.prevHash).toBe(GENESIS_HASH);
    expect(r!.hash).toBe(createHash('sha256').update(`${GENESIS_HASH}\n${body}`).digest('hex'));
  });

  it('links each row to the one before and continues after a tail', () => {
    const rows = chainEntries(null, [entry(1), entry(2)]);
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    const more = chainEntries({ seq: 2, hash: rows[1]!.hash }, [entry(3)]);
    expect(more[0]!.seq).toBe(3);
    expect(verifyChain([...rows, ...more], { seq: 3, hash: more[0]!.hash })).toEqual([]);
  });

  it('finds a changed row', () => {
    const rows = chainEntries(null, [entry(1), entry(2), entry(3)]);
    const tampered = rows.map((r) => (r.seq === 2 ? { ...r, payload: r.payload.replace('FAILED', 'HEALTHY') } : r));
    expect(verifyChain(tampered, null).map((f) => [f.seq, f.problem])).toEqual([[2, 'changed']]);
  });

  it('finds a changed row whose hash was recomputed, at the next row', () => {
    const rows = chainEntries(null, [entry(1), entry(2), entry(3)]);
    const changed = { ...rows[1]!, subject: 'deployment:other' };
    const rehashed = { ...changed, hash: rowHash(changed.prevHash, changed) };
    const findings = verifyChain([rows[0]!, rehashed, rows[2]!], null);
    expect(findings.map((f) => [f.seq, f.problem])).toEqual([[3, 'out_of_order']]);
  });

  it('finds a deleted row, and rows deleted from the end against the head', () => {
    const rows = chainEntries(null, [entry(1), entry(2), entry(3)]);
    expect(verifyChain([rows[0]!, rows[2]!], null).map((f) => f.problem)).toEqual(['missing', 'out_of_order']);
    expect(verifyChain(rows.slice(0, 2), { seq: 3, hash: rows[2]!.hash }).map((f) => f.problem)).toEqual([
      'head_missing',
    ]);
  });

  it('finds two rows swapped', () => {
    const rows = chainEntries(null, [entry(1), entry(2), entry(3)]);
    const swapped = [rows[0]!, { ...rows[2]!, seq: 2 }, { ...rows[1]!, seq: 3 }];
    expect(verifyChain(swapped, null).length).toBeGreaterThan(0);
  });
});
