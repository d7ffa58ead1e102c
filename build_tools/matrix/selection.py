"""Which packs a matrix builds: every pack of its courses, narrowed by values asked for per dimension."""

from __future__ import annotations

from ..resolve.keys import DIMENSIONS, PackKey, expand


def matrix_packs(courses, wanted: dict[str, str | None]) -> list[PackKey]:
    """Every pack of ``courses`` whose value of each dimension is among the comma-separated values in
    ``wanted[dimension]`` (country codes in any case); a dimension with no values asked for keeps them all."""
    keys = [k for course in courses for k in expand(course)]
    for dim in DIMENSIONS:
        if wanted.get(dim):
            values = {v.strip().upper() if dim == "country" else v.strip() for v in wanted[dim].split(",")}
            keys = [k for k in keys if getattr(k, dim) in values]
    return keys
