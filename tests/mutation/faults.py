"""The planted faults: each a small patch (file, original snippet, faulty snippet) and the tests that must catch it.

The first seventeen are the faults of the test-suite audit (issue 15): nine it found the suite let through,
and eight of the kinds it caught. The last ones guard what the fault-injection work added. When the code
changes under a fault, ``run.py`` reports the fault ``stale``: update its ``original`` (and ``faulty``) here.

``tests`` are pytest arguments (files or node ids, ``-k`` expressions after them); files that do not exist
in the checkout are left out, and a fault none of whose files exists is reported ``no test``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    name: str
    what: str
    path: str
    original: str
    faulty: str
    tests: tuple[str, ...]


FAULTS = [
    # --- the nine the audit found surviving ---------------------------------------------------------------
    Fault("leak", "When.matches ignores the edition: facilitator-only variant blocks reach participants",
          "build_tools/content/model.py",
          "            if dims.get(key) not in values:\n",
          "            if key != \"edition\" and dims.get(key) not in values:\n",
          ("tests/test_unit_variants.py", "tests/test_leaks.py")),
    Fault("materials", "a role card's confidential brief rendered for the participant edition",
          "build_tools/render/pages.py",
          "r.brief) if facilitator else None)",
          "r.brief))",
          ("tests/test_materials_outputs.py::test_no_participant_output_holds_a_role_brief",
           "tests/test_leaks.py")),
    Fault("sandbox-escaping", "the trainer-text sandbox without its escaping finalize",
          "build_tools/render/pages.py",
          "ImmutableSandboxedEnvironment(undefined=StrictUndefined, finalize=md_escape, autoescape=False)",
          "ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)",
          ("tests/test_unit_escaping.py::test_sandbox_escapes_every_context_variable", "tests/test_escaping.py")),
    Fault("print-raw-html", "the print path passes raw HTML through",
          "build_tools/printing/mdhtml.py",
          "        return escape(tokens[idx].content)\n",
          "        return tokens[idx].content\n",
          ("tests/test_unit_escaping.py::test_print_path_shows_raw_html_as_text",)),
    Fault("stems-across-languages", "one remembered-stems dict for every language of the process",
          "build_tools/site/searchstem.py",
          "@functools.cache\ndef _remembering(base: type) -> type:\n    stems: dict[str, str] = {}\n",
          "@functools.cache\ndef _remembering(base: type, stems: dict = {}) -> type:  # noqa: B006\n",
          ("tests/test_searchstem.py",
           "tests/test_matrix.py::test_matrix_outputs_equal_independent_builds")),
    Fault("multi-page-contents", "the contents laid out for one page whatever its length",
          "build_tools/printing/pieces.py",
          "        if laid[\"toc\"].pages == toc_pages:\n            break\n",
          "        break\n",
          ("tests/test_pdf.py::test_a_contents_of_several_pages_gives_every_entry_its_real_page",)),
    Fault("promotion", "promotion done as delete-then-copy",
          "build_tools/pipeline/publish.py",
          "    if final.exists():\n        os.rename(final, old)\n"
          "        fault(\"promote-between-renames\", final.name)\n"
          "    os.rename(staging, final)\n    shutil.rmtree(old, ignore_errors=True)\n",
          "    shutil.rmtree(final, ignore_errors=True)\n    shutil.copytree(staging, final)\n"
          "    shutil.rmtree(staging, ignore_errors=True)\n",
          ("tests/test_promotion.py",)),
    Fault("recover", "recover() deletes the .old- folder instead of restoring it",
          "build_tools/pipeline/publish.py",
          "        if final.exists():\n            shutil.rmtree(old, ignore_errors=True)\n"
          "        else:\n            os.rename(old, final)\n",
          "        shutil.rmtree(old, ignore_errors=True)\n",
          ("tests/test_promotion.py",)),
    Fault("output-deleted", "the published output deleted at the start of a rebuild",
          "build_tools/pipeline/build.py",
          "        kept = _outputs_to_keep(final, digest, formats)\n",
          "        kept = _outputs_to_keep(final, digest, formats)\n        shutil.rmtree(final, ignore_errors=True)\n",
          ("tests/test_promotion.py",)),
    Fault("breaks", "the timetable ignores breaks inside sessions (day 1 loses lunch)",
          "build_tools/content/timetable.py",
          "        parts = _fit(now, minutes, day_end, breaks)\n",
          "        parts = _fit(now, minutes, day_end, ())\n",
          ("tests/test_unit_timetable.py", "tests/test_timetable_pages.py")),
    # --- eight of the kinds the audit found caught ---------------------------------------------------------
    Fault("digest-names-only", "the pack digest hashes file names, not contents: an edit is not rebuilt",
          "build_tools/pipeline/digest.py",
          "        h.update(f\"{path.relative_to(repo.root).as_posix()} {len(data)}\\n\".encode())\n"
          "        h.update(data)\n",
          "        h.update(f\"{path.relative_to(repo.root).as_posix()}\\n\".encode())\n",
          ("tests/test_matrix.py::test_only_packs_that_use_a_change_are_rebuilt",)),
    Fault("zip-unsorted", "package entries in file-system order: the same pack gives another zip",
          "build_tools/export/zips.py",
          "            for name in sorted(files):\n",
          "            for name in files:\n",
          ("tests/test_export.py::test_zip_entries_are_sorted_with_fixed_times_and_permissions",)),
    Fault("stale-upload", "an upload leaves the files the new build no longer has",
          "build_tools/matrix/distributed.py",
          "    if stale:\n        fs.rm(stale)\n",
          "",
          ("tests/test_distributed.py::test_upload_replaces_the_pack_and_writes_the_stamp_last",)),
    Fault("one-format-drops-others", "building one format deletes the outputs of the others",
          "build_tools/pipeline/build.py",
          "        if fmt not in formats and (final / rel).exists():\n",
          "        if False:\n",
          ("tests/test_build_failures.py::test_building_one_format_keeps_the_others",)),
    Fault("stamp-trusted", "an up-to-date pack whose outputs were deleted is not rebuilt",
          "build_tools/pipeline/layout.py",
          "            and all(p.exists() for p in self.outputs(folder).values())\n",
          "\n",
          ("tests/test_unchanged.py::test_a_missing_output_is_rebuilt",)),
    Fault("session-across-days", "a session may run past the end of the day",
          "build_tools/content/timetable.py",
          "        if t + left > day_end:\n            return None\n",
          "",
          ("tests/test_unit_timetable.py", "tests/test_invalid_inputs.py")),
    Fault("no-time-limit", "the matrix's --timeout never applied",
          "build_tools/matrix/jobs.py",
          "    if not seconds or threading.current_thread() is not threading.main_thread():\n",
          "    if True:\n",
          ("tests/test_matrix.py::test_a_pack_past_its_time_limit_fails_alone_and_publishes_nothing",)),
    Fault("failed-build-published", "a build whose site failed still promotes what it made",
          "build_tools/pipeline/build.py",
          "        except BaseException:\n            discard(staging)\n",
          "        except BaseException:\n            promote(staging, final)\n",
          ("tests/test_build_failures.py",)),
    Fault("shards-split-editions", "shards made pack by pack: a pack's two editions land in different shards",
          "build_tools/matrix/jobs.py",
          "        groups.setdefault(group_of(key.id), []).append(key)\n",
          "        groups.setdefault(key.id, []).append(key)\n",
          ("tests/test_dask_cluster.py::"
           "test_shards_keep_editions_together_balanced_and_merge_to_the_unsharded_catalogue",)),
    # --- guards of the fault-injection work -----------------------------------------------------------------
    Fault("stamp-first", "an upload writes its stamp before the files: a half-sent pack looks complete",
          "build_tools/matrix/distributed.py",
          "    names.remove(STAMP)\n",
          "    names.remove(STAMP)\n    fs.pipe_file(stamp_url, stamp)\n",
          ("tests/test_distributed.py::"
           "test_an_upload_stopped_half_way_is_never_published_and_the_next_one_completes",)),
    Fault("limit-in-import", "the time limit cuts an import short (the module stays half made)",
          "build_tools/matrix/jobs.py",
          " \\\n                or code.co_filename.startswith(\"<frozen importlib\"):\n",
          ":\n",
          ("tests/test_matrix.py::test_a_time_limit_that_runs_out_during_an_import_waits_for_it",)),
    Fault("limit-in-finalizer", "a limit that runs out in a finalizer is retried only a second later",
          "build_tools/matrix/jobs.py",
          "            signal.setitimer(signal.ITIMER_REAL, 0.01, _AGAIN)\n            return\n",
          "            return\n",
          ("tests/test_matrix.py::test_a_time_limit_that_runs_out_in_a_finalizer_still_stops_the_block",)),
    Fault("languages-share-sphinx-labels", "Sphinx's modules first imported during a build keep its language",
          "build_tools/site/build.py",
          "    for name in builtin_extensions:\n        import_module(name)\n",
          "",
          ("tests/test_matrix.py::test_a_worker_that_builds_two_languages_labels_each_site_in_its_own",
           "tests/test_matrix.py::test_matrix_outputs_equal_independent_builds")),
]
