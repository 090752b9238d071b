-- Exports the list prices in force during a period for `postflight backtest`
-- (docs/embedded-layout.md): write the result to system.billing.list_prices.ndjson or .parquet.
-- Params: since, until (timestamps).
SELECT * FROM system.billing.list_prices
WHERE price_start_time < CAST(:until AS TIMESTAMP)
  AND (price_end_time IS NULL OR price_end_time > CAST(:since AS TIMESTAMP))
