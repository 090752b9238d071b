// `postflight simulate`: builds the simulated platform in an embedded warehouse file.

import type { Logger } from '../log.js';
import { SimWorld } from '../simulator/world.js';
import { DuckDbWarehouse } from '../warehouse/duckdb/duckdb-warehouse.js';
import { parseWarehouse } from './args.js';
import { type CommonValues, UsageError, worldSpecOf } from './common-options.js';
import { Progress } from './progress.js';

export async function runSimulateCommand(values: CommonValues, log: Logger): Promise<number> {
  const spec = worldSpecOf(values);
  const target = parseWarehouse(values.warehouse, '.postflight');
  if (target.kind !== 'duckdb')
    throw new UsageError('simulate builds a simulated platform in an embedded warehouse; use --warehouse duckdb:PATH');
  const wh = await DuckDbWarehouse.open(target.path);
  const progress = new Progress(process.stderr);
  try {
    if (await SimWorld.open(wh))
      throw new UsageError(
        `${target.path} already holds a simulated world; remove it or pass another --warehouse duckdb:PATH`,
      );
    const world = await SimWorld.create(wh, spec, (d, t) => progress.update('building history', d, t));
    progress.done();
    const built = {
      path: target.path,
      pipelines: spec.pipelines,
      days: spec.days,
      now: new Date(world.nowMs).toISOString(),
    };
    log.info(built, 'simulated world ready');
    process.stdout.write(
      values.json
        ? `${JSON.stringify(built)}\n`
        : `simulated world ready in ${built.path}: ${built.pipelines} pipelines, ${built.days} days of history, clock at ${built.now}\n`,
    );
  } finally {
    await wh.close();
  }
  return 0;
}
