"""Answer options in each pack's own order: deterministic, the key follows the shuffle, and within every
module of every pack of every course no more than 40 % of the single-answer keys sit at one position.
Read from the repository's own content, resolved pack by pack (no Sphinx)."""

from __future__ import annotations

from collections import Counter

import pytest

from build_tools.resolve.keys import expand
from build_tools.resolve.pack import resolve
from build_tools.resolve.shuffle import pack_seed, shuffle_module

MAX_SHARE_ONE_POSITION = 0.40


def _participant_packs(cat):
    """Every participant pack of every course, for every elective set (a pack's editions share its order)."""
    for course in cat.courses.values():
        for key in expand(course):
            if key.edition != "participant":
                continue
            for set_id in course.elective_set_ids():
                yield key.__class__(**{**key.as_dict(), "electives": set_id})


def _keys(rmod) -> list[int]:
    return [next(i for i, c in enumerate(item.choices) if c.correct)
            for rs in rmod.sessions for item in rs.session.assessment
            if sum(c.correct for c in item.choices) == 1]


def test_no_module_of_any_pack_crowds_its_keys_on_one_position(repo):
    cat = repo.catalogue
    checked, crowded = 0, []
    for key in _participant_packs(cat):
        pack = resolve(cat, key)
        for rmod in pack.modules:
            keys = _keys(rmod)
            if not keys:
                continue
            checked += 1
            position, count = Counter(keys).most_common(1)[0]
            if count > 1 and count > MAX_SHARE_ONE_POSITION * len(keys):
                crowded.append(f"{key.id} {rmod.module.id}: {count} of {len(keys)} keys are option {position + 1}")
    assert checked > 1000
    assert not crowded, crowded[:10]


def test_the_key_follows_the_shuffle_and_the_order_is_stable(repo):
    cat = repo.catalogue
    course = cat.courses["gsc-turin"]
    first, second = expand(course)[0], expand(course)[2]
    for module_id in course.modules:
        source = cat.modules[module_id].sessions
        a = shuffle_module(pack_seed(first), module_id, source)
        again = shuffle_module(pack_seed(first), module_id, source)
        assert a == again  # deterministic
        for s_src, s_new in zip(source, a):
            for item, shuffled in zip(s_src.assessment, s_new.assessment):
                assert sorted((c.text, c.correct, c.feedback) for c in item.choices) == \
                    sorted((c.text, c.correct, c.feedback) for c in shuffled.choices), (module_id, item.id)
    orders = {tuple(c.text for s in shuffle_module(pack_seed(k), "osh", cat.modules["osh"].sessions)
                    for item in s.assessment for c in item.choices) for k in (first, second)}
    assert len(orders) == 2  # packs differ


def test_both_editions_show_the_same_order(repo):
    cat = repo.catalogue
    participant, facilitator = [k for k in expand(cat.courses["gsc-turin"])][:2]
    assert participant.edition == "participant" and facilitator.edition == "facilitator"
    texts = [[c.text for rs in resolve(cat, k).sessions() for item in rs.session.assessment for c in item.choices]
             for k in (participant, facilitator)]
    assert texts[0] == texts[1]


@pytest.mark.parametrize("n_items, n_choices", [(3, 4), (7, 4), (9, 4), (5, 3)])
def test_the_balance_holds_for_any_source_order(n_items, n_choices):
    """Every key written first (the habit the review found): the shuffle still spreads them."""
    from build_tools.content.model import Session

    items = [{"id": f"q{i}", "question": "Q?", "choices": [{"text": f"option {j}", "correct": j == 0}
                                                         for j in range(n_choices)]} for i in range(n_items)]
    session = Session.model_validate({"id": "s", "title": "S", "minutes": 10, "body": "B", "assessment": items})
    (shuffled,) = shuffle_module("seed", "m", [session])
    before = [next(i for i, c in enumerate(item.choices) if c.correct) for item in session.assessment]
    keys = [next(i for i, c in enumerate(item.choices) if c.correct) for item in shuffled.assessment]
    assert Counter(before) == {0: n_items}  # crowded as written
    assert max(Counter(keys).values()) == -(-n_items // n_choices)  # as even as the count allows


def _in_order(text: str, parts: list[str], start: int = 0) -> bool:
    at = [text.find(p, start) for p in parts]
    return -1 not in at and at == sorted(at)


def test_site_and_question_bank_show_the_pack_order_with_the_key_marked(repo, built):
    import html
    import re

    from build_tools.export.questionbank import gift_escape, gift_text, question_bank, question_name
    from build_tools.resolve.keys import PackKey

    key = PackKey("gsc-turin", "labour-inspectors", "garment-textile", "BD", "en", "facilitator")
    pack = resolve(repo.catalogue, key)
    site = built(key, ("html", "pdf")) / "site"
    bank = question_bank(pack)
    moved = 0
    for rs in pack.sessions():
        if not rs.session.assessment:
            continue
        raw = (site / f"{rs.page}.html").read_text(encoding="utf-8")
        page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())
        page = page.translate(str.maketrans("\u2019\u2018\u201c\u201d", "''\"\""))  # Sphinx's smart quotes
        gift = bank[f"gift/{rs.module_id}.gift.txt"].decode("utf-8")
        source = {i.id: i for i in repo.catalogue.modules[rs.module_id].sessions[
            [s.id for s in repo.catalogue.modules[rs.module_id].sessions].index(rs.session.id)].assessment}
        for item in rs.session.assessment:
            texts = [" ".join(c.text.split()) for c in item.choices]
            asked = page.find(" ".join(item.question.split())[:60], page.find("Check your understanding"))
            lettered = [f"{'abcdefghij'[i]}) {t}" for i, t in enumerate(texts)]
            assert asked != -1 and _in_order(page, lettered, asked), (rs.page, item.id)
            key_text = next(t for t, c in zip(texts, item.choices) if c.correct)
            assert page.find(key_text + " [correct]") != -1 or page.find(key_text + " [ correct ]") != -1 \
                or re.search(re.escape(key_text) + r"\s*\[\s*correct\s*\]", page), (rs.page, item.id)
            start = gift.find(f"::{gift_escape(question_name(rs, item))}::")
            marked = [("=" if c.correct else "~") + gift_text(c.text) for c in item.choices]
            if sum(c.correct for c in item.choices) == 1:  # the bank's key follows the pack's order too
                assert start != -1 and _in_order(gift, marked, start), (rs.module_id, item.id)
            moved += [c.text for c in item.choices] != [c.text for c in source[item.id].choices]
    assert moved > 10  # the order shown is the shuffled one, not the source's
