-- Cost now: each bundle and target's newest cost budget row (month-to-date spend, burn, month-end
-- projection against its budget, and how far billing had reached), and postflight's own cost per
-- component set against the model of docs/cost.md (a month of the verifier job $89 to $355 and of
-- the always-up 2X-Small warehouse $2,016): once cost budgets are kept at all, a component billing
-- has not shown yet still has its row, NO_DATA. Reads the table only, as every view here does.
CREATE OR REPLACE VIEW {{ops}}.cost_now AS
WITH newest AS (
  SELECT x.*
  FROM (
    SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.scope, c.bundle, c.target ORDER BY c.window_end DESC, c.evaluated_at DESC) AS rn
    FROM {{ops}}.cost_budgets c
  ) x
  WHERE x.rn = 1
),
model AS (
  SELECT 'verifier_job' AS component, CAST(89 AS DOUBLE) AS model_low_usd, CAST(355 AS DOUBLE) AS model_high_usd
  UNION ALL
  SELECT 'warehouse' AS component, CAST(2016 AS DOUBLE) AS model_low_usd, CAST(2016 AS DOUBLE) AS model_high_usd
)
SELECT n.scope, n.bundle, n.target, n.month_start, n.budget_usd, CAST(NULL AS DOUBLE) AS model_low_usd,
  CAST(NULL AS DOUBLE) AS model_high_usd, n.spend_usd, n.dbus, n.burn_usd_per_day, n.projected_usd,
  CASE WHEN n.budget_usd > 0 THEN CAST(n.projected_usd AS DOUBLE) / n.budget_usd END AS projected_share,
  n.state, n.overrun_at, n.spend_through, n.lag_hours, n.evaluated_at, n.explanation
FROM newest n
WHERE n.scope = 'bundle'
UNION ALL
SELECT 'postflight' AS scope, 'postflight' AS bundle, m.component AS target, n.month_start, CAST(NULL AS DOUBLE) AS budget_usd,
  m.model_low_usd, m.model_high_usd, n.spend_usd, n.dbus, n.burn_usd_per_day, n.projected_usd,
  CAST(n.projected_usd AS DOUBLE) / m.model_high_usd AS projected_share,
  CASE
    WHEN n.projected_usd IS NULL THEN 'NO_DATA'
    WHEN n.projected_usd > m.model_high_usd THEN 'ABOVE_MODEL'
    WHEN n.projected_usd < m.model_low_usd THEN 'BELOW_MODEL'
    ELSE 'WITHIN_MODEL'
  END AS state,
  n.overrun_at, n.spend_through, n.lag_hours, n.evaluated_at, n.explanation
FROM model m
CROSS JOIN (SELECT count(*) AS n_rows FROM {{ops}}.cost_budgets) kept
LEFT JOIN newest n ON n.scope = 'postflight' AND n.bundle = 'postflight' AND n.target = m.component
WHERE kept.n_rows > 0
