-- DuckDB SQL. What a replay world (postflight backtest) keeps beside the simulated world's tables,
-- which it reuses: the exported rows sit in the same base tables behind the same views, hidden
-- until their _visible_at by the same clock. A replay world generates nothing; its control plane
-- is derived from the export.
-- Job and pipeline settings over time: each row holds from from_ms until the resource's next row
-- (settings NULL: deleted). sim_world.api_resources holds the rows in force at the clock.
CREATE TABLE IF NOT EXISTS sim_world.api_settings_history (
  resource_id VARCHAR, resource_type VARCHAR, bundle VARCHAR, version VARCHAR, settings VARCHAR,
  from_ms BIGINT, source VARCHAR);
