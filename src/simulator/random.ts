// Deterministic randomness keyed by what is being drawn, not by draw order: the same run of the
// same pipeline gets the same noise whether the world is built in one step or minute by minute.

export function hashKey(...parts: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x2f;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Uniform in [0, 1). */
export function uniform(...key: ReadonlyArray<string | number>): number {
  let z = (hashKey(...key) + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z = (z ^ (z >>> 16)) >>> 0;
  return z / 4294967296;
}

/** Standard normal (Box-Muller on two keyed uniforms). */
export function normal(...key: ReadonlyArray<string | number>): number {
  const u1 = Math.max(uniform(...key, 'n1'), 1e-12);
  const u2 = uniform(...key, 'n2');
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export function pick<T>(items: readonly T[], ...key: ReadonlyArray<string | number>): T {
  return items[Math.floor(uniform(...key) * items.length)]!;
}

export function hexId(length: number, ...key: ReadonlyArray<string | number>): string {
  let out = '';
  for (let i = 0; out.length < length; i++)
    out += hashKey(...key, i)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}
