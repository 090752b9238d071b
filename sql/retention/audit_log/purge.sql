-- Removes the archived audit rows up to the recorded anchor (recorded first, so the chain stays
-- verifiable from it). Params: anchor_seq.
DELETE FROM {{ops}}.audit_log_archive WHERE seq <= :anchor_seq
