-- What a new deployment follows, for `postflight record`: the newest deployment of the same bundle
-- and target that reached the workspace (its version is the new one's previous version), and the
-- settings hash each given job or pipeline was left with by the newest deployment that recorded it
-- (a deploy that failed part way changed the ones whose settings differ from it).
-- Rows: id. Params: bundle, target, deployment_id (the new one, left out).
WITH ids AS ({{rows}}),
prev AS (
  SELECT d.version, d.deployment_id
  FROM {{ops}}.deployments d
  WHERE d.bundle = :bundle AND d.target = :target AND d.deployment_id <> :deployment_id
    AND d.status IN ('SUCCEEDED', 'PARTIAL')
  ORDER BY d.finished_at DESC, d.deployment_id DESC
  LIMIT 1
),
hashes AS (
  SELECT snap.resource_id, snap.settings_hash,
    ROW_NUMBER() OVER (PARTITION BY snap.resource_id ORDER BY snap.captured_at DESC, snap.deployment_id DESC) AS rn
  FROM {{ops}}.resource_snapshots snap
  WHERE snap.resource_id IN (SELECT id FROM ids) AND snap.deployment_id <> :deployment_id
)
SELECT 'previous' AS kind, prev.version AS version, CAST(NULL AS STRING) AS resource_id,
  CAST(NULL AS STRING) AS settings_hash
FROM prev
UNION ALL
SELECT 'hash' AS kind, CAST(NULL AS STRING) AS version, h.resource_id, h.settings_hash
FROM hashes h
WHERE h.rn = 1
