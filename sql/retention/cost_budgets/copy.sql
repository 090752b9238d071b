-- Copies the cost_budgets rows older than the hot window into the archive. A row already there is replaced
-- only when the hot row has changed since.
-- The newest hour of each scope, bundle and target stays: the promotion gate reads it.
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.cost_budgets_archive AS t
USING (
  SELECT
    scope, bundle, target, window_end, month_start, budget_usd, spend_usd, dbus, unpriced_dbus,
    burn_usd_per_day, burn_days, projected_usd, state, overrun_at, spend_through, lag_hours, burn_by_resource, explanation,
    evaluated_at, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.scope, due.bundle, due.target, due.window_end ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
        x.scope, x.bundle, x.target, x.window_end, x.month_start, x.budget_usd, x.spend_usd, x.dbus,
        x.unpriced_dbus, x.burn_usd_per_day, x.burn_days, x.projected_usd, x.state, x.overrun_at,
        x.spend_through, x.lag_hours, x.burn_by_resource, x.explanation, x.evaluated_at
      ) AS h
      FROM (SELECT b.*, MAX(b.window_end) OVER (PARTITION BY b.scope, b.bundle, b.target) AS newest_end FROM {{ops}}.cost_budgets b) x
      WHERE x.window_end < timestamp_millis(:hot_before_ms)
        AND x.window_end < x.newest_end
    ) due
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.scope = s.scope AND t.bundle = s.bundle AND t.target = s.target AND t.window_end = s.window_end
WHEN MATCHED AND xxhash64(
  t.scope, t.bundle, t.target, t.window_end, t.month_start, t.budget_usd, t.spend_usd, t.dbus,
  t.unpriced_dbus, t.burn_usd_per_day, t.burn_days, t.projected_usd, t.state, t.overrun_at, t.spend_through,
  t.lag_hours, t.burn_by_resource, t.explanation, t.evaluated_at
) <> s.h THEN UPDATE SET
  month_start = s.month_start, budget_usd = s.budget_usd, spend_usd = s.spend_usd, dbus = s.dbus,
  unpriced_dbus = s.unpriced_dbus, burn_usd_per_day = s.burn_usd_per_day, burn_days = s.burn_days,
  projected_usd = s.projected_usd, state = s.state, overrun_at = s.overrun_at,
  spend_through = s.spend_through, lag_hours = s.lag_hours, burn_by_resource = s.burn_by_resource, explanation = s.explanation,
  evaluated_at = s.evaluated_at, archived_at = timestamp_millis(:now_ms)
WHEN NOT MATCHED THEN INSERT (
  scope, bundle, target, window_end, month_start, budget_usd, spend_usd, dbus, unpriced_dbus,
  burn_usd_per_day, burn_days, projected_usd, state, overrun_at, spend_through, lag_hours, burn_by_resource, explanation,
  evaluated_at, archived_at
) VALUES (
  s.scope, s.bundle, s.target, s.window_end, s.month_start, s.budget_usd, s.spend_usd, s.dbus,
  s.unpriced_dbus, s.burn_usd_per_day, s.burn_days, s.projected_usd, s.state, s.overrun_at, s.spend_through,
  s.lag_hours, s.burn_by_resource, s.explanation, s.evaluated_at, timestamp_millis(:now_ms)
)
