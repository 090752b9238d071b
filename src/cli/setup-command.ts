// `postflight setup`: creates postflight's tables in a workspace's warehouse (idempotent).

import type { Logger } from '../log.js';
import { parseWarehouse } from './args.js';
import { type CommonValues, connectWith, UsageError } from './common-options.js';

export async function runSetupCommand(values: CommonValues, log: Logger): Promise<number> {
  const target = parseWarehouse(values.warehouse, '.postflight');
  if (target.kind === 'duckdb')
    throw new UsageError(`the embedded warehouse is set up by 'postflight simulate --warehouse duckdb:${target.path}'`);
  const conn = await connectWith(values, target, log);
  try {
    await conn.wh.applyDdl('ddl/ops');
    log.info({ statements: conn.wh.stats.statements }, 'postflight tables ready');
  } finally {
    await conn.close();
  }
  return 0;
}
