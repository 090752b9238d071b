-- Retention figures of cost_budgets: rows and checksums (the sum of each row's xxhash64) of
-- the cost_budgets rows older than the hot window, due to move; of their copies in the archive,
-- matched by key; of the whole archive; of the archive rows past the archive window; and of the
-- due rows already past it (a run archives and removes them at once).
-- The newest hour of each scope, bundle and target stays: the promotion gate reads it.
-- Params: hot_before_ms, archive_before_ms.
WITH due AS (
  SELECT x.scope, x.bundle, x.target, x.window_end, xxhash64(
    x.scope, x.bundle, x.target, x.window_end, x.month_start, x.budget_usd, x.spend_usd, x.dbus,
    x.unpriced_dbus, x.burn_usd_per_day, x.burn_days, x.projected_usd, x.state, x.overrun_at,
    x.spend_through, x.lag_hours, x.burn_by_resource, x.explanation, x.evaluated_at
  ) AS h, x.window_end AS aged_at
  FROM (SELECT b.*, MAX(b.window_end) OVER (PARTITION BY b.scope, b.bundle, b.target) AS newest_end FROM {{ops}}.cost_budgets b) x
  WHERE x.window_end < timestamp_millis(:hot_before_ms)
    AND x.window_end < x.newest_end
),
arc AS (
  SELECT a.scope, a.bundle, a.target, a.window_end, xxhash64(
    a.scope, a.bundle, a.target, a.window_end, a.month_start, a.budget_usd, a.spend_usd, a.dbus,
    a.unpriced_dbus, a.burn_usd_per_day, a.burn_days, a.projected_usd, a.state, a.overrun_at,
    a.spend_through, a.lag_hours, a.burn_by_resource, a.explanation, a.evaluated_at
  ) AS h, a.window_end AS aged_at
  FROM {{ops}}.cost_budgets_archive a
)
SELECT hot.n AS hot_rows, due_all.n AS due_rows, due_all.s AS due_sum, arc_all.n AS archive_rows,
  arc_all.s AS archive_sum, copies.n AS archived_rows, copies.s AS archived_sum, copies.differing AS conflict_rows,
  expired.n AS expired_rows, expired.s AS expired_sum, due_old.n AS due_expired_rows, due_old.s AS due_expired_sum
FROM (SELECT COUNT(*) AS n FROM {{ops}}.cost_budgets) hot
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM due) due_all
CROSS JOIN (SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s FROM arc) arc_all
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(arc.h AS DECIMAL(38, 0))), 0) AS STRING) AS s,
    COUNT(CASE WHEN arc.h <> due.h THEN 1 END) AS differing
  FROM due JOIN arc ON arc.scope = due.scope AND arc.bundle = due.bundle AND arc.target = due.target AND arc.window_end = due.window_end
) copies
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM arc WHERE aged_at < timestamp_millis(:archive_before_ms)
) expired
CROSS JOIN (
  SELECT COUNT(*) AS n, CAST(coalesce(SUM(CAST(h AS DECIMAL(38, 0))), 0) AS STRING) AS s
  FROM due WHERE aged_at < timestamp_millis(:archive_before_ms)
) due_old
