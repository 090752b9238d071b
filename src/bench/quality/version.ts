// Which code produced a benchmark figure: the package version, the git commit when the bundle
// runs inside a checkout, and the statistics library the checks lean on (detection spec §10.2).

import { execFileSync } from 'node:child_process';
import simpleStatistics from 'simple-statistics/package.json' with { type: 'json' };
import pkg from '../../../package.json' with { type: 'json' };

export interface CodeVersion {
  readonly package: string;
  readonly git_sha: string | null;
  readonly git_dirty: boolean | null;
  readonly simple_statistics: string;
}

function git(args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function codeVersion(): CodeVersion {
  const sha = git(['rev-parse', 'HEAD']);
  const status = sha === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  return {
    package: pkg.version,
    git_sha: sha,
    git_dirty: status === null ? null : status !== '',
    simple_statistics: simpleStatistics.version,
  };
}
