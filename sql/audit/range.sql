-- Hashes of the rows from_seq..to_seq: a writer reads back what it appended.
SELECT seq, hash FROM {{ops}}.audit_log WHERE seq >= :from_seq AND seq <= :to_seq
