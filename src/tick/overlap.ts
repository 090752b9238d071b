// Reads that overlap, said as a table: every read starts at once and names the reads whose answers
// it awaits, at its start or part way through. On a workspace every read is a round trip, so what
// does not wait must not be made to, and what waits says so here rather than in promise plumbing.
//
// A failed read rejects where its answer is awaited, and only there: each started read carries a
// handler, so a read that fails before anyone awaits it (or that nobody awaits, after an earlier
// failure ended the step) is never an unhandled rejection, and its error still reaches whoever
// awaits it.

/** The answer of a read this one named in `after`. */
export type Answer<T> = <D extends keyof T>(name: D) => Promise<T[D]>;

export interface Read<T, K extends keyof T> {
  /** The reads whose answers this one awaits; a failed one fails this one with its error, unless it catches it. */
  readonly after: ReadonlyArray<Exclude<keyof T, K>>;
  readonly run: (answer: Answer<T>) => Promise<T[K]>;
}

export type ReadTable<T> = { readonly [K in keyof T]: Read<T, K> };
export type Started<T> = { readonly [K in keyof T]: Promise<T[K]> };

export function startReads<T>(table: ReadTable<T>): Started<T> {
  const started = new Map<keyof T, Promise<unknown>>();
  const start = (name: keyof T, waiting: ReadonlyArray<keyof T>): Promise<unknown> => {
    const known = started.get(name);
    if (known) return known;
    if (waiting.includes(name))
      throw new Error(`reads wait on each other: ${[...waiting, name].map(String).join(' -> ')}`);
    const read = table[name];
    for (const d of read.after) start(d, [...waiting, name]);
    const answer = ((d: keyof T) => {
      if (!read.after.includes(d as Exclude<keyof T, typeof name>)) {
        throw new Error(`read '${String(name)}' uses '${String(d)}' without naming it in after`);
      }
      return started.get(d);
    }) as Answer<T>;
    // Issued now, in the caller's turn, like a plain call; it awaits what it needs where it needs it.
    const run = (async () => read.run(answer))();
    run.catch(() => undefined);
    started.set(name, run);
    return run;
  };
  for (const name of Object.keys(table) as Array<keyof T>) start(name, []);
  return Object.fromEntries(started) as Started<T>;
}

/** A read's outcome as a value, for the reads whose failure is reported rather than thrown. */
export async function settled<V>(p: Promise<V>): Promise<{ ok: true; value: V } | { ok: false; error: Error }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, error: e as Error };
  }
}
