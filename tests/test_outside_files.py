"""Nothing from outside the repository: a symbolic link anywhere on the way to a file a build reads
(the assets folder, a file in it, a folder between) is refused by `check`, at the link and at the YAML
line whose image goes through it, and `build` publishes no byte of what it points to."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_cli

SECRET = b"OUTSIDE-THE-REPOSITORY-7f3a9c"
PACK = "sample.labour-inspectors.garment-textile.bd.en.participant"


def _link_assets_folder(root: Path, outside: Path) -> tuple[str, str]:
    os.symlink(outside, root / "modules" / "assets")
    return "secret.png", "modules/assets"


def _link_file(root: Path, outside: Path) -> tuple[str, str]:
    (root / "modules" / "assets").mkdir()
    os.symlink(outside / "secret.png", root / "modules" / "assets" / "secret.png")
    return "secret.png", "modules/assets/secret.png"


def _link_parent_folder(root: Path, outside: Path) -> tuple[str, str]:
    (root / "modules" / "assets").mkdir()
    os.symlink(outside, root / "modules" / "assets" / "photos")
    return "photos/secret.png", "modules/assets/photos"


def _link_in_a_linked_folder(root: Path, outside: Path) -> tuple[str, str]:
    """The assets folder links to a folder inside the repository, which holds a link out of it."""
    (root / "media").mkdir()
    os.symlink(outside / "secret.png", root / "media" / "secret.png")
    os.symlink(root / "media", root / "modules" / "assets")
    return "secret.png", "modules/assets/secret.png"


LINKS = {"assets-folder": _link_assets_folder, "file-in-assets": _link_file, "parent-folder": _link_parent_folder,
         "link-in-a-linked-folder": _link_in_a_linked_folder}


def _everything_under(folder: Path) -> bytes:
    """Every byte of every file under ``folder``, zip members unpacked (and their zips, recursively)."""
    def unpacked(data: bytes) -> bytes:
        if not data.startswith(b"PK"):
            return data
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return data + b"".join(unpacked(zf.read(name)) for name in zf.namelist())

    return b"".join(unpacked(p.read_bytes()) for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.mark.parametrize("kind", sorted(LINKS))
def test_a_link_out_of_the_repository_is_refused_and_nothing_of_it_is_published(minimal_root, tmp_path, capsys, kind):
    out = minimal_root / "_build"
    code, _, err = run_cli(capsys, "build", PACK, "--format", "html,pdf,offline", "--root", str(minimal_root))
    assert code == 0, err  # a previous output, built before the link was made
    before = _everything_under(out / PACK)

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET)
    name, link = LINKS[kind](minimal_root, outside)
    module = minimal_root / "modules" / "intro.yml"
    text = module.read_text()
    anchor = "suppliers in {{ country.name }}.\n"
    module.write_text(text.replace(anchor, anchor + f"\n      ![a secret](assets/{name})\n"))
    line = text[:text.index(anchor)].count("\n") + 3  # the image's own line in the YAML

    code, _, err = run_cli(capsys, "check", "--quiet", "--root", str(minimal_root))
    assert code == 1
    assert f"{link}:1:1: error[outside-repository]: {link} is a symbolic link to " in err
    assert f"modules/intro.yml:{line}:1: error[outside-repository]: the image assets/{name} leads outside" in err

    code, _, err = run_cli(capsys, "build", PACK, "--format", "html,pdf,offline", "--force",
                           "--root", str(minimal_root))
    assert code == 1 and "error[outside-repository]" in err
    assert SECRET not in _everything_under(out)  # work folders and caches included
    assert _everything_under(out / PACK) == before


@pytest.mark.parametrize("kind", sorted(LINKS))
def test_a_build_that_was_not_validated_copies_nothing_from_outside(minimal_root, tmp_path, kind):
    """Matrix workers build without validating again: the copy of each image is checked the same way."""
    from build_tools.pipeline.build import build_pack
    from build_tools.content.repository import load_repo
    from build_tools.errors import ProblemsFound
    from build_tools.resolve.keys import PackKey

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + SECRET)
    name, _ = LINKS[kind](minimal_root, outside)
    module = minimal_root / "modules" / "intro.yml"
    anchor = "suppliers in {{ country.name }}.\n"
    module.write_text(module.read_text().replace(anchor, anchor + f"\n      ![a secret](assets/{name})\n"))
    out = minimal_root / "_build"

    with pytest.raises(ProblemsFound) as failure:
        build_pack(load_repo(minimal_root), PackKey.parse(PACK), out, formats=("html", "pdf"))
    assert {p.code for p in failure.value.problems} <= {"outside-repository", "image-missing"}
    assert SECRET not in _everything_under(out)
