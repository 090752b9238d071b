// The archive tables came with retention: an installation set up before it lacks them until
// `postflight setup` runs again. Commands that read them say so instead of failing obscurely.

import { ConfigError } from './args.js';

/**
 * An installation set up before retention existed lacks the archive tables: say how to add them
 * (bad setup, exit 2) rather than fail as an internal error.
 */
export function archiveMissing(e: Error): ConfigError | null {
  if (
    !/_archive|retention_runs/.test(e.message) ||
    !/TABLE_OR_VIEW_NOT_FOUND|does not exist|not found/i.test(e.message)
  )
    return null;
  return new ConfigError(
    `${e.message.split('\n')[0]}: the archive tables are missing; create them with 'postflight setup --warehouse databricks' (idempotent), or simulate an embedded world again`,
  );
}
