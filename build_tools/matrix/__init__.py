"""Many packs: plan the jobs, run them in local worker processes (or on Dask: :mod:`.distributed`), report.

Stage functions: :func:`plan`, :func:`run_local`, :func:`write_catalogue`.
"""

from .jobs import plan, run_local, write_catalogue

__all__ = ["plan", "run_local", "write_catalogue"]
