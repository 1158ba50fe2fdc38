"""Email: rendering, the outbox of queued messages, delivery backends and dispatch."""
