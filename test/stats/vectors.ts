import { readFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

const FIXTURE = new URL('../fixtures/stat-vectors.json', import.meta.url);

interface Fixture {
  readonly vectors: readonly ({ readonly id: string } & Record<string, Json>)[];
}

export const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;

export const vectorIds: readonly string[] = fixture.vectors.map((v) => v.id);

// Parts of a vector that describe it rather than state a result.
const NOT_RESULTS = new Set(['id', 'kind', 'description', 'inputs', 'scipy_call', 'tolerance', 'formulas']);

export interface Tolerance {
  readonly rel?: number;
  readonly abs?: number;
}

export interface TrackedVector {
  readonly id: string;
  /** A field under `inputs`. */
  input(...path: Path): Json;
  inputNumber(...path: Path): number;
  inputNumbers(...path: Path): number[];
  /** A result field; reading it marks every number under it as checked. */
  result(...path: Path): Json;
  resultNumber(...path: Path): number;
  resultNumbers(...path: Path): number[];
  /** Reads any field without marking it checked: for table shapes, not for assertions. */
  peek(...path: Path): Json;
  /** Number of rows of a result table. */
  rows(...path: Path): number;
  /** A number under `tolerance`. */
  tolerance(key: string): number;
}

const trackers = new Map<string, TrackedVector>();
const unchecked = new Map<string, () => string[]>();

// Registered while the test file imports this module, so it runs once after every
// suite of that file (each test file gets its own module instance).
afterAll(() => {
  for (const [id, list] of unchecked) expect(list(), `${id}: numeric results never checked`).toEqual([]);
});

/**
 * Looks a vector up by id. After the test file has run, any number among the vector's
 * results that no test read fails the file: "every numeric output is checked" is
 * enforced, not hoped.
 */
export function vector(id: string): TrackedVector {
  const known = trackers.get(id);
  if (known !== undefined) return known;
  const raw = fixture.vectors.find((v) => v.id === id);
  if (raw === undefined) throw new Error(`no vector with id ${id}`);
  const checked = new Set<string>();

  const get = (root: Json, path: Path): Json => {
    let node: Json = root;
    for (const key of path) {
      const next: Json | undefined = Array.isArray(node)
        ? node[key as number]
        : node !== null && typeof node === 'object'
          ? node[key as string]
          : undefined;
      if (next === undefined) throw new Error(`${id}: no field ${path.join('.')}`);
      node = next;
    }
    return node;
  };
  const result = (...path: Path): Json => {
    if (path.length === 0 || NOT_RESULTS.has(String(path[0])))
      throw new Error(`${id}: ${String(path[0])} is not a result`);
    checked.add(JSON.stringify(path));
    return get(raw, path);
  };

  unchecked.set(id, () =>
    numericLeaves(raw, [])
      .filter((p) => !NOT_RESULTS.has(String(p[0])))
      .filter((p) => ![...checked].some((read) => isWithin(p, read)))
      .map((p) => p.join('.')),
  );

  const tracker: TrackedVector = {
    id,
    input: (...path) => get(raw, ['inputs', ...path]),
    inputNumber: (...path) => asNumber(get(raw, ['inputs', ...path]), id, path),
    inputNumbers: (...path) => asNumbers(get(raw, ['inputs', ...path]), id, path),
    result,
    resultNumber: (...path) => asNumber(result(...path), id, path),
    resultNumbers: (...path) => asNumbers(result(...path), id, path),
    peek: (...path) => get(raw, path),
    rows: (...path) => {
      const table = get(raw, path);
      if (!Array.isArray(table)) throw new Error(`${id}: ${path.join('.')} is not a table`);
      return table.length;
    },
    tolerance: (key) => asNumber(get(raw, ['tolerance', key]), id, ['tolerance', key]),
  };
  trackers.set(id, tracker);
  return tracker;
}

/** Whether `leaf` is the path serialized as `read` or lies below it. */
function isWithin(leaf: Path, read: string): boolean {
  const serialized = JSON.stringify(leaf);
  return serialized === read || serialized.startsWith(`${read.slice(0, -1)},`);
}

function numericLeaves(node: Json, path: (string | number)[]): (string | number)[][] {
  if (typeof node === 'number') return [path];
  if (Array.isArray(node)) return node.flatMap((child, i) => numericLeaves(child, [...path, i]));
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, child]) => numericLeaves(child, [...path, key]));
  }
  return [];
}

function asNumber(value: Json, id: string, path: Path): number {
  if (typeof value !== 'number') throw new Error(`${id}: ${path.join('.')} is not a number`);
  return value;
}

function asNumbers(value: Json, id: string, path: Path): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) {
    throw new Error(`${id}: ${path.join('.')} is not a list of numbers`);
  }
  return value as number[];
}

/** |actual − expected| ≤ max(abs, rel·|expected|); exact equality always passes (±Infinity). */
export function expectClose(actual: number, expected: number, tolerance: Tolerance, label = ''): void {
  if (actual === expected) return;
  const allowed = Math.max(tolerance.abs ?? 0, (tolerance.rel ?? 0) * Math.abs(expected));
  const error = Math.abs(actual - expected);
  expect(error, `${label}: got ${actual}, expected ${expected} (allowed error ${allowed})`).toBeLessThanOrEqual(
    allowed,
  );
}

export function expectAllClose(
  actual: readonly number[],
  expected: readonly number[],
  tolerance: Tolerance,
  label = '',
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (const [i, e] of expected.entries()) expectClose(actual[i] ?? Number.NaN, e, tolerance, `${label}[${i}]`);
}
