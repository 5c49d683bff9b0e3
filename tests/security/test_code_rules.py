"""Project invariants checked on the source (SECURITY AZ-03, IO-01)."""

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "guanxi"

SCOPED_MODELS = ("Customer", "Contact", "Interaction", "Need", "CompetitorPresence", "Risk", "Department")
UNSCOPED = re.compile(rf"\b({'|'.join(SCOPED_MODELS)})\.(objects|all_objects)\.(all|filter|get|exclude)\(")


def _python_files(*folders: str):
    for folder in folders:
        yield from (SRC / folder).rglob("*.py")


def test_interfaces_never_query_customer_data_directly():
    offenders = []
    for path in _python_files("web", "api"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if UNSCOPED.search(line):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []


def test_templates_never_mark_user_text_safe():
    offenders = []
    for path in SRC.rglob("templates/**/*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\|\s*safe\b|{%\s*autoescape\s+off", line):
                offenders.append(f"{path.relative_to(SRC)}:{number}")
    assert offenders == []


# The SVG renderers (the relationship map, the charts) escape every piece of user text themselves and
# are the only modules allowed to say so; their tests feed them markup and parse the result.
SAFE_MARKUP_ALLOWLIST = {"customers/relationship_map/svg.py", "web/charts.py"}


def test_python_never_marks_strings_safe_outside_template_tags():
    offenders = []
    for path in SRC.rglob("*.py"):
        if "templatetags" in path.parts or str(path.relative_to(SRC)) in SAFE_MARKUP_ALLOWLIST:
            continue
        if re.search(r"\bmark_safe\(|SafeString\(", path.read_text()):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []
