// The new schema of the tables a dbt project writes, from its models' enforced contracts in
// target/manifest.json (`dbt compile` or `dbt parse` writes it): each column's data_type and its
// not_null constraints, at column or model level. A model without an enforced contract declares
// no schema, so nothing can be known about it before it runs.

import { z } from 'zod';
import { BundleInputError, parseBundleJson } from '../ci/bundle-outputs.js';
import type { TableSpec } from './schema-compat.js';

const constraint = z.looseObject({ type: z.string(), columns: z.array(z.string()).optional() });

const manifestSchema = z.looseObject({
  nodes: z.record(
    z.string(),
    z.looseObject({
      resource_type: z.string(),
      database: z.string().nullish(),
      schema: z.string().nullish(),
      alias: z.string().nullish(),
      name: z.string(),
      original_file_path: z.string().optional(),
      config: z.looseObject({ contract: z.looseObject({ enforced: z.boolean().optional() }).optional() }).optional(),
      columns: z
        .record(
          z.string(),
          z.looseObject({
            name: z.string(),
            data_type: z.string().nullish(),
            constraints: z.array(constraint).optional(),
          }),
        )
        .optional(),
      constraints: z.array(constraint).optional(),
    }),
  ),
});

export function contractTables(text: string, source: string): TableSpec[] {
  const manifest = parseBundleJson(manifestSchema, text, source, "write it with 'dbt parse' (target/manifest.json)");
  const out: TableSpec[] = [];
  for (const [id, n] of Object.entries(manifest.nodes)) {
    if (n.resource_type !== 'model' || n.config?.contract?.enforced !== true) continue;
    if (!n.database || !n.schema) throw new BundleInputError(`${source}: model ${id} has no database or schema`);
    const modelNotNull = new Set(
      (n.constraints ?? [])
        .filter((c) => c.type === 'not_null')
        .flatMap((c) => (c.columns ?? []).map((x) => x.toLowerCase())),
    );
    const columns = Object.values(n.columns ?? {}).map((c) => {
      if (!c.data_type) {
        throw new BundleInputError(
          `${source}: column ${c.name} of model ${id} has no data_type, which an enforced contract requires`,
        );
      }
      const notNull =
        modelNotNull.has(c.name.toLowerCase()) || (c.constraints ?? []).some((x) => x.type === 'not_null');
      return { name: c.name, type: c.data_type, nullable: !notNull };
    });
    out.push({
      table: `${n.database}.${n.schema}.${n.alias ?? n.name}`.toLowerCase(),
      columns,
      ...(n.original_file_path ? { source: n.original_file_path } : {}),
    });
  }
  return out.sort((a, b) => (a.table < b.table ? -1 : 1));
}
