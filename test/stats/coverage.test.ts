import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vectorIds } from './vectors.js';

// Each test file fails by itself if it leaves a number of a vector it loads unchecked
// (see vectors.ts); this file makes sure no vector is left out altogether.
describe('stat-vectors.json coverage', () => {
  const dir = new URL('./', import.meta.url);
  const used = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.test.ts') && f !== 'coverage.test.ts')) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const match of source.matchAll(/'([A-Za-z0-9_]+)'/g)) {
      if (match[1] !== undefined && vectorIds.includes(match[1])) used.add(match[1]);
    }
  }

  it('has the 21 vectors of detection.md §9', () => {
    expect(vectorIds).toHaveLength(21);
    expect(new Set(vectorIds).size).toBe(21);
  });

  it('exercises every vector in some test file', () => {
    expect(vectorIds.filter((id) => !used.has(id))).toEqual([]);
  });
});
