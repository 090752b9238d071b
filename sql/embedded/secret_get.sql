-- A secret of the simulated secret scope. Params: scope, name.
SELECT value FROM sim_world.secret_scope WHERE scope = :scope AND name = :name
