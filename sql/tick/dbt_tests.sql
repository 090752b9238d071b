-- dbt test results of the watched jobs' runs, from the tables the Elementary dbt package uploads
-- at the end of every dbt invocation. An invocation names its job and job run through the dbt
-- vars job_id and job_run_id (passed by the dbt task as {{job.id}} and {{job.run_id}}), which is
-- how a result is tied to the run the verifier judges. Severity comes from the test's definition;
-- it is NULL when the definition is not uploaded (yet). Subjects come back as their position in
-- the row batch. Rows: idx, id. Params: since_ms.
WITH ids AS ({{rows}}),
inv AS (
  SELECT invocation_id, job_id, job_run_id
  FROM {{dbt_artifacts}}.dbt_invocations
  -- An invocation of a watched job without its run id is read too: the tick reports its results
  -- as malformed rather than never seeing them.
  WHERE job_id IN (SELECT id FROM ids) AND created_at >= timestamp_millis(:since_ms)
),
defs AS (
  SELECT unique_id, lower(max(severity)) AS severity, max(parent_model_unique_id) AS parent_model_unique_id
  FROM {{dbt_artifacts}}.dbt_tests
  GROUP BY unique_id
)
SELECT i.idx, inv.job_run_id AS run_id, r.unique_id, r.name, lower(r.status) AS status, r.failures,
  unix_millis(coalesce(try_cast(r.execute_completed_at AS TIMESTAMP), r.created_at)) AS ts_ms,
  d.severity, d.parent_model_unique_id
FROM {{dbt_artifacts}}.dbt_run_results r
JOIN inv ON inv.invocation_id = r.invocation_id
JOIN ids i ON i.id = inv.job_id
LEFT JOIN defs d ON d.unique_id = r.unique_id
WHERE r.resource_type = 'test' AND r.created_at >= timestamp_millis(:since_ms)
