import { describe, expect, it } from 'vitest';
import { supersession } from '../../src/tick/open.js';

describe('supersession', () => {
  it('gives each deployment the finish time of the next one of the same bundle and target', () => {
    const rows = [
      { deployment_id: 'c', bundle: 'b', target: 'prod', finished_ms: 300 },
      { deployment_id: 'a', bundle: 'b', target: 'prod', finished_ms: 100 },
      { deployment_id: 'x', bundle: 'b', target: 'staging', finished_ms: 200 },
      { deployment_id: 'b2', bundle: 'b', target: 'prod', finished_ms: 200 },
      { deployment_id: 'b1', bundle: 'b', target: 'prod', finished_ms: 200 },
      { deployment_id: 'o', bundle: 'other', target: 'prod', finished_ms: 150 },
    ];
    expect(Object.fromEntries(supersession(rows))).toEqual({ a: 200, b1: 200, b2: 300 });
  });

  it('does not mix bundles whose names would join into the same key', () => {
    const rows = [
      { deployment_id: 'p', bundle: 'a|b', target: 'c', finished_ms: 1 },
      { deployment_id: 'q', bundle: 'a', target: 'b|c', finished_ms: 2 },
    ];
    expect(supersession(rows).size).toBe(0);
  });
});
