import type { Dialect } from '../sql-template.js';

export const databricksDialect: Dialect = {
  name: 'databricks',
  // Parts reach here validated (letters, digits, underscores), so no backtick needs escaping.
  quoteIdent: (part) => `\`${part}\``,
  param: (name) => `:${name}`,
  // The statements are written for Databricks: system tables keep their real names.
  systemTable: (schema, table) => `system.${schema}.${table}`,
};
