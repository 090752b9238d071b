// Turns zod issues into one readable error that names each offending field of a policy file.

import type { z } from 'zod';
import { ConfigError } from './errors.js';

export function formatIssues(root: string, issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const path = [root, ...i.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
        .join('.')
        .replace(/\.\[/g, '[');
      if (i.code === 'unrecognized_keys')
        return `${path}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}; check the spelling or remove ${i.keys.length > 1 ? 'them' : 'it'}`;
      return `${path}: ${i.message}`;
    })
    .join('\n');
}

/** Parses with the schema or throws an error listing every problem under `root`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, root: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new ConfigError(`invalid policy:\n${formatIssues(root, r.error.issues)}`);
  return r.data;
}
