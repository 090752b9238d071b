// A warehouse row's nullable values as the core reads them: SQL NULL (null or undefined from either
// driver) stays null, anything else becomes text or a number. One place, so every reader of ops
// rows treats a NULL the same way.

export const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
export const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
