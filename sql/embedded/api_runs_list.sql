-- DuckDB SQL. jobs/runs/list as the simulated control plane answers it at the world's "now":
-- runs started since start_time_from (and, given to_ms, up to start_time_to), newest first, paged.
SELECT r.run_id, r.job_id, r.run_name, r.start_ms, r.end_ms, r.result_state, r.termination_code, r.termination_type,
  r.tasks, r.end_ms <= c.now_ms AS done, c.now_ms
FROM sim_world.api_runs r, sim_world.clock c
WHERE r.start_ms >= $since_ms AND r.start_ms <= c.now_ms AND ($to_ms IS NULL OR r.start_ms <= $to_ms)
ORDER BY r.start_ms DESC, r.run_id DESC
LIMIT $page_size OFFSET $page_offset
