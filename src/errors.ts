// The classes of failure a command can end with. The class, never the message text, decides the
// exit code: bad input and an environment that cannot be verified against are the user's to fix
// (exit 2, one line, no stack); anything else is a bug in postflight (exit 70, with the stack).

/** Bad input on the command line, in a file or in the environment; the message names the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The input was fine but nothing could be verified: the warehouse cannot be reached, another
 * verifier holds the embedded file, the file cannot be written. Exit 2 as for bad input.
 */
export class CouldNotVerifyError extends Error {
  override name = 'CouldNotVerifyError';
}

/** Network failures: the host is unknown, refuses, resets or does not answer. */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

function causes(e: unknown): unknown[] {
  const out: unknown[] = [];
  for (let x = e, k = 0; x !== null && typeof x === 'object' && k < 8; x = (x as { cause?: unknown }).cause, k++)
    out.push(x);
  return out;
}

/** A network failure anywhere down the cause chain, by its system error code. */
export function unreachable(e: unknown): boolean {
  return causes(e).some((x) => UNREACHABLE_CODES.has(String((x as { code?: unknown }).code ?? '')));
}

/** 2 for bad input or an environment that cannot be verified against, 70 for a bug. */
export function exitCodeOf(e: unknown): 2 | 70 {
  if (e instanceof ConfigError || e instanceof CouldNotVerifyError) return 2;
  // node:util parseArgs marks a flag without its value or an unknown flag with these codes.
  if (String((e as { code?: unknown } | null)?.code ?? '').startsWith('ERR_PARSE_ARGS_')) return 2;
  return unreachable(e) ? 2 : 70;
}

/** The message a user sees: the first error's, with a network failure's code appended. */
export function messageOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof ConfigError || e instanceof CouldNotVerifyError || !unreachable(e)) return message;
  const net = causes(e).find((x) => UNREACHABLE_CODES.has(String((x as { code?: unknown }).code ?? ''))) as {
    code: string;
    hostname?: string;
  };
  return `could not reach the warehouse or workspace (${net.code}${net.hostname ? ` ${net.hostname}` : ''}): ${message}; check DATABRICKS_HOST and the network`;
}
