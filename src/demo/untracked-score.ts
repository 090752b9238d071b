// The replay's untracked changes scored: each hand edit in the UI caught by the sweep and paged
// on (a production change), how long after the edit, and no deploy or rollback reported as untracked.

export interface UntrackedScore {
  readonly hand_edits: number;
  readonly caught: number;
  /** Caught as a production change: the untracked_change alert pages on it. */
  readonly paged: number;
  /** Longest time from a hand edit to its untracked row (the audit log's delay and the sweep's period). */
  readonly caught_after_s_max: number | null;
  /** Untracked rows that match no hand edit: recorded deploys or rollbacks reported wrongly. Must be 0. */
  readonly wrongly_untracked: number;
}

export interface UntrackedDemoRow {
  readonly kind: string;
  readonly edit_ms: number | bigint;
  readonly detected_ms: number | bigint | null;
  readonly production: boolean | null;
}

export function scoreUntracked(rows: readonly UntrackedDemoRow[]): UntrackedScore {
  const edits = rows.filter((r) => r.kind === 'hand_edit');
  const caught = edits.filter((r) => r.detected_ms !== null);
  const delays = caught.map((r) => (Number(r.detected_ms) - Number(r.edit_ms)) / 1000);
  return {
    hand_edits: edits.length,
    caught: caught.length,
    paged: caught.filter((r) => r.production === true).length,
    caught_after_s_max: delays.length ? Math.max(...delays) : null,
    wrongly_untracked: rows.filter((r) => r.kind === 'unmatched').length,
  };
}
