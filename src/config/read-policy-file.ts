// Reads a policy file from disk; all validation is parsePolicyFile's.

import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { type PolicySet, parsePolicyFile } from './policy-file.js';
import { decodePolicyBytes } from './policy-text.js';

export async function readPolicyFile(path: string): Promise<PolicySet> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ConfigError(
      `policy file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`,
      { cause: e },
    );
  }
  const decoded = decodePolicyBytes(bytes);
  if ('problem' in decoded) throw new ConfigError(`invalid policy file ${path}:\n  - ${decoded.problem}`);
  return parsePolicyFile(decoded.text, path);
}
