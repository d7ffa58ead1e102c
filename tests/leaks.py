"""What only a facilitator may see, and how to look for it in any output file (HTML, JS, PDF text)."""

from __future__ import annotations

import re

from build_tools.resolve import resolve


def facilitator_only_texts(repo, key) -> list[str]:
    """Distinctive sentences of the pack that only its facilitator edition may contain: facilitator notes,
    answer feedback, and variant blocks that match the facilitator edition but not the participant one."""
    pack = resolve(repo.catalogue, key)
    facilitator, participant = dict(pack.dims, edition="facilitator"), dict(pack.dims, edition="participant")
    texts = []
    for rmod in pack.modules:
        for s in rmod.module.sessions:
            texts += sentences(s.facilitator_notes or "")
            for v in s.variants:
                if v.when.matches(facilitator) and not v.when.matches(participant):
                    texts += sentences(v.body)
            for item in s.assessment:
                texts += sentences(item.feedback or "")
                for c in item.choices:
                    texts += sentences(c.feedback or "")
    return [t for t in texts if "{{" not in t and "{" not in t]


def facilitator_only_titles(repo, key) -> list[str]:
    """Titles of the variant blocks only the facilitator edition shows."""
    pack = resolve(repo.catalogue, key)
    facilitator, participant = dict(pack.dims, edition="facilitator"), dict(pack.dims, edition="participant")
    return [v.title for rmod in pack.modules for s in rmod.module.sessions for v in s.variants
            if v.title and v.when.matches(facilitator) and not v.when.matches(participant)]


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return [p.strip() for p in parts if len(p.split()) >= 6]


def fingerprint(text: str) -> str:
    """Letters and digits only, lower-cased: survives HTML tags, smart quotes, line breaks and PDF extraction."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def leaked(secrets: list[str], haystack: str) -> list[str]:
    """The secrets whose first 40 significant characters occur in the haystack."""
    hay = fingerprint(haystack)
    return [s for s in secrets if fingerprint(s)[:40] in hay]
