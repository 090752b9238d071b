-- Appends a chained batch, all or nothing: when any row at or after the batch's first seq exists
-- (another writer got there first, or the tail the writer chained on is stale) or any of its
-- event keys is recorded already, no row is inserted, the statement reports 0 rows, and the
-- writer re-reads the tail. Params: first_seq.
-- The recorded keys are counted in a join, not a subquery expression: Delta on Spark cannot read
-- the MERGE target from a subquery expression of its source.
MERGE INTO {{ops}}.audit_log AS t
USING (
  SELECT b.* FROM ({{rows}}) AS b
  CROSS JOIN (
    SELECT count(*) AS recorded FROM {{ops}}.audit_log l JOIN ({{rows}}) AS k ON l.event_key = k.event_key
  ) AS r
  WHERE r.recorded = 0
) AS s
ON t.seq >= :first_seq
WHEN NOT MATCHED THEN INSERT (seq, logged_at, actor, action, subject, payload, prev_hash, hash, event_key)
VALUES (s.seq, s.logged_at, s.actor, s.action, s.subject, s.payload, s.prev_hash, s.hash, s.event_key)
