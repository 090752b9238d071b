// What two verifiers racing must never leave, read the same way from either engine: a deployment
// rolled back twice, an event audited twice, a tick or verdict row twice, a resource reset twice.

/** One engine's read: rows as arrays of values. */
export type ReadRows = (sql: string) => Promise<ReadonlyArray<ReadonlyArray<unknown>>>;

export interface AppliedTwice {
  readonly rollbacks: ReadonlyArray<ReadonlyArray<unknown>>;
  readonly audited: ReadonlyArray<ReadonlyArray<unknown>>;
  readonly tickRows: ReadonlyArray<ReadonlyArray<unknown>>;
  readonly verdictRows: ReadonlyArray<ReadonlyArray<unknown>>;
  /** Resets and edits that changed a job or pipeline more than once. */
  readonly resets: number;
}

/** `table(name)`: the engine's name for the ops table `name`. */
export async function appliedTwice(
  read: ReadRows,
  table: (name: string) => string,
  effects: readonly string[],
): Promise<AppliedTwice> {
  const twice = (name: string, key: string, where = '') =>
    read(`SELECT ${key}, count(*) FROM ${table(name)} ${where} GROUP BY ${key} HAVING count(*) > 1 ORDER BY 1`);
  return {
    rollbacks: await twice('rollbacks', 'deployment_id'),
    audited: await twice('audit_log', 'event_key', 'WHERE event_key IS NOT NULL'),
    tickRows: await twice('ticks', 'tick_id'),
    verdictRows: await twice('verdicts', 'deployment_id'),
    resets: effects.length - new Set(effects).size,
  };
}

export const NOTHING_TWICE: AppliedTwice = { rollbacks: [], audited: [], tickRows: [], verdictRows: [], resets: 0 };

/** Whether nothing was applied twice. */
export function appliedOnce(t: AppliedTwice): boolean {
  return (
    t.rollbacks.length === 0 &&
    t.audited.length === 0 &&
    t.tickRows.length === 0 &&
    t.verdictRows.length === 0 &&
    t.resets === 0
  );
}
