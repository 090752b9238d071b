// The bundle's synced files read from the CI checkout, hashed for the deploy's code fingerprint
// (the bundle's own configuration left out). Only paths inside the sync root are read; anything
// else counts as missing.

import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { type CodeFile, type CodeReader, codeFileOf } from '../ci/code-fingerprint.js';
import { ConfigError } from './args.js';

/** `--code-root DIR`, checked before anything connects. */
export function codeRootFlag(value: string | undefined): string {
  if (value === undefined) return process.cwd();
  let dir = false;
  try {
    dir = statSync(value).isDirectory();
  } catch {
    dir = false;
  }
  if (!dir) throw new ConfigError(`--code-root ${value}: not a directory; pass the bundle's sync root in the checkout`);
  return value;
}

export function codeReaderAt(root: string): CodeReader {
  return async (paths) => {
    const files: CodeFile[] = [];
    const missing: string[] = [];
    for (const path of paths) {
      const rel = normalize(path);
      if (isAbsolute(rel) || rel.split(sep).includes('..')) {
        missing.push(path);
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = await readFile(join(root, rel));
      } catch {
        missing.push(path);
        continue;
      }
      const file = codeFileOf(path, bytes);
      if (file) files.push(file);
    }
    return { files, missing };
  };
}
