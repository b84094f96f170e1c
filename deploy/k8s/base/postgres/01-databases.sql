-- One database per service (shared/notes/decisions.md), owned by the role the image creates from
-- POSTGRES_USER. Runs once, on an empty data directory, from /docker-entrypoint-initdb.d.
-- Used by docker-compose.yml (bind mount) and by the Kubernetes base (ConfigMap postgres-initdb).
CREATE DATABASE lorastream_ingest;
CREATE DATABASE lorastream_trainer;
CREATE DATABASE lorastream_inference;
