-- Removes from the hot table the cost_budgets rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- The newest hour of each scope, bundle and target stays: the promotion gate reads it.
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.cost_budgets AS t
USING (
  SELECT DISTINCT due.scope, due.bundle, due.target, due.window_end, due.h
  FROM (
    SELECT x.scope, x.bundle, x.target, x.window_end, xxhash64(
      x.scope, x.bundle, x.target, x.window_end, x.month_start, x.budget_usd, x.spend_usd, x.dbus,
      x.unpriced_dbus, x.burn_usd_per_day, x.burn_days, x.projected_usd, x.state, x.overrun_at,
      x.spend_through, x.lag_hours, x.burn_by_resource, x.explanation, x.evaluated_at
    ) AS h
    FROM (SELECT b.*, MAX(b.window_end) OVER (PARTITION BY b.scope, b.bundle, b.target) AS newest_end FROM {{ops}}.cost_budgets b) x
    WHERE x.window_end < timestamp_millis(:hot_before_ms)
      AND x.window_end < x.newest_end
  ) due
  JOIN {{ops}}.cost_budgets_archive a
    ON a.scope = due.scope AND a.bundle = due.bundle AND a.target = due.target AND a.window_end = due.window_end
    AND xxhash64(
      a.scope, a.bundle, a.target, a.window_end, a.month_start, a.budget_usd, a.spend_usd, a.dbus,
      a.unpriced_dbus, a.burn_usd_per_day, a.burn_days, a.projected_usd, a.state, a.overrun_at,
      a.spend_through, a.lag_hours, a.burn_by_resource, a.explanation, a.evaluated_at
    ) = due.h
) AS s
ON t.scope = s.scope AND t.bundle = s.bundle AND t.target = s.target AND t.window_end = s.window_end
WHEN MATCHED AND xxhash64(
  t.scope, t.bundle, t.target, t.window_end, t.month_start, t.budget_usd, t.spend_usd, t.dbus,
  t.unpriced_dbus, t.burn_usd_per_day, t.burn_days, t.projected_usd, t.state, t.overrun_at, t.spend_through,
  t.lag_hours, t.burn_by_resource, t.explanation, t.evaluated_at
) = s.h THEN DELETE
