import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rollbackDispatcher } from '../../src/cli/rollback-dispatcher.js';
import { createLogger } from '../../src/log.js';
import { resolveRollbackPolicy } from '../../src/rollback/policy.js';

describe('the tick command builds its CI dispatcher', () => {
  const github = resolveRollbackPolicy({ ciDispatch: { kind: 'github', repository: 'acme/data', workflow: 'rb.yml' } });

  it('from the policy and the token the job hands over', () => {
    expect(rollbackDispatcher(github, { GITHUB_TOKEN: 'ghs_x' }, createLogger('silent'))?.kind).toBe('github');
  });

  it('as none when no CI dispatch is configured', () => {
    expect(
      rollbackDispatcher(resolveRollbackPolicy(undefined), { GITHUB_TOKEN: 'ghs_x' }, createLogger('silent')),
    ).toBeNull();
  });

  it('as none, with a warning, when the token is missing: the tick goes on', () => {
    const lines: string[] = [];
    const log = createLogger(
      'warn',
      new Writable({
        write: (c, _e, cb) => {
          lines.push(String(c));
          cb();
        },
      }),
    );
    expect(rollbackDispatcher(github, {}, log)).toBeNull();
    expect(lines.join('')).toMatch(/ci-dispatch unavailable/);
    expect(lines.join('')).toMatch(/GITHUB_TOKEN is not set/);
  });
});
