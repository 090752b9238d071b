// The principals setup writes grants for, as given on the command line: checked before they reach
// SQL or JSON. A service principal is named by its application id (a UUID), a user by an email
// address, a group by its display name; anything else, and any backtick or quote, is refused.

export type PrincipalKind = 'service_principal' | 'user' | 'group';

export interface Principal {
  readonly name: string;
  readonly kind: PrincipalKind;
}

export class PrincipalError extends Error {}

const APPLICATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;
// Display names are free text in Databricks; these letters cover real group names and nothing
// that could close a quoted identifier or a JSON string.
const GROUP = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,253}[A-Za-z0-9._-]$|^[A-Za-z0-9]$/;

export function parsePrincipal(flag: string, value: string): Principal {
  const name = value.trim();
  if (APPLICATION_ID.test(name)) return { name: name.toLowerCase(), kind: 'service_principal' };
  if (name.includes('@')) {
    if (EMAIL.test(name) && name.length <= 254) return { name, kind: 'user' };
    throw new PrincipalError(
      `--${flag} '${value}' is not an email address; a user is named by the email it signs in with, e.g. jane@example.com`,
    );
  }
  if (GROUP.test(name)) return { name, kind: 'group' };
  throw new PrincipalError(
    `--${flag} '${value}' is not a principal: give a service principal's application id (a UUID such as 6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c), a user's email address, or a group name of letters, digits, spaces, '.', '_' and '-'`,
  );
}

/** The principal as a Databricks SQL identifier, e.g. in GRANT ... TO `data-platform`. */
export function sqlPrincipal(p: Principal): string {
  // parsePrincipal admits no backtick; the check keeps a hand-built Principal from breaking out.
  if (p.name.includes('`')) throw new PrincipalError(`principal '${p.name}' contains a backtick`);
  return `\`${p.name}\``;
}

/** The field a Permissions API access-control entry names this principal by. */
export function aclKey(p: Principal): 'service_principal_name' | 'user_name' | 'group_name' {
  return p.kind === 'service_principal' ? 'service_principal_name' : p.kind === 'user' ? 'user_name' : 'group_name';
}

export function samePrincipal(a: Principal | undefined, b: Principal | undefined): boolean {
  return a !== undefined && b !== undefined && a.kind === b.kind && a.name.toLowerCase() === b.name.toLowerCase();
}
