// Reads a policy file from disk; all validation is parsePolicyFile's.

import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { type PolicySet, parsePolicyFile } from './policy-file.js';

export async function readPolicyFile(path: string): Promise<PolicySet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(
      `policy file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`,
      { cause: e },
    );
  }
  return parsePolicyFile(text, path);
}
