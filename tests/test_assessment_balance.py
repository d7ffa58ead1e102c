"""The modules' quizzes cannot be gamed: four options, keys spread over the positions, the key not
usually the longest option, and feedback on every option. Read from the repository's own content."""

from __future__ import annotations

from collections import Counter

import pytest

# The modules whose assessment has been rewritten to these rules (all of them).
MODULES = (
    "action-planning-evaluation", "course-opening", "child-forced-labour", "export-processing-zones", "freedom-of-association", "fundamental-principles",
    "gender-equality", "global-supply-chains", "labour-inspection", "labour-migration",
    "mne-declaration-due-diligence", "osh", "social-dialogue-ifas", "social-protection",
    "transition-to-formality", "wages-working-time", "what-works",
)

MIN_FOUR_OPTION_SHARE = 0.90
MAX_SHARE_ONE_POSITION = 0.40
MAX_SHARE_KEY_LONGEST = 0.50


def items(module):
    return [(session.id, item) for session in module.sessions for item in session.assessment]


def single_answer(module):
    """(session id, item, index of the key) of every item with exactly one correct choice."""
    found = []
    for session_id, item in items(module):
        keys = [i for i, choice in enumerate(item.choices) if choice.correct]
        if len(keys) == 1:
            found.append((session_id, item, keys[0]))
    return found


def key_is_longest(item, key: int) -> bool:
    """The key is strictly longer than every other option (a tie gives nothing away)."""
    length = len(item.choices[key].text)
    return all(length > len(choice.text) for i, choice in enumerate(item.choices) if i != key)


def test_every_listed_module_exists_and_has_single_answer_items(repo):
    for module_id in MODULES:
        assert module_id in repo.catalogue.modules, f"{module_id}: no such module"
        assert single_answer(repo.catalogue.modules[module_id]), f"{module_id}: no single-answer item"


def test_single_answer_items_have_four_options(repo):
    singles = [(module_id, session_id, item) for module_id in MODULES
               for session_id, item, _ in single_answer(repo.catalogue.modules[module_id])]
    other = [f"{m}/{s}/{item.id}: {len(item.choices)} options" for m, s, item in singles if len(item.choices) != 4]
    share = 1 - len(other) / len(singles)
    assert share >= MIN_FOUR_OPTION_SHARE, f"only {share:.0%} of single-answer items have four options: {other}"


@pytest.mark.parametrize("module_id", MODULES)
def test_every_choice_has_feedback(repo, module_id):
    missing = [f"{session_id}/{item.id} option {i + 1} ({choice.text!r})"
               for session_id, item in items(repo.catalogue.modules[module_id])
               for i, choice in enumerate(item.choices) if not choice.feedback]
    assert not missing, f"{module_id}: options without feedback: {missing}"


@pytest.mark.parametrize("module_id", MODULES)
def test_keys_do_not_cluster_on_one_position(repo, module_id):
    singles = single_answer(repo.catalogue.modules[module_id])
    position, count = Counter(key + 1 for _, _, key in singles).most_common(1)[0]
    assert count / len(singles) <= MAX_SHARE_ONE_POSITION, (
        f"{module_id}: {count} of {len(singles)} keys are option {position}")


@pytest.mark.parametrize("module_id", MODULES)
def test_key_is_not_usually_the_longest_option(repo, module_id):
    singles = single_answer(repo.catalogue.modules[module_id])
    longest = [f"{session_id}/{item.id}" for session_id, item, key in singles if key_is_longest(item, key)]
    assert len(longest) / len(singles) <= MAX_SHARE_KEY_LONGEST, (
        f"{module_id}: the key is the longest option in {len(longest)} of {len(singles)} items: {longest}")
