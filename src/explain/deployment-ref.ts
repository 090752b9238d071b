// What `postflight explain` is asked about: a deployment id, BUNDLE@VERSION, latest or latest-failed.

import { ConfigError } from '../cli/args.js';

export type DeploymentRef =
  | { readonly pick: 'id'; readonly deploymentId: string }
  | { readonly pick: 'version'; readonly bundle: string; readonly version: string }
  | { readonly pick: 'latest' }
  | { readonly pick: 'latest_failed' };

export function parseDeploymentRef(arg: string | undefined): DeploymentRef {
  if (arg === undefined || arg.trim() === '')
    throw new ConfigError(
      'explain needs a DEPLOYMENT: a deployment id (dep-...), BUNDLE@VERSION (a git sha or its prefix), latest or latest-failed',
    );
  const a = arg.trim();
  if (a === 'latest') return { pick: 'latest' };
  if (a === 'latest-failed') return { pick: 'latest_failed' };
  const at = a.indexOf('@');
  if (at >= 0) {
    const bundle = a.slice(0, at);
    const version = a.slice(at + 1);
    if (!bundle || !/^[0-9A-Za-z._-]+$/.test(version))
      throw new ConfigError(
        `DEPLOYMENT '${a}' is not understood; BUNDLE@VERSION takes a bundle name and a version (a git sha or its prefix), e.g. finance-dbt-009@e25f06a`,
      );
    return { pick: 'version', bundle, version };
  }
  return { pick: 'id', deploymentId: a };
}

/** The parameters of sql/explain/deployment.sql for a reference (every one bound, as text). */
export function refParams(ref: DeploymentRef): Record<string, string> {
  return {
    pick: ref.pick,
    deployment_id: ref.pick === 'id' ? ref.deploymentId : '',
    bundle: ref.pick === 'version' ? ref.bundle : '',
    version: ref.pick === 'version' ? ref.version : '',
  };
}

export function describeRef(ref: DeploymentRef): string {
  switch (ref.pick) {
    case 'id':
      return `deployment ${ref.deploymentId}`;
    case 'version':
      return `a deployment of ${ref.bundle} at version ${ref.version}`;
    case 'latest':
      return 'a deployment';
    case 'latest_failed':
      return 'a deployment whose verdict failed';
  }
}
