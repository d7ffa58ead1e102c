"""What only a facilitator may see, and how to look for it in any output file (HTML, JS, PDF text)."""

from __future__ import annotations

import re

from build_tools.resolve.pack import resolve


def holds(when: dict, dims: dict[str, str]) -> bool:
    """Whether a `when:` mapping, as written in YAML, selects a pack with these dimensions: a second, simpler
    reading of docs/content-model.md ("Variants and the `when:` language"), so that the leak tests never ask
    ``When.matches``, the code under test, what is secret."""
    for key, want in when.items():
        if key == "not":
            if holds(want, dims):
                return False
        elif key == "any":
            if not any(holds(w, dims) for w in want):
                return False
        elif key == "facts":  # all the kinds listed, verified in the country's profile
            if not set(want if isinstance(want, list) else [want]) <= dims.get("facts", set()):
                return False
        elif dims[key] not in (want if isinstance(want, list) else [want]):
            return False
    return True


def _dims(repo, key) -> tuple[dict, dict]:
    """The facilitator and participant dimensions of the pack, from its key and its country's profile."""
    country = repo.catalogue.countries[key.country]
    dims = {"audience": key.audience, "sector": key.sector, "country": key.country, "language": key.language,
            "region": country.region, "facts": {kind for kind, fact in country.facts.items() if fact.verified}}
    return dict(dims, edition="facilitator"), dict(dims, edition="participant")


def _facilitator_only(when, facilitator, participant) -> bool:
    raw = when.model_dump(by_alias=True, exclude_none=True)
    return holds(raw, facilitator) and not holds(raw, participant)


def facilitator_only_texts(repo, key) -> list[str]:
    """Distinctive sentences of the pack that only its facilitator edition may contain: facilitator notes,
    answer feedback, role briefs, rubric level descriptors, facilitator-only materials, and the variant blocks (of sessions and materials) and activities that match the facilitator
    edition but not the participant one. Text around a ``{{ variable }}`` or a ``{directive}`` is kept.

    A sentence whose first 40 significant characters also occur in what the participant edition shows of the
    pack (a feedback line that opens with an instrument's title, say) is left out: looking for it could not
    tell a leak from the public text."""
    pack = resolve(repo.catalogue, key)
    facilitator, participant = _dims(repo, key)
    public = "\n".join(_public_text(rmod.module, facilitator, participant) for rmod in pack.modules)
    texts = []
    for rmod in pack.modules:
        for s in rmod.module.sessions:
            texts += sentences(s.facilitator_notes or "")
            for v in s.variants:
                if _facilitator_only(v.when, facilitator, participant):
                    texts += sentences(v.body)
            for a in s.activities:
                if a.when is not None and _facilitator_only(a.when, facilitator, participant):
                    texts += sentences(a.instructions)
                if a.rubric:  # the level descriptors: participants see the criteria only
                    texts += [d for row in a.rubric.criteria for d in row.levels
                              if len(d.split()) >= 4 and not leaked([d], _public_text(rmod.module))]
            for item in s.assessment:  # a self-check's feedback is the widget's data (test_leaks.py checks it)
                if item.use == "self-check":
                    continue
                texts += sentences(item.feedback or "")
                for c in item.choices:
                    texts += sentences(c.feedback or "")
        for x in rmod.module.materials:  # role briefs, facilitator-only materials and their answer keys
            texts += [t for r in x.roles for t in sentences(r.brief)]
            if x.given_to == "facilitator":
                texts += sentences(x.body or "")
            for v in x.variants:
                if _facilitator_only(v.when, facilitator, participant):
                    texts += sentences(v.body)
    return [t for t in texts if not leaked([t], public)]


def _public_text(module, facilitator=None, participant=None) -> str:
    """What any edition may show of a module: a material named in an activity's instructions is no secret.
    Given the pack's dimensions, variants and activities that only the facilitator edition shows are left out."""
    def public(when) -> bool:
        return when is None or facilitator is None or not _facilitator_only(when, facilitator, participant)

    parts = [module.title, module.summary, *module.objectives, *module.key_points]
    for s in module.sessions:
        variants = [v for v in s.variants if public(v.when)]
        parts += [s.title, s.body, *(v.body for v in variants), *(v.title or "" for v in variants)]
        parts += [t for a in s.activities if public(a.when) for t in (a.title, a.instructions)]
        parts += [t for item in s.assessment for t in (item.question, *(c.text for c in item.choices))]
    for x in module.materials:
        if x.given_to != "facilitator":
            parts += [x.title, x.body or "", *(r.role for r in x.roles)]
            parts += [t for v in x.variants if public(v.when) for t in (v.title or "", v.body)]
    return "\n".join(parts)


def facilitator_only_titles(repo, key) -> list[str]:
    """Titles of the variant blocks only the facilitator edition shows."""
    pack = resolve(repo.catalogue, key)
    facilitator, participant = _dims(repo, key)
    return [v.title for rmod in pack.modules for s in rmod.module.sessions for v in s.variants
            if v.title and _facilitator_only(v.when, facilitator, participant)]


def sentences(text: str) -> list[str]:
    """Sentences of at least six words; a ``{{ variable }}`` or ``{name}`` ends one (its value differs by pack)."""
    parts = re.split(r"(?<=[.!?])\s+|\{\{.*?\}\}|\{[^{}\n]*\}|^:::+.*$", text, flags=re.M)
    return [" ".join(p.split()) for p in parts if p and len(p.split()) >= 6]


def fingerprint(text: str) -> str:
    """Letters and digits only, lower-cased: survives HTML tags, smart quotes, line breaks and PDF extraction."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def leaked(secrets: list[str], haystack: str) -> list[str]:
    """The secrets whose first 40 significant characters occur in the haystack."""
    hay = fingerprint(haystack)
    return [s for s in secrets if fingerprint(s)[:40] in hay]
