// Secret values kept out of everything postflight prints or logs: the values of the environment's
// secret variables wherever they turn up, and anything shaped like a credential, which catches a
// secret pasted into the wrong variable or a policy field.

/** Variables whose value is a secret by their name. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PRIVATE|(^|_)KEY$/i;

/** Credentials by their shape: Databricks tokens, GitHub tokens, JWTs. */
const SECRET_SHAPES: readonly RegExp[] = [
  /\b(?:dapi|dose|dkea)[0-9a-f]{32}(?:-\d+)?\b/gi,
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g,
  /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g,
];

export const REDACTED = '[redacted]';

/** Values shorter than this are not scrubbed: a secret that short would blank ordinary words. */
const MIN_SECRET_LENGTH = 8;

export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && value !== undefined && value.length >= MIN_SECRET_LENGTH)
    .map(([, value]) => value!)
    .sort((a, b) => b.length - a.length);
}

/** `text` with every known secret value and every credential-shaped string replaced. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  for (const shape of SECRET_SHAPES) out = out.replace(shape, REDACTED);
  return out;
}

/** Whether `value` holds something shaped like a credential. */
export function looksLikeCredential(value: string): boolean {
  return SECRET_SHAPES.some((shape) => {
    shape.lastIndex = 0;
    return shape.test(value);
  });
}
