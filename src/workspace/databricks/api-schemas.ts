// The Jobs 2.2 and Pipelines 2.0 response shapes postflight reads, validated at the edge so a
// changed or broken answer fails with the field named instead of deep inside the core.

import { z } from 'zod';

const id = z.union([z.number(), z.string()]);

const runState = z.object({
  life_cycle_state: z.string().optional(),
  result_state: z.string().optional(),
  state_message: z.string().optional(),
});

const runStatus = z.object({
  state: z.string().optional(),
  termination_details: z
    .object({ code: z.string().optional(), type: z.string().optional(), message: z.string().optional() })
    .optional(),
});

const taskRun = z.object({
  task_key: z.string(),
  run_id: id,
  start_time: z.number().optional(),
  end_time: z.number().optional(),
  state: runState.optional(),
  status: runStatus.optional(),
});

/** One run of a runs/list page, checked on its own so one broken run spoils only its job. */
export const runSchema = z.object({
  run_id: id,
  // Runs submitted without a job (runs/submit) carry no job_id; they are nothing postflight verifies.
  job_id: id.optional(),
  start_time: z.number(),
  end_time: z.number().optional(),
  state: runState.optional(),
  status: runStatus.optional(),
  tasks: z.array(taskRun).optional(),
  run_name: z.string().optional(),
});

/**
 * `GET jobs/runs/list`: `runs` is left out entirely when a page is empty. Its entries are not
 * checked here: runSchema checks each on its own (see DatabricksWorkspace.listRuns).
 */
export const runsPageSchema = z.object({
  runs: z.array(z.unknown()).optional(),
  has_more: z.boolean().optional(),
  next_page_token: z.string().optional(),
});

/** `GET jobs/get`: 2.2 pages tasks and job clusters beyond 100 with `next_page_token`. */
export const jobSchema = z.object({
  job_id: id,
  settings: z.record(z.string(), z.unknown()),
  has_more: z.boolean().optional(),
  next_page_token: z.string().optional(),
});

/** `GET jobs/list`: a job without settings (no permission to read them) is listed with none. */
export const jobsPageSchema = z.object({
  jobs: z
    .array(
      z.object({
        job_id: id,
        settings: z.record(z.string(), z.unknown()).optional(),
        has_more: z.boolean().optional(),
      }),
    )
    .optional(),
  has_more: z.boolean().optional(),
  next_page_token: z.string().optional(),
});

export const pipelineSchema = z.object({
  pipeline_id: z.string(),
  spec: z.record(z.string(), z.unknown()),
  last_modified: z.number().optional(),
});

/** `GET pipelines`: one page of the workspace's pipelines; `statuses` is left out when there are none. */
export const pipelineListSchema = z.object({
  statuses: z.array(z.object({ pipeline_id: z.string(), name: z.string().optional() })).optional(),
  next_page_token: z.string().optional(),
});

/** Writes answer `{}`; anything else in the body is ignored. */
export const emptySchema = z.looseObject({});

/** workspace/export answers with the file base64-encoded. */
export const exportSchema = z.looseObject({ content: z.string() });

export const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  // Databricks documents one hour; the field is only recommended by OAuth, so it may be absent.
  expires_in: z.number().positive().optional(),
});

/** `runs[0].start_time: expected number, received string` for the first few issues. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => {
      const path = i.path.reduce<string>(
        (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
        '',
      );
      return `${path || '(body)'}: ${i.message}`;
    })
    .join('; ');
}
