-- The tables each followed pipeline writes, keyed by flow name, so event-log reads resolve a
-- flow's rows to its table without re-reading lineage every tick. Rows: pipeline_id, flow_name, table_name, updated_at.
MERGE INTO {{ops}}.pipeline_targets AS t
USING ({{rows}}) AS s
ON t.pipeline_id = s.pipeline_id AND t.flow_name = s.flow_name
WHEN MATCHED AND t.table_name <> s.table_name THEN UPDATE SET table_name = s.table_name, updated_at = s.updated_at
WHEN NOT MATCHED THEN INSERT (pipeline_id, flow_name, table_name, updated_at) VALUES (s.pipeline_id, s.flow_name, s.table_name, s.updated_at)
