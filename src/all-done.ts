// Promise.all for statements sent at once: it waits for every one to come back before it raises
// the first failure, so no statement outlives its caller (the job closes the warehouse when a tick
// returns, and a DuckDB connection closed under a running statement hangs the process).

export async function allDone<T extends readonly unknown[]>(
  work: readonly [...{ [K in keyof T]: Promise<T[K]> | T[K] }],
): Promise<T> {
  const done = await Promise.allSettled(work);
  const failed = done.find((d) => d.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return done.map((d) => (d as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
