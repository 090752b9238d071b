-- The published pipeline event log (the event_log() schema, with origin and error as structs as
-- the published tables expose them; postflight reads an error's first exception class). On
-- Databricks, point --event-log at a view that unions the published event logs of the watched
-- pipelines.
CREATE TABLE IF NOT EXISTS {{event_log}} (
  id STRING, sequence STRING,
  origin STRUCT<pipeline_id: STRING, pipeline_name: STRING, update_id: STRING, flow_id: STRING,
    flow_name: STRING, dataset_name: STRING, cluster_id: STRING>,
  timestamp TIMESTAMP, message STRING, level STRING, maturity_level STRING,
  error STRUCT<fatal: BOOLEAN, exceptions: ARRAY<STRUCT<class_name: STRING, message: STRING>>>,
  details STRING, event_type STRING
);
