-- Puts a secret in the simulated secret scope unless one is there: the first writer's key stays. Params: scope, name, value.
INSERT INTO sim_world.secret_scope (scope, name, value)
SELECT :scope, :name, :value
WHERE NOT EXISTS (SELECT 1 FROM sim_world.secret_scope WHERE scope = :scope AND name = :name)
