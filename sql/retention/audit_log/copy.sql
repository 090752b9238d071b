-- Copies the audit_log rows older than the hot window into the archive. A row already there is left as it is:
-- the log is append-only, so a copy that differs is reported, never overwritten.
-- Rows move in seq order, and the newest entry stays: the next entry chains on it.
-- Safe to repeat. Params: hot_before_ms, now_ms.
MERGE INTO {{ops}}.audit_log_archive AS t
USING (
  SELECT
    seq, logged_at, actor, action, subject, payload, prev_hash, hash, event_key, h
  FROM (
    -- One source row per key: Delta refuses a MERGE whose source matches a target row twice.
    SELECT due.*, ROW_NUMBER() OVER (PARTITION BY due.seq ORDER BY due.h) AS copy_rank
    FROM (
      SELECT x.*, xxhash64(
        x.seq, x.logged_at, x.actor, x.action, x.subject, x.payload, x.prev_hash, x.hash, x.event_key
      ) AS h
      FROM {{ops}}.audit_log x
      WHERE x.logged_at < timestamp_millis(:hot_before_ms)
        -- In seq order only, so the hot log stays the chain's newest rows: nothing after the first
        -- row still young, and never the newest row (the next entry chains on it).
        AND x.seq < coalesce(
          (SELECT MIN(l.seq) FROM {{ops}}.audit_log l WHERE l.logged_at >= timestamp_millis(:hot_before_ms)),
          (SELECT MAX(l.seq) FROM {{ops}}.audit_log l)
        )
    ) due
  ) ranked
  WHERE ranked.copy_rank = 1
) AS s
ON t.seq = s.seq
WHEN NOT MATCHED THEN INSERT (
  seq, logged_at, actor, action, subject, payload, prev_hash, hash, event_key, archived_at
) VALUES (
  s.seq, s.logged_at, s.actor, s.action, s.subject, s.payload, s.prev_hash, s.hash, s.event_key,
  timestamp_millis(:now_ms)
)
