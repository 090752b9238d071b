// Who deployed what from where: the CI context of a `postflight record` call, read from the
// environment GitHub Actions, GitLab CI and Azure Pipelines set for every job, with explicit flags
// taking precedence. Nothing here is a secret; tokens are never read.

export type CiProvider = 'github-actions' | 'gitlab-ci' | 'azure-pipelines' | 'flags';

export interface CiContext {
  readonly provider: CiProvider;
  readonly sha: string | null;
  readonly branch: string | null;
  readonly actor: string | null;
  /** The CI run's page, for people: linked from verdicts and the audit report. */
  readonly runUrl: string | null;
  /** The CI run's id, unique within the provider and repository. */
  readonly runId: string | null;
  /** 1 for the first attempt; a re-run of the same CI run counts up. */
  readonly attempt: number;
  /** The pipeline (workflow) name, for the cicd.pipeline.name attribute. */
  readonly pipelineName: string | null;
}

export interface CiFlags {
  readonly sha?: string | undefined;
  readonly branch?: string | undefined;
  readonly actor?: string | undefined;
  readonly runUrl?: string | undefined;
  readonly runId?: string | undefined;
  readonly attempt?: number | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

const nonEmpty = (v: string | undefined): string | null => (v === undefined || v.trim() === '' ? null : v.trim());

function attemptOf(v: string | undefined): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

function fromEnv(env: Env): CiContext | null {
  if (env.GITHUB_ACTIONS === 'true') {
    const server = nonEmpty(env.GITHUB_SERVER_URL);
    const repo = nonEmpty(env.GITHUB_REPOSITORY);
    const runId = nonEmpty(env.GITHUB_RUN_ID);
    return {
      provider: 'github-actions',
      sha: nonEmpty(env.GITHUB_SHA),
      // A pull request's head branch; a push's ref name.
      branch: nonEmpty(env.GITHUB_HEAD_REF) ?? nonEmpty(env.GITHUB_REF_NAME),
      actor: nonEmpty(env.GITHUB_TRIGGERING_ACTOR) ?? nonEmpty(env.GITHUB_ACTOR),
      runUrl: server && repo && runId ? `${server}/${repo}/actions/runs/${runId}` : null,
      runId,
      attempt: attemptOf(env.GITHUB_RUN_ATTEMPT),
      pipelineName: nonEmpty(env.GITHUB_WORKFLOW),
    };
  }
  if (env.GITLAB_CI === 'true') {
    return {
      provider: 'gitlab-ci',
      sha: nonEmpty(env.CI_COMMIT_SHA),
      branch: nonEmpty(env.CI_COMMIT_REF_NAME),
      actor: nonEmpty(env.GITLAB_USER_LOGIN),
      runUrl: nonEmpty(env.CI_PIPELINE_URL) ?? nonEmpty(env.CI_JOB_URL),
      // A retried job gets a new job id within the same pipeline: the pipeline is the run.
      runId: nonEmpty(env.CI_PIPELINE_ID),
      attempt: 1,
      pipelineName: nonEmpty(env.CI_PROJECT_PATH),
    };
  }
  if (nonEmpty(env.TF_BUILD)?.toLowerCase() === 'true') {
    const collection = nonEmpty(env.SYSTEM_COLLECTIONURI);
    const project = nonEmpty(env.SYSTEM_TEAMPROJECT);
    const buildId = nonEmpty(env.BUILD_BUILDID);
    return {
      provider: 'azure-pipelines',
      sha: nonEmpty(env.BUILD_SOURCEVERSION),
      branch: nonEmpty(env.BUILD_SOURCEBRANCHNAME),
      actor: nonEmpty(env.BUILD_REQUESTEDFOREMAIL) ?? nonEmpty(env.BUILD_REQUESTEDFOR),
      runUrl:
        collection && project && buildId
          ? `${collection.replace(/\/$/, '')}/${encodeURIComponent(project)}/_build/results?buildId=${buildId}`
          : null,
      runId: buildId,
      attempt: attemptOf(env.SYSTEM_JOBATTEMPT),
      pipelineName: nonEmpty(env.BUILD_DEFINITIONNAME),
    };
  }
  return null;
}

/** The CI context: the provider's environment, each field overridden by its flag when given. */
export function ciContextOf(env: Env, flags: CiFlags = {}): CiContext {
  const base: CiContext = fromEnv(env) ?? {
    provider: 'flags',
    sha: null,
    branch: null,
    actor: null,
    runUrl: null,
    runId: null,
    attempt: 1,
    pipelineName: null,
  };
  return {
    ...base,
    sha: nonEmpty(flags.sha) ?? base.sha,
    branch: nonEmpty(flags.branch) ?? base.branch,
    actor: nonEmpty(flags.actor) ?? base.actor,
    runUrl: nonEmpty(flags.runUrl) ?? base.runUrl,
    runId: nonEmpty(flags.runId) ?? base.runId,
    attempt: flags.attempt ?? base.attempt,
  };
}
