"""The bodies CI posts, rendered by cmark-gfm and laid out by headless Chromium: the verdict
and the checks on the first screen, no broken image, no table said twice."""

import json

import pytest

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


def test_a_verdict_or_checks_below_the_fold_are_found():
    layout = {
        "headings": [{"text": "Details", "top": 10, "bottom": 40}],
        "tables": [table("checks", [["✓", "RMSE"]], 950, 1200)],
    }
    assert checks.verdict_above_fold("body", layout) == [
        "body: the first heading does not state the verdict.",
        "body: the first table (the checks) ends at 1200 px, below the first 900 px.",
    ]
    layout["headings"][0]["text"] = "✓ PASS: model v2 replaces champion v1"
    layout["tables"][0].update(top=100, bottom=800)
    assert checks.verdict_above_fold("body", layout) == []


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


@pytest.mark.slow
def test_promotion_and_rollback_bodies_are_rendered(chromium_binary, tmp_path):
    for body in bodies.gitops_bodies(tmp_path / "scratch"):
        assert render(body, tmp_path) == [], body.name
        assert (tmp_path / body.name / "fold.png").stat().st_size > 10_000


@pytest.mark.slow
def test_a_broken_page_is_caught_by_the_browser(chromium_binary, tmp_path):
    """Filler pushes the verdict down, an image is missing, a table comes twice."""
    rows = "| slice | rmse |\n|---|--:|\n| Season: winter | 51 |\n| Season: autumn | 32 |\n"
    markdown = "filler\n\n" * 60 + "## ✓ PASS\n\n" + rows + "\n" + rows + "\n![gone](gone.png)\n"
    html_file = tmp_path / "index.html"
    html_file.write_text(page("broken", markdown))
    layout = chromium.layout(html_file)
    problems = checks.all_problems("broken", html_file, layout, checks_first=True)
    assert "broken: image 'gone.png' is not a file next to the page." in problems
    assert "broken: table 2 repeats table 1." in problems
    assert any("below the fold" in p or "below the first 900 px" in p for p in problems)
