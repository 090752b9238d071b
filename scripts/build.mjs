// Bundles the CLI into one file (dist/postflight.mjs) with every sql/ statement inline, so the
// Databricks job ships a single JavaScript file; the benchmarks go to dist/bench.mjs. DuckDB stays
// external: it is a native module used only by the embedded warehouse.
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function sqlFiles(dir, root = dir, out = {}) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sqlFiles(p, root, out);
    else if (name.endsWith('.sql')) out[relative(root, p).replace(/\\/g, '/').replace(/\.sql$/, '')] = readFileSync(p, 'utf8');
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['@duckdb/node-api', '@duckdb/node-bindings*'],
  define: { __POSTFLIGHT_SQL__: JSON.stringify(sqlFiles('sql')) },
  banner: { js: "import { createRequire as __pfCreateRequire } from 'node:module'; const require = __pfCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/postflight.mjs' });
await build({ ...common, entryPoints: ['src/bench/main.ts'], outfile: 'dist/bench.mjs' });
