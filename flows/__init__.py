"""Prefect flows, one outcome each (SPEC §3, §6)."""

from plumbing.prefect_setup import configure

configure()
