-- The code fingerprint attributes the given deployments recorded: record --stage deploy puts them
-- on the deploy's event, a rollback's restore on its rollback event. A deployment's deploy event
-- comes first, its newest attempt first. Rows: id.
SELECT e.deployment_id, e.attempt, e.attributes
FROM {{ops}}.deployment_events e
WHERE e.stage IN ('deploy', 'rollback') AND e.status <> 'STARTED' AND e.deployment_id IN (SELECT id FROM ({{rows}}) AS k)
ORDER BY e.deployment_id, CASE WHEN e.stage = 'deploy' THEN 0 ELSE 1 END, e.attempt DESC
