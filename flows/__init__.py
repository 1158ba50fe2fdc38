"""Prefect flows, one outcome each (SPEC §3, §6)."""

from hubflow.prefect_setup import configure

configure()
