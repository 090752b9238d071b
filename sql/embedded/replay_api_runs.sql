-- DuckDB SQL. The Jobs API's runs of a replay world, from the exported run timelines: a run is
-- listed from its start, and its outcome shows at its end (sql/embedded/api_runs_list.sql), as
-- jobs/runs/list shows it, while the system tables show it hours later. A run sliced into hourly
-- rows is one run; one whose outcome the export does not hold is still running. Results in the
-- Jobs API's words. Params: workspace_id.
INSERT INTO sim_world.api_runs
WITH runs AS (
  SELECT job_id, run_id, min(period_start_time) AS start_time, max(period_end_time) AS end_time,
    max(result_state) AS result_state, max(termination_code) AS termination_code,
    max(termination_type) AS termination_type, max(run_name) AS run_name
  FROM sim_world.system_lakeflow__job_run_timeline
  WHERE workspace_id = $workspace_id
  GROUP BY job_id, run_id
),
task_runs AS (
  SELECT job_run_id, run_id, task_key, min(period_start_time) AS start_time, max(period_end_time) AS end_time,
    max(result_state) AS result_state
  FROM sim_world.system_lakeflow__job_task_run_timeline
  WHERE workspace_id = $workspace_id
  GROUP BY job_run_id, run_id, task_key
),
tasks AS (
  SELECT job_run_id,
    to_json(list({'taskKey': task_key, 'runId': run_id, 'startMs': epoch_ms(start_time), 'endMs': epoch_ms(end_time), 'result': coalesce(result_state, 'RUNNING')}
      ORDER BY start_time, task_key)) AS tasks
  FROM task_runs GROUP BY job_run_id
)
SELECT r.run_id, r.job_id, epoch_ms(r.start_time),
  CASE WHEN r.result_state IS NULL THEN NULL ELSE epoch_ms(r.end_time) END,
  CASE r.result_state WHEN 'SUCCEEDED' THEN 'SUCCESS' WHEN 'TIMED_OUT' THEN 'TIMEDOUT' WHEN 'CANCELLED' THEN 'CANCELED'
    ELSE r.result_state END,
  coalesce(r.termination_code, CASE WHEN r.result_state = 'SUCCEEDED' THEN 'SUCCESS' ELSE r.result_state END),
  coalesce(r.termination_type, CASE WHEN r.result_state = 'SUCCEEDED' THEN 'SUCCESS' ELSE '' END),
  coalesce(CAST(t.tasks AS VARCHAR), '[]'), r.run_name
FROM runs r LEFT JOIN tasks t ON t.job_run_id = r.run_id
