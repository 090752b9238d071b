// A policy file written carelessly or with intent: every problem is reported at once, by path,
// in bounded output; what JSON.parse lets through silently is refused.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePolicyFile } from '../../src/config/policy-file.js';
import { MAX_POLICY_BYTES } from '../../src/config/policy-text.js';
import { readPolicyFile } from '../../src/config/read-policy-file.js';
import { ConfigError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'pf-policy-'));

/** The error reading `bytes` as a policy file ends with. */
async function rejection(bytes: Uint8Array | string): Promise<ConfigError> {
  const path = join(dir, `p-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, bytes);
  const e = await readPolicyFile(path).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe('a policy file is refused, naming the place and the fix', () => {
  it('a key given twice, anywhere, even where both values are valid', async () => {
    const e = await rejection(
      '{\n  "dryRun": true,\n  "bundles": {"a": {"dryRun": false, "dryRun": true}},\n  "dryRun": false\n}',
    );
    expect(e.message).toContain('dryRun: the key is given twice (again at line 4, column 3); keep one of them');
    expect(e.message).toContain('bundles.a.dryRun: the key is given twice (again at line 3, column 38)');
  });

  it.each(['__proto__', 'constructor', 'prototype'])('a key named %s, at the top or under bundles', async (key) => {
    const e = await rejection(`{"${key}": {"dryRun": true}, "bundles": {"${key}": {}}}`);
    expect(e.message).toContain(`: '${key}' is not allowed as a key (line 1, column 2); rename or remove it`);
    expect(e.message).toMatch(new RegExp(`bundles\\.${key}: '${key}' is not allowed`));
  });

  it('a byte-order mark, with the fix rather than a JSON syntax error', async () => {
    const e = await rejection(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]));
    expect(e.message).toMatch(/starts with a byte-order mark \(EF BB BF\); save it as UTF-8 without a BOM/);
    expect(() => parsePolicyFile('\uFEFF{}', 'p.json')).toThrow(/byte-order mark/);
  });

  it('bytes that are not UTF-8, with where they are', async () => {
    const e = await rejection(
      Buffer.concat([Buffer.from('{\n  "bundles": {"caf'), Buffer.from([0xe9]), Buffer.from('": {}}}')]),
    );
    expect(e.message).toContain('byte 20 (line 2, column 19) is not valid UTF-8; save the file as UTF-8');
  });

  it('numbers beyond any sane setting, Infinity among them', async () => {
    const e = await rejection('{"window": {"hours": 1e400}, "checks": {"row_count": {"materiality": -1e13}}}');
    expect(e.message).toContain('window.hours: 1e400 is beyond any sane setting');
    expect(e.message).toContain('checks.row_count.materiality: -1e13 is beyond any sane setting');
  });

  it('a file too large to be a policy, before it is parsed', async () => {
    const e = await rejection(`{"x": "${'a'.repeat(MAX_POLICY_BYTES)}"}`);
    expect(e.message).toMatch(/more than a policy file's 1000000; check the path/);
  });

  it('nesting deeper than any section, without overflowing the stack', async () => {
    const e = await rejection(`{"bundles": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`);
    expect(e.message).toMatch(/nested more than 32 levels deep/);
  });

  it('every problem at once: the file’s own and the schema’s', async () => {
    const e = await rejection('{"dryRun": "yes", "dryRun": 1, "bundels": {}, "window": {"hours": 1e99}}');
    const lines = e.message.split('\n').slice(1);
    expect(lines.some((l) => l.includes('dryRun: the key is given twice'))).toBe(true);
    expect(lines.some((l) => l.includes('window.hours: 1e99 is beyond'))).toBe(true);
    expect(lines.some((l) => l.includes('bundels: unknown key; did you mean "bundles"?'))).toBe(true);
    expect(lines.some((l) => l.startsWith('  - dryRun: expected boolean'))).toBe(true);
  });

  it('in bounded output, however many problems the file holds', async () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `"k${i}": 1, "k${i}": 2`).join(', ');
    const e = await rejection(`{${keys}}`);
    const lines = e.message.split('\n');
    expect(lines.length).toBeLessThanOrEqual(42);
    expect(lines.at(-1)).toMatch(/^ {2}\.\.\. and \d+ more problems$/);
  });
});

describe('whatever the bytes, reading a policy file ends in a policy or a ConfigError', () => {
  it('never in another error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.json({ maxDepth: 6 }).map((t) => Buffer.from(t)),
          fc
            .jsonValue({ maxDepth: 4 })
            .map((v) => Buffer.from(JSON.stringify({ dryRun: true, bundles: { b: { window: v } } }))),
        ),
        async (bytes) => {
          const path = join(dir, 'fuzz.json');
          writeFileSync(path, bytes);
          const e = await readPolicyFile(path).then(
            () => null,
            (err: unknown) => err,
          );
          if (e !== null) expect(e).toBeInstanceOf(ConfigError);
        },
      ),
      { numRuns: 300 },
    );
  });
});
