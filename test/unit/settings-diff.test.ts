import { describe, expect, it } from 'vitest';
import { diffPaths, holdsSettings } from '../../src/rollback/settings-diff.js';

describe('settings diff', () => {
  it('lists differing paths, including fields on one side only', () => {
    expect(diffPaths({ a: 1, b: { c: [1, 2] }, d: 'x' }, { a: 1, b: { c: [1, 3] }, e: 'y' })).toEqual([
      'b.c[1]',
      'd',
      'e',
    ]);
    expect(diffPaths({ a: [1] }, { a: [1] })).toEqual([]);
  });

  it('holds settings when the service added fields of its own', () => {
    const want = { name: 'j', tasks: [{ key: 't', path: '/v1' }] };
    const live = { name: 'j', tasks: [{ key: 't', path: '/v1', timeout_seconds: 0 }], email_notifications: {} };
    expect(holdsSettings(live, want, { name: 'j', tasks: [{ key: 't', path: '/v2' }] })).toBe(true);
  });

  it('does not hold settings the replaced version still shows', () => {
    const want = { name: 'j' };
    const failed = { name: 'j', max_retries: 3 };
    expect(holdsSettings({ name: 'j', max_retries: 3 }, want, failed)).toBe(false);
    expect(holdsSettings({ name: 'j', tasks: [] }, { name: 'j', tasks: [{}] })).toBe(false);
    expect(holdsSettings({ name: 'k' }, want, failed)).toBe(false);
  });
});
