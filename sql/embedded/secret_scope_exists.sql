-- Whether the simulated secret scope exists: read before it, so that a read-only open never needs to create it.
SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'sim_world' AND table_name = 'secret_scope'
