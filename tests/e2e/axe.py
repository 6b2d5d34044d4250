"""axe-core in a Playwright page: the serious and critical accessibility findings of one state.

    from tests.e2e.axe import assert_accessible
    assert_accessible(page, "home-idle")          # fails naming each rule and element

    findings = axe_findings(page, name="desk-offer")   # the same, as a list to inspect

Both check the page as it is now (the whole document, every rule axe runs by default: WCAG 2.x
A and AA and axe's best practices), so call them once the state to check is on screen. Only
`serious` and `critical` findings count; every finding, minor and moderate included, is saved
as `test-artefacts/axe/<name>.json` for a reviewer.

axe comes from tests/e2e/vendor/axe-core/ (pinned there, never a CDN). The pages' strict
Content-Security-Policy (`script-src 'self'`) refuses an inline script, which is what
`page.add_script_tag` inserts, so the file's source is evaluated through the DevTools protocol
(`page.evaluate`), which no page policy governs. The page under test thus keeps its real
policy: no `bypass_csp` on the context, and a violation of the page's own would still show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
REPORTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "axe"
# axe's impacts, from least to most severe; a test fails on the last two.
COUNTED_IMPACTS = frozenset({"serious", "critical"})

_RUN = """async () => {
  const results = await window.axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((rule) => ({
    id: rule.id, impact: rule.impact, help: rule.help, helpUrl: rule.helpUrl,
    nodes: rule.nodes.map((node) => ({
      impact: node.impact, target: node.target.map(String), html: node.html,
      summary: node.failureSummary || "",
    })),
  }));
}"""


@dataclass(frozen=True)
class Finding:
    """One rule axe found broken on one element."""

    rule: str  # axe's rule id, e.g. "scrollable-region-focusable"
    impact: str  # "serious" or "critical"
    help: str  # axe's one-line description of the rule
    target: str  # a CSS selector of the element
    html: str  # the element's opening markup, as axe quotes it
    summary: str  # what to fix, in axe's words
    help_url: str

    def __str__(self) -> str:
        fix = " ".join(self.summary.split())
        return f"{self.rule} ({self.impact}) on {self.target}: {self.help}. {fix} [{self.html}]"


@cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def axe_findings(page: Page, *, name: str) -> list[Finding]:
    """The page's serious and critical findings now; `name` names the saved report."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    violations: list[dict[str, Any]] = page.evaluate(_RUN)
    REPORTS.mkdir(parents=True, exist_ok=True)
    report = {"url": page.url, "viewport": page.viewport_size, "violations": violations}
    (REPORTS / f"{name}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return [
        Finding(rule=rule["id"], impact=node["impact"] or rule["impact"], help=rule["help"],
                target=" ".join(node["target"]), html=node["html"], summary=node["summary"],
                help_url=rule["helpUrl"])
        for rule in violations for node in rule["nodes"]
        if (node["impact"] or rule["impact"]) in COUNTED_IMPACTS
    ]


def assert_accessible(page: Page, name: str) -> None:
    """Fail with every serious or critical finding of the page now, one a line."""
    findings = axe_findings(page, name=name)
    assert not findings, f"axe, {name} ({page.url}):\n" + "\n".join(map(str, findings))
