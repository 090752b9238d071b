// Turns zod issues into lines an engineer can act on: the JSON path of the bad field, what is
// wrong with it, and how to fix it.

import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type Path = ReadonlyArray<PropertyKey>;

export function jsonPath(path: Path): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) =>
      typeof p === 'number'
        ? `[${p}]`
        : /^[A-Za-z_$][\w$]*$/.test(String(p))
          ? `${i ? '.' : ''}${String(p)}`
          : `[${JSON.stringify(String(p))}]`,
    )
    .join('');
}

function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (v !== null && typeof v === 'object') return 'an object';
  return JSON.stringify(v);
}

const FIX: Record<string, string> = {
  boolean: 'use true or false',
  number: 'use a number',
  int: 'use a whole number',
  string: 'use a string in double quotes',
  object: 'use a JSON object { ... }',
  array: 'use a JSON array [ ... ]',
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      prev = keep;
    }
  }
  return row[b.length]!;
}

function closest(word: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const o of options) {
    const d = editDistance(word, o);
    if (d < bestD) [best, bestD] = [o, d];
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

/** Keys an object schema accepts at `path`, following optional wrappers, records and arrays. */
function keysAt(schema: z.core.$ZodType, path: Path): string[] {
  let s: z.core.$ZodType | undefined = schema;
  const unwrap = () => {
    while (s && s._zod.def.type === 'optional') s = (s._zod.def as z.core.$ZodOptionalDef).innerType;
  };
  unwrap();
  for (const p of path) {
    const def: z.core.$ZodTypeDef | undefined = s?._zod.def;
    if (!def) return [];
    if (def.type === 'object') s = (def as z.core.$ZodObjectDef).shape[String(p)];
    else if (def.type === 'record') s = (def as z.core.$ZodRecordDef).valueType;
    else if (def.type === 'array') s = (def as z.core.$ZodArrayDef).element;
    else return [];
    unwrap();
  }
  return s?._zod.def.type === 'object' ? Object.keys((s._zod.def as z.core.$ZodObjectDef).shape) : [];
}

function bound(issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean }, small: boolean): string {
  const limit = String(small ? issue.minimum : issue.maximum);
  return `${small ? (issue.inclusive ? 'at least' : 'above') : issue.inclusive ? 'at most' : 'below'} ${limit}`;
}

/** One line per problem, each starting with the JSON path of the field it is about. */
export function describeIssues(issues: readonly Issue[], schema: z.core.$ZodType): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const at = jsonPath(issue.path);
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'invalid_type':
        lines.push(
          `${at}: expected ${issue.expected === 'int' ? 'a whole number' : issue.expected}, got ${shown(input)}; ${input === undefined ? 'add it' : (FIX[issue.expected] ?? `use a ${issue.expected}`)}`,
        );
        break;
      case 'too_small':
      case 'too_big': {
        const small = issue.code === 'too_small';
        if (issue.origin === 'array')
          lines.push(`${at}: must list ${bound(issue, small)} item(s); ${small ? 'add one' : 'remove some'}`);
        else if (issue.origin === 'string') lines.push(`${at}: must not be empty; give a value or remove the field`);
        else
          lines.push(`${at}: must be ${bound(issue, small)}, got ${shown(input)}; use a value ${bound(issue, small)}`);
        break;
      }
      case 'unrecognized_keys': {
        const allowed = keysAt(schema, issue.path);
        for (const key of issue.keys) {
          const near = closest(key, allowed);
          const hint = near
            ? `did you mean "${near}"?`
            : allowed.length
              ? `remove it; allowed here: ${allowed.join(', ')}`
              : 'remove it';
          lines.push(`${jsonPath([...issue.path, key])}: unknown key; ${hint}`);
        }
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map((v) => JSON.stringify(v));
        const near = typeof input === 'string' ? closest(input, issue.values.map(String)) : null;
        lines.push(
          `${at}: expected ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}, got ${shown(input)}${near ? `; did you mean "${near}"?` : ''}`,
        );
        break;
      }
      case 'invalid_key':
        lines.push(`${at}: the key must not be empty; name the job, pipeline, resource or bundle`);
        break;
      case 'custom':
        lines.push(`${at}: ${issue.message}`);
        break;
      default:
        lines.push(`${at}: ${issue.message}`);
    }
  }
  return lines;
}
