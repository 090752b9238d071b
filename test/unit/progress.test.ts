// The progress line: drawn on a terminal only, throttled, with a bar and an estimate of the time left.

import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/progress.js';

function terminal(isTTY: boolean) {
  const written: string[] = [];
  return { out: { isTTY, write: (t: string) => written.push(t) }, written };
}

describe('progress', () => {
  it('writes nothing when the output is not a terminal', () => {
    const { out, written } = terminal(false);
    const p = new Progress(out, () => 0);
    p.update('replaying', 1, 10);
    p.done();
    expect(written).toEqual([]);
  });

  it('draws a bar with the share done and the time left at the rate so far', () => {
    const { out, written } = terminal(true);
    let now = 0;
    const p = new Progress(out, () => now);
    p.update('replaying', 0, 100);
    now = 30_000;
    p.update('replaying', 25, 100);
    expect(written.at(-1)).toBe('\r\x1b[Kreplaying: [#####...............] 25/100 (25%) 30s ~1m30s left');
    p.done();
    expect(written.at(-1)).toBe('\r\x1b[K');
  });

  it('redraws at most every 100 ms, but always the last step and a new phase', () => {
    const { out, written } = terminal(true);
    let now = 0;
    const p = new Progress(out, () => now);
    for (let i = 0; i < 50; i++) p.update('a', i, 50);
    expect(written.length).toBe(1);
    p.update('a', 50, 50);
    p.update('b', 0, 5);
    expect(written.length).toBe(3);
    now = 150;
    p.update('b', 1, 5);
    expect(written.length).toBe(4);
  });
});
