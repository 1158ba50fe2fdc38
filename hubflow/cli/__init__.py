"""The `hubflow` command."""
