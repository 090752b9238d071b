// The bundle's code as a deploy synced it (the files its deployment.json lists), reduced to a
// fingerprint kept with the deploy's stage event. A settings snapshot says which notebook or file
// a task runs, not what that file held: whether rolling back must bring code back is told by
// comparing two deployments' fingerprints. Pure.

import { createHash } from 'node:crypto';

export interface CodeFile {
  /** Relative to the bundle's sync root, as deployment.json lists it. */
  readonly path: string;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
}

export interface CodeFingerprint {
  readonly hash: string;
  readonly files: number;
  /** Path to a short content hash, to name what changed; null for a bundle too large to list. */
  readonly manifest: Readonly<Record<string, string>> | null;
}

/** Reads the listed files (relative to the sync root) and hashes them; a file not there is missing. */
export type CodeReader = (
  paths: readonly string[],
) => Promise<{ readonly files: readonly CodeFile[]; readonly missing: readonly string[] }>;

export const CODE_ATTRIBUTES = {
  hash: 'postflight.code_hash',
  files: 'postflight.code_files',
  manifest: 'postflight.code_manifest',
} as const;

/** Above this many files only the hash is kept: the attributes stay a few tens of KB at most. */
export const MANIFEST_MAX_FILES = 2000;

export function contentHash(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Top-level keys only a bundle's own configuration uses. */
const BUNDLE_CONFIG_KEYS =
  /^(bundle|resources|targets|include|variables|artifacts|sync|workspace|permissions|run_as|presets):/m;

/**
 * The file as code, or null for the bundle's own configuration (databricks.yml and the YAML it
 * includes): that becomes the job and pipeline settings, which the snapshots already hold and a
 * settings reset restores. Other YAML (a dbt project, a config the code reads) is code.
 */
export function codeFileOf(path: string, bytes: Uint8Array): CodeFile | null {
  if (/\.ya?ml$/i.test(path) && BUNDLE_CONFIG_KEYS.test(Buffer.from(bytes).toString('utf8'))) return null;
  return { path, sha256: contentHash(bytes) };
}

export function fingerprintOf(files: readonly CodeFile[]): CodeFingerprint {
  const sorted = [...new Map(files.map((f) => [f.path, f.sha256])).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  const hash = contentHash(sorted.map(([p, h]) => `${h}  ${p}\n`).join('')).slice(0, 32);
  const manifest =
    sorted.length <= MANIFEST_MAX_FILES ? Object.fromEntries(sorted.map(([p, h]) => [p, h.slice(0, 16)])) : null;
  return { hash, files: sorted.length, manifest };
}

export function codeAttributes(fp: CodeFingerprint): Record<string, string | number> {
  return {
    [CODE_ATTRIBUTES.hash]: fp.hash,
    [CODE_ATTRIBUTES.files]: fp.files,
    ...(fp.manifest ? { [CODE_ATTRIBUTES.manifest]: JSON.stringify(fp.manifest) } : {}),
  };
}

/** The fingerprint a stage event's attributes hold; null when the deploy recorded none. */
export function fingerprintOfAttributes(attributes: Readonly<Record<string, unknown>>): CodeFingerprint | null {
  const hash = attributes[CODE_ATTRIBUTES.hash];
  if (typeof hash !== 'string' || hash === '') return null;
  let manifest: Record<string, string> | null = null;
  const raw = attributes[CODE_ATTRIBUTES.manifest];
  if (typeof raw === 'string') {
    try {
      const m = JSON.parse(raw) as unknown;
      if (m && typeof m === 'object' && !Array.isArray(m)) manifest = m as Record<string, string>;
    } catch {
      manifest = null;
    }
  }
  return { hash, files: Number(attributes[CODE_ATTRIBUTES.files] ?? 0), manifest };
}
