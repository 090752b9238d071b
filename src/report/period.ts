// The report's period from `--since`: a length back from now (90m, 24h, 7d, 2w) or a UTC date or
// time (2026-12-01, 2026-12-01T06:00Z). Pure: "now" is given (the simulated clock on an embedded
// world), and a text it cannot read is answered with null for the caller to explain.

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function sinceMs(text: string, nowMs: number): number | null {
  const rel = /^(\d+)([mhdw])$/.exec(text.trim());
  if (rel) {
    const n = Number(rel[1]);
    return n > 0 ? nowMs - n * UNIT_MS[rel[2]!]! : null;
  }
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(text.trim());
  if (!iso) return null;
  // A date or time without a zone is UTC, as every time postflight writes is.
  const t = Date.parse(iso[1] && !iso[4] ? `${text.trim()}Z` : text.trim());
  return Number.isFinite(t) && t < nowMs ? t : null;
}
