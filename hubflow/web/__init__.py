"""The web app: server-rendered pages and JSON (SPEC §6)."""
