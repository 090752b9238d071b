-- Appends a chained batch, all or nothing: when any row at or after the batch's first seq exists
-- (another writer got there first) or one of its event keys is recorded, no row is inserted and
-- the writer re-reads the tail. Params: first_seq.
MERGE INTO {{ops}}.audit_log AS t
USING ({{rows}}) AS s
ON t.seq >= :first_seq OR t.event_key = s.event_key
WHEN NOT MATCHED THEN INSERT (seq, logged_at, actor, action, subject, payload, prev_hash, hash, event_key)
VALUES (s.seq, s.logged_at, s.actor, s.action, s.subject, s.payload, s.prev_hash, s.hash, s.event_key)
