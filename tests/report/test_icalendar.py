"""The monitoring calendar (RFC 5545): one all-day VEVENT per open duty, parsed back with the
``icalendar`` package; escaping, folding and line endings checked on the raw octets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest

from osseous.plan.monitoring import monitoring
from osseous.report.icalendar import calendar
from tests.conftest import make_case

AS_OF = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
LATER = datetime(2026, 11, 21, 9, 45, tzinfo=UTC)

#: zoledronic acid and denosumab (no dates: its check is date-unknown), a dental examination
#: long ago (overdue), radium-223 (upcoming) and a creatinine that covers the zoledronic acid
#: dose (done)
CASE: dict[str, Any] = {
    "id": "cal-01",
    "patient": {"age_years": 70, "dental": {"last_exam": "2026-03-01"}},
    "medications": [
        {"drug": "zoledronic-acid", "status": "active", "last_dose": "2026-10-01"},
        {"drug": "denosumab", "status": "active"},
        {"drug": "radium-223", "status": "active", "last_dose": "2026-11-10",
         "doses_given": 2},
    ],
    "labs": [{"analyte": "creatinine", "value": 70, "unit": "umol/L", "date": "2026-10-26"}],
}
#: zoledronic acid with no creatinine since the last dose: overdue; the next dose is "due" soon
#: for pamidronate (3 weeks after 2026-11-05 is 2026-11-26, within 7 days)
OTHER: dict[str, Any] = {
    "id": "cal-02",
    "patient": {"age_years": 60, "dental": {"last_exam": "2026-10-01"}},
    "medications": [
        {"drug": "zoledronic-acid", "status": "active", "last_dose": "2026-09-01"},
        {"drug": "pamidronate", "status": "active", "last_dose": "2026-11-05"},
    ],
}


def _feed(doc: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**monitoring(make_case(doc), AS_OF), **extra}


def _render(feeds: list[dict[str, Any]], *, now: datetime = NOW, name: str = "Monitoring"
            ) -> str:
    return calendar(feeds, name=name, as_of=AS_OF, now=now)


def _events(text: str) -> list[icalendar.Component]:
    cal = icalendar.Calendar.from_ical(text)
    return list(cal.walk("VEVENT"))


def _by_uid(text: str) -> dict[str, icalendar.Component]:
    return {str(e["UID"]): e for e in _events(text)}


def _physical_lines(text: str) -> list[bytes]:
    raw = text.encode()
    assert raw.endswith(b"\r\n")
    # every line break is CRLF: no bare CR or LF anywhere
    assert raw.count(b"\n") == raw.count(b"\r\n") == raw.count(b"\r")
    return raw[:-2].split(b"\r\n")


def _duties(feed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in feed["duties"]}


def test_the_fixture_cases_cover_every_status() -> None:
    statuses = {d["status"] for f in (_feed(CASE), _feed(OTHER)) for d in f["duties"]}
    assert statuses == {"done", "overdue", "date-unknown", "due", "upcoming"}


def test_it_parses_as_a_calendar() -> None:
    text = _render([_feed(CASE)], name="Osseous monitoring")
    cal = icalendar.Calendar.from_ical(text)
    assert cal.name == "VCALENDAR"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//Osseous//Monitoring duties//EN"
    assert str(cal["X-WR-CALNAME"]) == "Osseous monitoring"
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")


def test_one_event_per_open_duty_and_none_for_done_ones() -> None:
    feeds = [_feed(CASE), _feed(OTHER)]
    events = _events(_render(feeds))
    open_duties = [d for f in feeds for d in f["duties"] if d["status"] != "done"]
    done = [d for f in feeds for d in f["duties"] if d["status"] == "done"]
    assert done and len(events) == len(open_duties)
    uids = {str(e["UID"]) for e in events}
    expected = {f"{f['case']}.{d['id']}.{d['due'] or 'undated'}@osseous" for f in feeds
                for d in f["duties"] if d["status"] != "done"}
    assert uids == expected
    assert "cal-01.zoledronic-acid-creatinine.2026-10-29@osseous" not in uids  # done
    summaries = [str(e["SUMMARY"]) for e in events]
    assert "Serum creatinine before the next zoledronic acid dose (cal-01)" not in summaries
    assert ("OVERDUE: Serum creatinine before the next zoledronic acid dose (cal-02)"
            in summaries)


def test_overdue_duties_are_placed_today_with_the_original_due_date() -> None:
    feed = _feed(CASE)
    dental = _duties(feed)["dental-review"]
    assert dental["status"] == "overdue"
    event = _by_uid(_render([feed]))[f"cal-01.dental-review.{dental['due']}@osseous"]
    assert event.decoded("DTSTART") == AS_OF
    assert str(event["SUMMARY"]) == "OVERDUE: Dental review (cal-01)"
    assert f"Was due {dental['due']}." in str(event["DESCRIPTION"])
    assert "van-poznak-2011" in str(event["DESCRIPTION"])


def test_date_unknown_duties_are_placed_today() -> None:
    feed = _feed(CASE)
    assert _duties(feed)["denosumab-calcium"]["status"] == "date-unknown"
    event = _by_uid(_render([feed]))["cal-01.denosumab-calcium.undated@osseous"]
    assert event.decoded("DTSTART") == AS_OF
    assert str(event["SUMMARY"]).startswith("DATE UNKNOWN: Serum calcium")
    assert "not recorded" in str(event["DESCRIPTION"])
    assert "Was due" not in str(event["DESCRIPTION"])


@pytest.mark.parametrize(("doc", "duty_id", "status"), [
    (CASE, "radium-223-anc-platelets-hemoglobin", "upcoming"),
    (OTHER, "pamidronate-creatinine", "due"),
])
def test_future_duties_are_on_their_due_date(doc: dict[str, Any], duty_id: str,
                                             status: str) -> None:
    feed = _feed(doc)
    duty = _duties(feed)[duty_id]
    assert duty["status"] == status
    due = date.fromisoformat(duty["due"])
    assert due > AS_OF
    event = _by_uid(_render([feed]))[f"{doc['id']}.{duty_id}.{duty['due']}@osseous"]
    assert event.decoded("DTSTART") == due
    assert not str(event["SUMMARY"]).startswith(("OVERDUE", "DATE UNKNOWN"))
    assert str(event["SUMMARY"]) == f"{duty['what']} ({doc['id']})"
    assert "Was due" not in str(event["DESCRIPTION"])


def test_events_are_all_day_and_end_the_next_day() -> None:
    text = _render([_feed(CASE), _feed(OTHER)])
    for event in _events(text):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and type(end) is date  # not datetimes: all-day
        assert end == start + timedelta(days=1)
        assert event.decoded("DTSTAMP") == NOW
    assert "DTSTART;VALUE=DATE:" in text and "DTEND;VALUE=DATE:" in text


def test_uids_are_unique_and_stable_across_renders() -> None:
    feeds = [_feed(CASE), _feed(OTHER)]
    first, second = _render(feeds, now=NOW), _render(feeds, now=LATER)
    uids = [str(e["UID"]) for e in _events(first)]
    assert len(uids) == len(set(uids))
    assert uids == [str(e["UID"]) for e in _events(second)]
    assert [e.decoded("DTSTAMP") for e in _events(second)] == [LATER] * len(uids)
    # recomputed from the case, not only re-rendered from the same dicts
    again = [_feed(CASE), _feed(OTHER)]
    assert [str(e["UID"]) for e in _events(_render(again, now=LATER))] == uids


def test_the_label_is_preferred_to_the_case_id() -> None:
    events = _events(_render([_feed(CASE, label="P-17 / cal-01")]))
    assert events and all(str(e["SUMMARY"]).endswith(" (P-17 / cal-01)") for e in events)


def test_special_characters_are_escaped_and_round_trip() -> None:
    label = "Smith, J.; ward 3\nbed 2\r\nback\\slash"
    name = "Clinic; a, b\nc"
    text = _render([_feed(CASE, label=label)], name=name)
    # on the wire: escaped
    assert "Smith\\, J.\\; ward 3\\nbed 2\\nback\\\\slash" in text.replace("\r\n ", "")
    assert "X-WR-CALNAME:Clinic\\; a\\, b\\nc\r\n" in text
    # through the parser (icalendar leaves X- properties as they are on the wire, so only the
    # standard TEXT properties are compared): the original text, CRLF becoming a newline
    cal = icalendar.Calendar.from_ical(text)
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert summaries
    assert all(s.endswith(" (Smith, J.; ward 3\nbed 2\nback\\slash)") for s in summaries)
    # the references, joined with commas, survive as one description
    dental = next(e for e in cal.walk("VEVENT") if "dental-review" in str(e["UID"]))
    assert str(dental["DESCRIPTION"]).endswith("Sources: van-poznak-2011")


def test_a_lesion_id_with_separators_round_trips() -> None:
    lesion = "L1, left; rib"
    doc = {"id": "cal-rt", "lesions": [{"id": lesion, "site": "rib", "prior_radiotherapy": [
        {"dose_gy": 8, "fractions": 1, "date": "2026-10-10"}]}]}
    feed = _feed(doc)
    assert feed["duties"]
    events = _events(_render([feed]))
    assert len(events) == len([d for d in feed["duties"] if d["status"] != "done"])
    for event in events:
        assert str(event["SUMMARY"]).endswith(f"radiotherapy to {lesion} (cal-rt)")


def test_every_physical_line_is_at_most_75_octets_and_ends_with_crlf() -> None:
    long_label = "A very long patient label, " * 8
    text = _render([_feed(CASE, label=long_label), _feed(OTHER)], name="x" * 200)
    lines = _physical_lines(text)
    assert max(len(line) for line in lines) == 75  # something was folded
    assert all(len(line) <= 75 for line in lines)
    ours = [e for e in _events(text) if str(e["UID"]).startswith("cal-01.")]
    assert ours and all(str(e["SUMMARY"]).endswith(f"({long_label})") for e in ours)
    assert str(icalendar.Calendar.from_ical(text)["X-WR-CALNAME"]) == "x" * 200


def _naive_split_cuts_a_character(logical: str) -> bool:
    """Would cutting the line every 75 (then 74) octets split a UTF-8 character?"""
    data, cut = logical.encode(), 75
    while cut < len(data):
        if data[cut] & 0xC0 == 0x80:
            return True
        cut += 74
    return False


@pytest.mark.parametrize("pad", range(4))
def test_non_ascii_is_folded_between_characters(pad: int) -> None:
    """Shifting the text by 0-3 octets puts a naive 75-octet boundary inside a character in
    some of the cases; no physical line may hold part of one."""
    label = "x" * pad + "é" * 120
    name = "y" * pad + "€" * 60  # three octets a character
    text = _render([_feed(CASE, label=label)], name=name)
    lines = _physical_lines(text)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # strict: raises on a split character
    cal = icalendar.Calendar.from_ical(text)
    assert str(cal["X-WR-CALNAME"]) == name  # nothing to escape: compared as it is
    events = list(cal.walk("VEVENT"))
    assert events and all(str(e["SUMMARY"]).endswith(f"({label})") for e in events)


def test_the_folding_fixture_does_reach_a_character_boundary() -> None:
    """For the test above to mean anything, some of its lines must have needed the care."""
    cut = []
    for pad in range(4):
        text = _render([_feed(CASE, label="x" * pad + "é" * 120)],
                       name="y" * pad + "€" * 60)
        logical = text.replace("\r\n ", "").split("\r\n")
        cut += [line for line in logical if _naive_split_cuts_a_character(line)]
    assert any(line.startswith("SUMMARY:") for line in cut)
    assert any(line.startswith("X-WR-CALNAME:") for line in cut)


def test_an_empty_feed_list_is_a_valid_calendar_without_events() -> None:
    text = _render([])
    cal = icalendar.Calendar.from_ical(text)
    assert cal.name == "VCALENDAR"
    assert list(cal.walk("VEVENT")) == []
    assert "BEGIN:VEVENT" not in text
    _physical_lines(text)


def test_a_case_with_nothing_to_monitor_adds_no_events() -> None:
    feed = _feed({"id": "quiet", "patient": {"age_years": 50}})
    assert feed["duties"] == []
    assert _events(_render([feed, _feed(OTHER)])) == _events(_render([_feed(OTHER)]))


def test_a_lone_carriage_return_is_escaped() -> None:
    text = _render([_feed(CASE, label="a\rb")])
    _physical_lines(text)  # no bare CR anywhere
    assert any(str(e["SUMMARY"]).endswith("(a\nb)") for e in _events(text))


def test_the_same_case_twice_gives_one_set_of_events() -> None:
    once, twice = _render([_feed(CASE)]), _render([_feed(CASE), _feed(CASE)])
    assert len(_events(twice)) == len(_events(once))


def test_the_stamp_is_in_utc_whatever_the_clock_zone() -> None:
    from datetime import timezone

    paris = NOW.astimezone(timezone(timedelta(hours=1)))
    assert _render([_feed(CASE)], now=paris) == _render([_feed(CASE)], now=NOW)
