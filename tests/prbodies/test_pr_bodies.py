"""The bodies CI posts, rendered by cmark-gfm and laid out by headless Chromium: the verdict
and the checks on the first screen, no broken image, no table said twice."""

import json

import pytest

from model import paths
from model import record as records
from prbodies import bodies, checks, chromium
from prbodies.cli import render
from prbodies.page import page, to_html

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def table(name: str, rows: list[list[str]], top: float = 0, bottom: float = 100) -> dict:
    return {"visible": True, "rows": [["h"] * len(rows[0]), *rows], "top": top, "bottom": bottom}


def test_cmark_gfm_renders_tables_and_keeps_details():
    html = to_html(
        "| a | b |\n|---|--:|\n| 1 | 2 |\n\n<details><summary>more</summary>\n\nx\n</details>"
    )
    assert "<table>" in html and '<td align="right">2</td>' in html
    assert "<details><summary>more</summary>" in html


def test_a_table_repeated_or_relisting_the_same_rows_is_found():
    slices = [["Season: winter", "51"], ["Season: autumn", "32"], ["Weather: clear", "35"]]
    again = [["Season: winter", "51 (x)"], ["Season: autumn", "32"], ["Weather: clear", "35"]]
    layout = {"tables": [table("a", slices), table("b", slices), table("c", again)]}
    assert checks.duplicated_tables("body", layout) == [
        "body: table 2 repeats table 1.",
        "body: table 3 lists the same rows as table 1.",
    ]
    other = [["Hours: night", "9"], ["Hours: late", "24"], ["Hours: midday", "43"]]
    assert (
        checks.duplicated_tables("body", {"tables": [table("a", slices), table("b", other)]}) == []
    )


def layout_of(headings: list[tuple[str, float]], tables: list[dict], codes=()) -> dict:
    return {
        "headings": [
            {"text": text, "top": bottom - 30, "bottom": bottom} for text, bottom in headings
        ],
        "tables": tables,
        "codes": list(codes),
    }


def headed(header: list[str], rows: list[list[str]], top: float, bottom: float, **more) -> dict:
    return {"visible": True, "rows": [header, *rows], "top": top, "bottom": bottom} | more


CHECKS = ["", "check", "found"]
CHANGES = ["in prod", "model", "image digest"]
EVIDENCE = ["evidence from staging", "`evidence/staging/sha256:a1….json`"]


def test_a_verdict_or_checks_below_the_fold_are_found():
    layout = layout_of([("Details", 40)], [headed(CHECKS, [["✓", "RMSE", "1"]], 950, 1200)])
    assert checks.decision_above_fold("body", layout) == [
        "body: the first heading does not state the verdict.",
        "body: the checks table ends at 1200 px, below the first 900 px.",
    ]
    layout["headings"][0]["text"] = "✓ PASS: model v2 replaces champion v1"
    layout["tables"][0].update(top=100, bottom=800)
    assert checks.decision_above_fold("body", layout) == []


def test_every_decision_element_is_found_missing_collapsed_or_below_the_fold():
    """Each element a body names is judged on its own: the what-changes table missing, the
    evidence table collapsed in a <details>, the checks table and the rollback command
    below the fold; a table of unmarked rows is not a checks table."""
    fold = ("checks", "changes", "evidence", "rollback")
    layout = layout_of(
        [("✓ VERIFIED: promote v2 from staging to prod", 80)],
        [
            headed(["", "check", "found"], [["RMSE", "x", "y"]], 100, 200),  # rows unmarked
            headed(CHECKS, [["✓", "staging verified it", "4 of 4"]], 920, 990),
            headed(EVIDENCE, [["image digest", "sha256:a1"]], 300, 600, visible=False),
        ],
        [{"text": "make rollback ENV=prod", "visible": True, "top": 1000, "bottom": 1019}],
    )
    assert checks.decision_above_fold("promotion", layout, fold) == [
        "promotion: the checks table ends at 990 px, below the first 900 px.",
        "promotion: the what-changes table is missing.",
        "promotion: the evidence table is collapsed in a <details>.",
        "promotion: the rollback command ends at 1019 px, below the first 900 px.",
    ]
    layout["tables"][1].update(top=220, bottom=400)
    layout["tables"][2].update(visible=True, top=420, bottom=700)
    layout["tables"].append(headed(CHANGES, [["now", "v1", "sha256:b2"]], 100, 200))
    layout["codes"][0].update(top=720, bottom=739)
    assert checks.decision_above_fold("promotion", layout, fold) == []


def test_the_verdict_words_of_every_body():
    for heading in (
        "✓ PASS: v2 replaces v1",
        "✗ REJECTED: v2; v1 stays (1 check failed)",
        "✓ VERIFIED: promote v2 from staging to prod",
        "⚠ OVERRIDE: promote v2 from staging to prod",
        "✓ RELEASE: model v2 to staging",
        "⚠ ROLL BACK: prod to v1",
        "✓ ACCEPTED: data 2012-01 passed the data contract (744 rows)",
    ):
        assert checks.VERDICT.search(heading), heading
    for heading in ("Promote v2 from staging to prod", "Why this retrain: drift in 2011-12"):
        assert not checks.VERDICT.search(heading), heading


def test_a_table_wider_than_the_column_is_found():
    wide = headed(["", "model", "image"], [["removes", "v2", "registry/x@sha256:a1"]], 0, 90)
    layout = {"tables": [wide | {"overflow": True}, headed(CHECKS, [["✓", "a", "b"]], 100, 200)]}
    assert checks.wide_tables("rollback", layout) == [
        "rollback: table 1 (' | model | image') is wider than the column and scrolls sideways."
    ]


@pytest.fixture(scope="module")
def chromium_binary() -> str:
    return chromium.binary()  # fails in one sentence naming `make pr-bodies-tools`


@pytest.mark.slow
def test_the_model_pr_body_reads_in_one_screen(chromium_binary, tmp_path):
    body = bodies.model_pass()
    assert render(body, tmp_path) == []
    folder = tmp_path / body.name
    layout = json.loads((folder / "layout.json").read_text())
    first = layout["tables"][0]
    marks = {row[0] for row in first["rows"][1:]}
    assert marks <= {"✓", "✗", "⚠"} and len(first["rows"]) > 10  # every check, marked
    assert first["bottom"] <= chromium.FOLD
    assert all(image["loaded"] for image in layout["images"]) and len(layout["images"]) == 4
    assert not any(image["visible"] for image in layout["images"])  # collapsed below
    for shot in ("fold.png", "page.png"):
        assert (folder / shot).read_bytes()[:8] == PNG_SIGNATURE


@pytest.fixture(scope="module")
def gitops_bodies(tmp_path_factory) -> dict[str, bodies.Body]:
    """Release, promotion and rollbacks as gitops writes them (set-image, promote, rollback,
    autorollback over a scratch repository: real git and kustomize, about 25 s)."""
    made = bodies.gitops_bodies(tmp_path_factory.mktemp("gitops"))
    return {body.name: body for body in made}


@pytest.mark.slow
def test_release_promotion_and_rollback_bodies_read_in_one_screen(
    chromium_binary, gitops_bodies, tmp_path
):
    assert sorted(gitops_bodies) == ["promotion", "release", "rollback", "rollback-alert"]
    for body in gitops_bodies.values():
        assert "changes" in body.fold and "checks" in body.fold, body.name
        assert render(body, tmp_path) == [], body.name
        assert (tmp_path / body.name / "fold.png").stat().st_size > 10_000


@pytest.mark.slow
def test_the_promotion_shows_staging_evidence_above_the_fold(
    chromium_binary, gitops_bodies, tmp_path
):
    """The evidence table holds what the verification Job recorded (digest in full, model
    version, cluster, when, each check with latencies) and ends on the first screen."""
    body = gitops_bodies["promotion"]
    assert body.fold == ("checks", "changes", "evidence", "rollback")
    assert render(body, tmp_path) == []
    layout = json.loads((tmp_path / "promotion" / "layout.json").read_text())
    table = checks.find(layout, "evidence")
    cells = dict(table["rows"][1:])
    assert cells["image digest"] == bodies.NEW_DIGEST
    assert cells["model version"] == records.load(paths.CHAMPION)["version"]
    assert cells["cluster"].startswith("bikeshare-staging (staging)")
    assert "UTC, ran 38.4 s" in cells["verified"]
    assert [k for k in cells if k.startswith("✓")] == [
        "✓ ready",
        "✓ version",
        "✓ golden",
        "✓ latency",
    ]
    assert "p50 6.1 ms, p99 19.8 ms" in cells["✓ latency"]
    changes = checks.find(layout, "changes")["rows"]
    assert changes[2] == ["after merge", cells["model version"], bodies.NEW_DIGEST]
    assert changes[1][2] == bodies.OLD[0]
    for element in body.fold:
        assert checks.find(layout, element)["bottom"] <= chromium.FOLD, element


@pytest.mark.slow
def test_evidence_below_a_long_section_fails_the_fold_check(
    chromium_binary, gitops_bodies, tmp_path
):
    """The check can fail: the same promotion body with its evidence table moved below the
    rendered diff (opened, 15 resources) is caught by the browser's geometry."""
    good = gitops_bodies["promotion"].markdown
    start = good.index("| evidence from staging |")
    end = good.index("\n\n", start) + 2
    evidence = good[start:end]
    diff_end = good.index("</details>") + len("</details>\n")
    moved = good[:start] + good[end:diff_end] + "\n" + evidence + good[diff_end:]
    bad = bodies.Body(
        "promotion-bad", "evidence moved down", moved.replace("<details>", "<details open>", 1),
        fold=gitops_bodies["promotion"].fold,
    )  # fmt: skip
    problems = render(bad, tmp_path)
    assert len(problems) == 1, problems  # the verdict, checks, changes and command stay up
    assert problems[0].startswith("promotion-bad: the evidence table ends at ")
    assert problems[0].endswith(" px, below the first 900 px.")
    assert int(problems[0].split(" ends at ")[1].split()[0]) > 3 * chromium.FOLD


@pytest.mark.slow
def test_the_data_pr_and_the_drift_model_pr_read_in_one_screen(chromium_binary, tmp_path):
    for body in (bodies.data_body(tmp_path / "data"), bodies.model_drift(tmp_path / "drift")):
        assert render(body, tmp_path) == [], body.name
        layout = json.loads((tmp_path / body.name / "layout.json").read_text())
        assert layout["headings"][0]["text"].startswith(("✓ ACCEPTED", "✓ PASS")), body.name
    drift = (tmp_path / "model-drift" / "body.md").read_text()
    # The note sits under the checks, the verdict still first.
    assert drift.index("| ✓ | Drift:") < drift.index("**Why this retrain:**")


@pytest.mark.slow
def test_a_broken_page_is_caught_by_the_browser(chromium_binary, tmp_path):
    """Filler pushes the verdict down, an image is missing, a table comes twice, a table of
    full image references is wider than the column."""
    rows = "| slice | rmse |\n|---|--:|\n| Season: winter | 51 |\n| Season: autumn | 32 |\n"
    ref = "`registry.example.com/bikeshare@sha256:" + "a1" * 32 + "`"
    wide = f"| | model | image |\n|---|---|---|\n| removes | `2011-12-8fc692602f` | {ref} |\n"
    markdown = (
        "filler\n\n" * 60 + "## ✓ PASS\n\n" + rows + "\n" + rows + "\n" + wide
        + "\n![gone](gone.png)\n"
    )  # fmt: skip
    html_file = tmp_path / "index.html"
    html_file.write_text(page("broken", markdown))
    layout = chromium.layout(html_file)
    problems = checks.all_problems("broken", html_file, layout, fold=("checks",))
    assert "broken: image 'gone.png' is not a file next to the page." in problems
    assert "broken: table 2 repeats table 1." in problems
    assert "broken: the verdict ends at" in " ".join(problems)
    assert "broken: the checks table is missing." in problems
    assert any("table 3 (' | model | image') is wider than the column" in p for p in problems)
