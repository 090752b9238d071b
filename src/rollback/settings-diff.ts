// Compares job settings and pipeline specs: which paths differ between two versions, and whether
// the live settings already are a version's (ignoring fields the service adds on its own).

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Paths (a.b[0].c) whose values differ; a path present on one side only differs too. */
export function diffPaths(a: Json, b: Json, prefix = ''): string[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(...diffPaths(a[i], b[i], `${prefix}[${i}]`));
    return out;
  }
  return same(a, b) ? [] : [prefix || '(root)'];
}

function same(a: Json, b: Json): boolean {
  if (a === undefined || b === undefined) return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * True when `live` holds `want`, looking only at fields `want` or `other` (the version being
 * replaced) define: fields the service fills in by itself are ignored, while a field only the
 * replaced version set still counts as not restored.
 */
export function holdsSettings(live: Json, want: Json, other: Json = undefined): boolean {
  if (isObject(want) || isObject(other)) {
    if (!isObject(live)) return false;
    const w = isObject(want) ? want : {};
    const o = isObject(other) ? other : {};
    const keys = new Set([...Object.keys(w), ...Object.keys(o)]);
    for (const k of keys) {
      if (w[k] === undefined) {
        if (live[k] !== undefined && o[k] !== undefined && same(live[k], o[k])) return false;
        continue;
      }
      if (!holdsSettings(live[k], w[k], o[k])) return false;
    }
    return true;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(live) || live.length !== want.length) return false;
    const o = Array.isArray(other) ? other : [];
    return want.every((w, i) => holdsSettings(live[i], w, o[i]));
  }
  return same(live, want);
}
