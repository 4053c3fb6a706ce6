"""Markdown → an HTML page that looks like a GitHub PR body: cmark-gfm (GitHub's renderer)
with GitHub's extensions, GitHub-like CSS at GitHub's column width, and a probe script that
writes the page's layout (image loads, element positions, tables) into the DOM, where
`chromium --dump-dom` reads it back (prbodies/chromium.py)."""

from __future__ import annotations

import html

import cmarkgfm
from cmarkgfm.cmark import Options

# GitHub's PR conversation column is ~880 px wide at a 1280 px window; its markdown-body
# styles in short (github-markdown-css's light theme: fonts, tables, code, details).
CSS = """
body { margin: 0; background: #fff; }
.markdown-body { box-sizing: border-box; max-width: 880px; margin: 0 auto; padding: 16px 24px;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial,
  sans-serif; font-size: 14px; line-height: 1.5; color: #1f2328; word-wrap: break-word; }
.markdown-body h1, .markdown-body h2 { border-bottom: 1px solid #d1d9e0b3; padding-bottom: .3em; }
.markdown-body h1 { font-size: 2em; margin: .67em 0; }
.markdown-body h2 { font-size: 1.5em; margin: 24px 0 16px; }
.markdown-body h3 { font-size: 1.25em; margin: 24px 0 16px; }
.markdown-body p, .markdown-body ul, .markdown-body table, .markdown-body details,
.markdown-body pre { margin: 0 0 16px; }
.markdown-body table { border-spacing: 0; border-collapse: collapse; display: block;
  width: max-content; max-width: 100%; overflow: auto; font-variant-numeric: tabular-nums; }
.markdown-body td, .markdown-body th { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body th { font-weight: 600; }
.markdown-body tr:nth-child(2n) { background-color: #f6f8fa; }
.markdown-body code { padding: .2em .4em; font-size: 85%; background: #818b981f;
  border-radius: 6px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; background: #f6f8fa;
  border-radius: 6px; }
.markdown-body pre code { padding: 0; background: transparent; }
.markdown-body img { max-width: 100%; box-sizing: content-box; }
.markdown-body summary { cursor: pointer; }
"""

# Runs after load: what the tests judge, as JSON in <pre id="layout">.
PROBE = """
<script>
window.addEventListener('load', () => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {top: r.top + scrollY, bottom: r.bottom + scrollY, width: r.width}; };
  const visible = (e) => !e.closest('details:not([open])') && e.getClientRects().length > 0;
  const layout = {
    height: document.documentElement.scrollHeight,
    images: [...document.images].map(i => ({src: i.getAttribute('src'),
      loaded: i.complete && i.naturalWidth > 0, visible: visible(i), ...box(i)})),
    headings: [...document.querySelectorAll('h1,h2,h3')].map(h => ({text: h.innerText,
      ...box(h)})),
    tables: [...document.querySelectorAll('table')].map(t => ({visible: visible(t),
      rows: [...t.rows].map(r => [...r.cells].map(c => c.innerText.trim())),
      overflow: t.scrollWidth > t.clientWidth + 1, ...box(t)})),
    codes: [...document.querySelectorAll(':not(pre) > code')].map(c => ({text: c.innerText,
      visible: visible(c), ...box(c)})),
  };
  const out = document.createElement('pre');
  out.id = 'layout';
  out.hidden = true;
  out.textContent = JSON.stringify(layout);
  document.body.appendChild(out);
});
</script>
"""


def to_html(markdown: str) -> str:
    """GitHub-flavoured Markdown as GitHub renders it (raw HTML such as <details> kept)."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def page(title: str, markdown: str) -> str:
    return (
        "<!doctype html>\n<html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n"
        f"<body><article class='markdown-body'>\n{to_html(markdown)}\n</article>{PROBE}"
        "</body></html>\n"
    )
