"""The JUnit writer's own text for test cases is what ElementTree writes for the same tree.

`junit._suite_element` serialises the suite's head with ElementTree and its cases itself
(a fleet suite has 40,000 of them); the reference below is the whole suite through
`ET.indent` and `ET.tostring`, as the writer did before.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from iac_gen.report import junit

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30).map(junit._x)
AWKWARD = st.sampled_from(["", "a&b", "<x>", '"q"', "line\nbreak", "tab\there", "cr\rlf", " "])
VALUES = st.one_of(TEXT, AWKWARD)


def _reference(index: int, suite: junit._Suite) -> str:
    element = ET.Element("testsuite", {"name": junit._x(suite.name), "id": str(index)})
    props = ET.SubElement(element, "properties")
    for key, value in suite.properties.items():
        ET.SubElement(props, "property", {"name": junit._x(key), "value": junit._x(value)})
    element.extend(suite.cases)
    ET.SubElement(element, "system-out")
    ET.SubElement(element, "system-err")
    ET.indent(element, space="  ", level=1)
    return ET.tostring(element, encoding="unicode")


CASE = st.tuples(
    VALUES,  # name
    VALUES,  # classname
    st.one_of(st.none(), VALUES),  # file
    st.one_of(st.none(), st.integers(-1, 99)),  # line
    st.sampled_from(["pass", "fail", "error", "skip"]),
    VALUES,  # message
    VALUES,  # text
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(CASE, max_size=6),
    st.dictionaries(VALUES, VALUES, max_size=3),
)
def test_cases_are_written_as_elementtree_writes_them(cases: list, properties: dict) -> None:
    suite = junit._Suite("suite & <co>", properties)
    for name, classname, file, line, outcome, message, text in cases:
        case = suite.case(name, classname, file, line)
        if outcome == "fail":
            suite.fail(case, message, "DRIFT-X", text)
        elif outcome == "error":
            suite.error(case, message, "not_checked", text)
        elif outcome == "skip":
            suite.skip(case, message)
    ours = junit._suite_element(3, suite, "iac-gen drift", "2026-01-01T00:00:00", "h")
    theirs = _reference(3, suite)
    # the head differs only by the attributes the reference leaves out
    assert ours[ours.index("<properties") :] == theirs[theirs.index("<properties") :]
