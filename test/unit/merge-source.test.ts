import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeKeyColumns, mergeSource } from '../../src/warehouse/merge-source.js';

const batch = (rows: Array<Array<string | number | null>>) => ({
  columns: [
    { name: 'deployment_id', type: 'STRING' as const },
    { name: 'stage', type: 'STRING' as const },
    { name: 'attempt', type: 'BIGINT' as const },
    { name: 'status', type: 'STRING' as const },
  ],
  rows,
});

describe('MERGE sources', () => {
  it('read their key from the ON clause', () => {
    expect(
      mergeKeyColumns(readFileSync(join(__dirname, '../../sql/record/merge_deployment_events.sql'), 'utf8')),
    ).toEqual(['deployment_id', 'stage', 'attempt']);
    expect(mergeKeyColumns('SELECT 1 FROM t s WHERE s.x = 1')).toBeNull();
  });

  it('keep the last row of each key, and the batch as it is when keys are unique', () => {
    const dup = batch([
      ['d1', 'deploy', 1, 'STARTED'],
      ['d1', 'validate', 1, 'SUCCEEDED'],
      ['d1', 'deploy', 1, 'SUCCEEDED'],
      ['d1', 'deploy', 2, 'STARTED'],
    ]);
    expect(mergeSource('record/merge_deployment_events', dup).rows).toEqual([
      ['d1', 'validate', 1, 'SUCCEEDED'],
      ['d1', 'deploy', 1, 'SUCCEEDED'],
      ['d1', 'deploy', 2, 'STARTED'],
    ]);
    const unique = batch([['d1', 'deploy', 1, 'SUCCEEDED']]);
    expect(mergeSource('record/merge_deployment_events', unique)).toBe(unique);
  });

  it('tell a NULL key from the text null', () => {
    const rows = batch([
      ['d1', 'deploy', null, 'A'],
      ['d1', 'deploy', 'null' as never, 'B'],
    ]);
    expect(mergeSource('record/merge_deployment_events', rows).rows).toHaveLength(2);
  });

  it('find a key in every MERGE of sql/ that updates matched rows', () => {
    const root = join(__dirname, '../../sql');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (f.endsWith('.sql')) files.push(p);
      }
    };
    walk(root);
    // Delta refuses a source row matching twice only where matched rows are updated or deleted;
    // an insert-only MERGE (the audit append) matches on a range by design.
    const merges = files.filter((f) => /WHEN MATCHED/i.test(readFileSync(f, 'utf8').replace(/--[^\n]*/g, '')));
    expect(merges.length).toBeGreaterThan(10);
    for (const f of merges) expect(mergeKeyColumns(readFileSync(f, 'utf8')), relative(root, f)).not.toBeNull();
  });
});
