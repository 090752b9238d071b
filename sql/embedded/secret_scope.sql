-- The simulated platform's secret scope: where an embedded world keeps the audit chain's key, as a
-- workspace keeps it in a secret scope. Created the first time an audit entry is written.
CREATE TABLE IF NOT EXISTS sim_world.secret_scope (
  scope STRING NOT NULL, name STRING NOT NULL, value STRING
) TBLPROPERTIES ('postflight.primary_key' = 'scope, name');
