-- One Lakehouse Monitoring drift metrics table (`<table>_drift_metrics`, named by the monitor's
-- configuration and bound as :metrics_table, never spliced into the text): the whole-table rows
-- (no slice) of the chosen drift type for windows ending since a time, every metric a policy
-- threshold may name. Params: metrics_table, drift_type, since_ms.
SELECT unix_millis(d.window.start) AS window_start_ms, unix_millis(d.window.end) AS window_end_ms,
  d.column_name, CAST(d.count_delta AS DOUBLE) AS count_delta, d.avg_delta, d.percent_null_delta,
  d.percent_zeros_delta, d.percent_distinct_delta, d.js_distance, d.wasserstein_distance,
  d.population_stability_index, d.tv_distance, d.l_infinity_distance,
  d.ks_test.pvalue AS ks_pvalue, d.chi_squared_test.pvalue AS chi_squared_pvalue
FROM IDENTIFIER(:metrics_table) d
WHERE d.slice_key IS NULL AND d.drift_type = :drift_type AND d.window.end >= timestamp_millis(:since_ms)
