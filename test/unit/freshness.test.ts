import { describe, expect, it } from 'vitest';
import { checkFreshness } from '../../src/checks/freshness.js';
import { DEFAULT_POLICY } from '../../src/checks/policy.js';
import { HOUR, hourlyWrites, T0 } from './builders.js';

const deploy = T0 + 10 * HOUR;
const writes = hourlyWrites(deploy, 3, 1000);

describe('freshness', () => {
  it('passes while the table is written on its cadence after the deploy', () => {
    const w = [...writes, { ...writes[0]!, runId: 'p', timestampMs: deploy + HOUR }];
    expect(checkFreshness('t', w, deploy, DEFAULT_POLICY, deploy + HOUR + 10 * 60_000, 1).status).toBe('PASS');
  });
  it('warns once a write is late and fails once a whole cycle is missed since the deploy', () => {
    // last write at deploy - 1h; hourly cadence: late after 66 min, a cycle missed after 126 min
    expect(checkFreshness('t', writes, deploy, DEFAULT_POLICY, deploy + 30 * 60_000, 1).status).toBe('WARN');
    const r = checkFreshness('t', writes, deploy, DEFAULT_POLICY, deploy + 70 * 60_000, 2);
    expect(r.status).toBe('FAIL');
    expect(r.suppressedBy).toBeNull();
    expect(r.explanation).toMatch(/missed since the deploy/);
  });
  it('does not blame the deploy for a table that was stale before it', () => {
    const old = writes.filter((w) => w.timestampMs < deploy - 6 * HOUR);
    const r = checkFreshness('t', old, deploy, DEFAULT_POLICY, deploy + 60 * 60_000, 1);
    expect(r.status).toBe('FAIL');
    expect(r.suppressedBy).toBe('stale before deploy');
  });
  it('is inconclusive when the cadence cannot be learned', () => {
    expect(checkFreshness('t', writes.slice(-3), deploy, DEFAULT_POLICY, deploy + HOUR, 0).status).toBe('INCONCLUSIVE');
  });
});
