// The files a CI command is handed (CLI outputs, state files, manifests): read with an error that
// names the flag and the fix, and a malformed one reported as bad input (exit 2), not a crash.

import { readFileSync } from 'node:fs';
import { BundleInputError } from '../ci/bundle-outputs.js';
import { ConfigError } from './args.js';

export function readInput(flag: string, path: string, fix?: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ConfigError(`--${flag} ${path}: cannot read it (${why})${fix ? `; ${fix}` : ''}`);
  }
}

export function asConfigError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof BundleInputError ? new ConfigError(e.message) : e;
  }
}
