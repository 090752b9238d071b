// Parameters a statement may use that come from where postflight runs, not from its caller: the
// workspace whose system-table rows are read.

import type { Locations, SqlParams } from './port.js';

export function withLocationParams(params: SqlParams, loc: Locations): SqlParams {
  if (loc.workspaceId === undefined || 'workspace_id' in params) return params;
  return { ...params, workspace_id: loc.workspaceId };
}
