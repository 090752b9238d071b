-- Records where the audit chain now starts, before the rows up to it are removed from the archive:
-- the seq and hash of the newest row removed. It only moves forward. Params: seq, hash, now_ms.
MERGE INTO {{ops}}.audit_head AS t
USING (SELECT 'anchor' AS name, CAST(:seq AS BIGINT) AS seq, :hash AS hash, timestamp_millis(:now_ms) AS updated_at) AS s
ON t.name = s.name
WHEN MATCHED AND t.seq < s.seq THEN UPDATE SET seq = s.seq, hash = s.hash, updated_at = s.updated_at
WHEN NOT MATCHED THEN INSERT (name, seq, hash, updated_at) VALUES (s.name, s.seq, s.hash, s.updated_at)
