-- Removes from the hot table the audit_log rows older than the hot window whose copy in the archive is identical
-- (same key, same row hash): a row not copied, or changed since, stays.
-- Rows move in seq order, and the newest entry stays: the next entry chains on it.
-- Safe to repeat. Params: hot_before_ms.
MERGE INTO {{ops}}.audit_log AS t
USING (
  SELECT DISTINCT due.seq, due.h
  FROM (
    SELECT x.seq, xxhash64(
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
  JOIN {{ops}}.audit_log_archive a
    ON a.seq = due.seq
    AND xxhash64(
      a.seq, a.logged_at, a.actor, a.action, a.subject, a.payload, a.prev_hash, a.hash, a.event_key
    ) = due.h
) AS s
ON t.seq = s.seq
WHEN MATCHED AND xxhash64(
  t.seq, t.logged_at, t.actor, t.action, t.subject, t.payload, t.prev_hash, t.hash, t.event_key
) = s.h THEN DELETE
