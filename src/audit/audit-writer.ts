// One writer's appends to the audit log in a row, each chained on the tail the one before it left:
// the tail is not read again (a writer that lost it to another finds out from its insert and reads
// it then, see appendAudit), and the recorded head's writes go on while the writer moves on.
// settle() waits for them: every statement a tick starts has come back when it returns.

import type { Warehouse } from '../warehouse/port.js';
import { type AppendOutcome, appendAudit } from './audit-log.js';
import type { AuditEntry, ChainTail } from './hash-chain.js';

export class AuditWriter {
  readonly #wh: Warehouse;
  #tail: ChainTail | null | undefined;
  readonly #heads: Promise<unknown>[] = [];

  /** `tail`: the log's last entry as the caller knows it (undefined: read it at the first append). */
  constructor(wh: Warehouse, tail?: ChainTail | null) {
    this.#wh = wh;
    this.#tail = tail;
  }

  async append(entries: readonly AuditEntry[], nowMs: number): Promise<AppendOutcome> {
    try {
      const out = await appendAudit(this.#wh, entries, nowMs, this.#tail, (h) => this.#heads.push(h));
      this.#tail = out.tail;
      return out;
    } catch (e) {
      this.#tail = undefined;
      throw e;
    }
  }

  /** Waits for the head writes started so far; a failed one only costs the next writer a read. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.#heads.splice(0));
  }
}
