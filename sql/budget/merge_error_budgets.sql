-- Error budgets per subject, SLO and hour: the current hour's row is refreshed by every tick.
MERGE INTO {{ops}}.error_budgets AS t
USING ({{rows}}) AS s
ON t.subject = s.subject AND t.slo = s.slo AND t.window_end = s.window_end
WHEN MATCHED THEN UPDATE SET target = s.target, good = s.good, total = s.total, budget_remaining = s.budget_remaining,
  burn_rates = s.burn_rates, alert = s.alert, deployment_id = s.deployment_id, bundle = s.bundle,
  bundle_target = s.bundle_target, rule = s.rule,
  exhausted = s.exhausted, burn_by_deployment = s.burn_by_deployment, explanation = s.explanation, evaluated_at = s.evaluated_at
WHEN NOT MATCHED THEN INSERT
  (subject, slo, window_end, target, good, total, budget_remaining, burn_rates, alert, deployment_id, bundle, bundle_target, rule,
   exhausted, burn_by_deployment, explanation, evaluated_at)
VALUES (s.subject, s.slo, s.window_end, s.target, s.good, s.total, s.budget_remaining, s.burn_rates, s.alert, s.deployment_id,
  s.bundle, s.bundle_target, s.rule, s.exhausted, s.burn_by_deployment, s.explanation, s.evaluated_at)
