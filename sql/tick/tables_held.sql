-- Which of the given tables have commits in postflight's commit cache: their history has been
-- read once, so a later read fetches only what is new. A verifier catching up counts the others
-- as reads from the start of their baseline. Rows: name.
WITH t AS ({{rows}})
SELECT DISTINCT c.table_name AS name
FROM {{ops}}.table_commits c JOIN t ON c.table_name = t.name
