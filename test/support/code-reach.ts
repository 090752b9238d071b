// What a command's code can run: the modules its entry file reaches through static and dynamic
// imports (type-only imports and the embedded world's modules left out, since they never run
// against a workspace), with the sql/ statements and the workspace calls they name.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

/** Modules that run only on the embedded world (the simulated platform, its warehouse and control plane). */
const EMBEDDED_ONLY = /^src\/(?:simulator|demo|bench)\/|^src\/workspace\/embedded\/|^src\/warehouse\/duckdb\//;

export function sqlNames(): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.sql')) out.add(relative(join(ROOT, 'sql'), p).replace(/\\/g, '/').slice(0, -4));
    }
  };
  walk(join(ROOT, 'sql'));
  return out;
}

export function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const stack = [resolve(ROOT, entry)];
  while (stack.length) {
    const file = stack.pop()!;
    const rel = relative(ROOT, file).replace(/\\/g, '/');
    if (seen.has(rel) || EMBEDDED_ONLY.test(rel)) continue;
    seen.add(rel);
    const text = readFileSync(file, 'utf8');
    const specs = [
      ...text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'(\.[^']+)'/gms),
      ...text.matchAll(/\bimport\('(\.[^']+)'\)/g),
    ].map((m) => m[1]!);
    for (const s of specs) {
      const target = resolve(dirname(file), s.replace(/\.js$/, '.ts'));
      if (existsSync(target)) stack.push(target);
    }
  }
  return [...seen].sort();
}

/** The statements of sql/ that the modules name (as 'folder/name' string literals). */
export function statementsNamed(modules: readonly string[]): Set<string> {
  const known = sqlNames();
  const out = new Set<string>();
  for (const m of modules)
    for (const hit of readFileSync(join(ROOT, m), 'utf8').matchAll(/'([a-z_]+\/[a-z_]+)'/g))
      if (known.has(hit[1]!)) out.add(hit[1]!);
  return out;
}

export const WORKSPACE_CALLS = ['listRuns', 'getJob', 'getPipeline', 'exportFile', 'resetJob', 'editPipeline'] as const;
export type WorkspaceCall = (typeof WORKSPACE_CALLS)[number];

/** The control-plane calls the modules make, by module (the adapters that implement them left out). */
export function workspaceCalls(modules: readonly string[]): Array<{ module: string; call: WorkspaceCall }> {
  const out: Array<{ module: string; call: WorkspaceCall }> = [];
  for (const m of modules.filter((x) => !x.startsWith('src/workspace/'))) {
    const text = readFileSync(join(ROOT, m), 'utf8');
    for (const call of WORKSPACE_CALLS) if (new RegExp(`\\.${call}\\(`).test(text)) out.push({ module: m, call });
  }
  return out;
}
