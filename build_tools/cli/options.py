"""The arguments several commands share, and argparse types for numbers with a range."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_root(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", type=Path, default=None,
                   help="content repository (default: the nearest folder with modules/ and curriculum/)")


def add_pack_selection(p: argparse.ArgumentParser, edition_default: str) -> None:
    """The options that name a pack (read by :func:`.common.pick`): a course or pack id, and its dimensions."""
    p.add_argument("target", nargs="?",
                   help="a course id or a pack id (from `coursepack list COURSE`); default: the sample pack")
    from ..resolve.keys import DIMENSIONS, flag

    helps = {"audience": "audience id, e.g. labour-inspectors", "sector": "sector id, e.g. garment-textile",
             "country": "ISO 3166 alpha-2 code, e.g. BD", "language": "language code, e.g. en"}
    for dim in DIMENSIONS[:-1]:
        p.add_argument(f"--{flag(dim)}", dest=dim, help=helps[dim])
    p.add_argument("--edition", choices=["participant", "facilitator"], help=f"default: {edition_default}")
    p.add_argument("--electives", metavar="SET", help="elective set id (see `coursepack list COURSE`); "
                                                     "default: the course's first set")


def port(text: str) -> int:
    """An argparse type: a TCP port number."""
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return number


def amount(unit: str):
    """An argparse type: a number of ``unit`` (days, minutes), 0 or more."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not 0 <= value < 100_000:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number of {unit} (0 or more)")
        return value

    return parse
