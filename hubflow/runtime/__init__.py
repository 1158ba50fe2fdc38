"""The runtime: serve, the relay and hand-over to Prefect, runners, supervision, deployments."""
