"""A new country's strings in the translators' catalogues: its entries added to ``contexts.pot`` and to each
language's ``contexts.po``, its name already translated from the Unicode CLDR (through Babel), so a pack in
any language can show it at once; the other catalogues stay untouched."""

from __future__ import annotations

from pathlib import Path

CONTEXTS = "curriculum/locale/contexts.pot"


def add_country(root: Path, code: str) -> list[str]:
    """Add the country ``code``'s strings to the contexts catalogues; the files changed."""
    from babel import Locale, UnknownLocaleError

    from ..content.repository import load_repo
    from ..i18n.catalogues import extract, fill, po_path, update

    repo = load_repo(root)  # as written now: the new profile and the courses that offer it
    if not (root / CONTEXTS).exists():
        return []  # a repository not translated yet: `i18n extract` makes the catalogues when it is
    changed = extract(repo, [], only={CONTEXTS}) + update(repo, only={CONTEXTS})[0]
    for folder in sorted(p for p in (root / CONTEXTS).parent.iterdir() if p.is_dir()):
        po = po_path(CONTEXTS, folder.name)
        try:
            name = Locale.parse(folder.name).territories.get(code)
        except (ValueError, UnknownLocaleError):
            name = None
        if name and (root / po).exists():
            changed += fill(root, po, folder.name, {f"country[{code}].name": name})
    return sorted(set(changed))
