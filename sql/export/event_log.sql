-- Exports the pipeline event log of a period: the view or published table --event-log names
-- ({{event_log}}) for `postflight backtest` (docs/embedded-layout.md): write the result to
-- event_log.ndjson or event_log.parquet. Params: since, until.
SELECT * FROM {{event_log}}
WHERE event_type IN ('create_update', 'update_progress', 'flow_progress')
  AND timestamp >= CAST(:since AS TIMESTAMP) AND timestamp < CAST(:until AS TIMESTAMP)
