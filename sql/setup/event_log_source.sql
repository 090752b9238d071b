-- One watched pipeline's published event log, in the shape the tick reads (sql/ddl/event_log.sql,
-- which the embedded world keeps as one table). `postflight setup` compiles this once per
-- published event-log table ({{event_log}} names that table here) and creates the --event-log
-- view as their UNION ALL. origin and error are rebuilt field by field so that event logs written
-- by different runtime versions, whose structs may carry more fields, still line up in one UNION;
-- sequence, read by nothing, is left out.
SELECT id,
  named_struct('pipeline_id', origin.pipeline_id, 'pipeline_name', origin.pipeline_name,
    'update_id', origin.update_id, 'flow_id', origin.flow_id, 'flow_name', origin.flow_name,
    'dataset_name', origin.dataset_name, 'cluster_id', origin.cluster_id) AS origin,
  timestamp, message, level, maturity_level,
  if(error IS NULL, NULL, named_struct('fatal', error.fatal,
    'exceptions', transform(error.exceptions, x -> named_struct('class_name', x.class_name, 'message', x.message)))) AS error,
  details, event_type
FROM {{event_log}}
