-- The code fingerprint attributes the given deployments' deploy stage recorded (record --stage
-- deploy puts them there), newest attempt first. Rows: id.
SELECT e.deployment_id, e.attempt, e.attributes
FROM {{ops}}.deployment_events e
WHERE e.stage = 'deploy' AND e.status <> 'STARTED' AND e.deployment_id IN (SELECT id FROM ({{rows}}) AS k)
ORDER BY e.deployment_id, e.attempt DESC
