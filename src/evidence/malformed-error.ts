// A row an adapter could not even turn into the port's shape (no version to name it by, a
// timestamp that is no time): thrown as its own class, so the tick reports it as malformed
// evidence of the subject rather than as a read that failed.

export class MalformedRowError extends Error {
  override readonly name = 'MalformedRowError';
}
