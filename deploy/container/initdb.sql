-- One PostgreSQL server, two databases: hubflow's own, and Prefect's server's.
CREATE USER hubflow WITH PASSWORD 'hubflow';
CREATE DATABASE hubflow OWNER hubflow;
CREATE USER prefect WITH PASSWORD 'prefect';
CREATE DATABASE prefect OWNER prefect;
