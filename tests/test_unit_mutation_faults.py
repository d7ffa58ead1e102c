"""Every planted fault of the mutation check still finds its snippet in the code, exactly once.

The mutation check (tests/mutation/run.py) runs only on demand; a refactoring that moves a snippet would make
a fault ``stale`` without anyone noticing until then. This keeps the list in step with the code."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "mutation"))
from faults import FAULTS  # noqa: E402


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_each_fault_plants_in_one_place_and_names_existing_tests(fault):
    code = (REPO / fault.path).read_text(encoding="utf-8")
    assert code.count(fault.original) == 1, f"{fault.path}: the snippet of {fault.name!r} is no longer in the code"
    assert fault.faulty != fault.original
    for test in fault.tests:
        assert (REPO / test.split("::")[0]).is_file(), test
