import { describe, expect, it } from 'vitest';
import { anchorEntry, anchorFindings } from '../../src/audit/anchor.js';
import {
  type AuditEntry,
  type AuditRow,
  type ChainTail,
  chainEntries,
  verifyChain,
} from '../../src/audit/hash-chain.js';
import { mergePlaces } from '../../src/audit/places.js';

const entry = (i: number): AuditEntry => ({
  atMs: 1_000 * i,
  actor: 'postflight',
  action: 'verdict.changed',
  subject: `deployment:d${i}`,
  payload: { n: i },
  eventKey: `k${i}`,
});

/** Rows 1..10, an entry vouching for the anchor at seq 4 (seq 11), and rows 12..13. */
function anchoredLog(): { all: AuditRow[]; anchor: ChainTail } {
  const first = chainEntries(
    null,
    Array.from({ length: 10 }, (_, i) => entry(i + 1)),
  );
  const anchor = { seq: 4, hash: first[3]!.hash };
  const vouch = chainEntries({ seq: 10, hash: first[9]!.hash }, [anchorEntry(anchor, 0, 11_000)]);
  const rest = chainEntries({ seq: 11, hash: vouch[0]!.hash }, [entry(12), entry(13)]);
  return { all: [...first, ...vouch, ...rest], anchor };
}

const problems = (rows: readonly AuditRow[], head: ChainTail | null, anchor: ChainTail | null) =>
  [...verifyChain(rows, head, anchor), ...anchorFindings(rows, anchor)].map((f) => [f.seq, f.problem]);

describe('audit chain verified from an anchor', () => {
  const { all, anchor } = anchoredLog();
  const head = { seq: 13, hash: all[12]!.hash };
  const kept = all.filter((r) => r.seq > anchor.seq);

  it('verifies the rows after a vouched anchor, and the rows a removal left behind up to it', () => {
    expect(problems(kept, head, anchor)).toEqual([]);
    // The removal stopped after recording the anchor: rows 1..4 are still there, or 3..4.
    expect(problems(all, head, anchor)).toEqual([]);
    expect(problems(all.slice(2), head, anchor)).toEqual([]);
  });

  it('finds a gap after the anchor, a changed anchor, and leftovers that do not reach it', () => {
    expect(
      problems(
        kept.filter((r) => r.seq !== 5),
        head,
        anchor,
      ),
    ).toEqual([
      [5, 'missing'],
      [6, 'out_of_order'],
    ]);
    const forged = { seq: 4, hash: 'f'.repeat(64) };
    expect(problems(kept, head, forged)).toEqual([
      [5, 'out_of_order'],
      [4, 'anchor_unvouched'],
    ]);
    expect(
      problems(
        all.filter((r) => r.seq !== 4),
        head,
        anchor,
      ),
    ).toEqual([[4, 'missing']]);
    const changedLeftover = all.map((r) => (r.seq === 4 ? { ...r, subject: 'x' } : r));
    expect(problems(changedLeftover, head, anchor).map(([, p]) => p)).toContain('changed');
  });

  it('finds an anchor moved forward by hand: the chain links, but no entry vouches for it', () => {
    const moved = { seq: 7, hash: all[6]!.hash };
    expect(
      problems(
        all.filter((r) => r.seq > 7),
        head,
        moved,
      ),
    ).toEqual([[7, 'anchor_unvouched']]);
  });

  it('without an anchor, rows removed from the start are missing', () => {
    expect(problems(kept, head, null)).toEqual([
      [1, 'missing'],
      [5, 'out_of_order'],
    ]);
  });
});

describe('the hot log and its archive read together', () => {
  const { all } = anchoredLog();
  const hot = all.filter((r) => r.seq > 8).map((r) => ({ ...r, place: 'hot' as const }));
  const archived = all.filter((r) => r.seq <= 9).map((r) => ({ ...r, place: 'archive' as const }));

  it('counts a row copied to the archive but not yet removed from the hot log once', () => {
    const merged = mergePlaces([...hot, ...archived]);
    expect(merged.rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(all.map((r) => r.seq));
    expect(merged.findings).toEqual([]);
    expect([merged.hot, merged.archived]).toEqual([hot.length, archived.length]);
  });

  it('reports the two copies of a row that differ', () => {
    const changed = archived.map((r) => (r.seq === 9 ? { ...r, payload: '{"n":99}' } : r));
    expect(mergePlaces([...hot, ...changed]).findings.map((f) => [f.seq, f.problem])).toEqual([[9, 'conflict']]);
  });
});
