-- Each SLO's error budgets at the end of the report's period: how many subjects were measured in
-- it, how many had spent their budget and how many were burning fast enough to page or open a ticket, from each
-- subject's newest row of the period.
WITH newest AS (
  SELECT x.subject, x.slo, x.exhausted, x.alert, x.budget_remaining,
    ROW_NUMBER() OVER (PARTITION BY x.subject, x.slo ORDER BY x.window_end DESC, x.evaluated_at DESC) AS rn
  FROM {{ops}}.error_budgets x
  WHERE x.window_end >= timestamp_millis(:since_ms) AND x.window_end < timestamp_millis(:until_ms)
    AND (:bundle = '' OR x.bundle = :bundle) AND (:target = '' OR x.bundle_target = :target)
)
SELECT slo, count(*) AS subjects,
  sum(CASE WHEN exhausted THEN 1 ELSE 0 END) AS exhausted,
  sum(CASE WHEN alert = 'page' THEN 1 ELSE 0 END) AS paging,
  sum(CASE WHEN alert = 'ticket' THEN 1 ELSE 0 END) AS ticketing,
  min(budget_remaining) AS lowest_remaining
FROM newest
WHERE rn = 1
GROUP BY slo
ORDER BY slo
