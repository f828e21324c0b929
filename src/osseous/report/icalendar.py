"""Monitoring duties as an iCalendar feed (RFC 5545), one all-day event per open duty.

All-day VEVENTs rather than VTODOs because most calendar clients show events and ignore tasks.
Overdue duties and duties with no date are placed on the feed's date (``as_of``) so that they
are seen today rather than lost in the past or dropped; their description says why.
Completed duties are left out: the feed is a list of things still to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

PRODID = "-//Osseous//Monitoring duties//EN"


#: every code point a client may treat as a line break (Unicode 15, 5.8 "Newline
#: Guidelines": CR, LF, VT, FF, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR); each becomes an
#: escaped newline so no text can start a property of its own in the feed
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
#: the other control characters, which RFC 5545 3.3.11 does not allow in TEXT
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


def _escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every
    line break an escaped newline, other control characters dropped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\\\\n", text))


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF and a space (RFC 5545 3.1)."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 character
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines begin with a space
    return "\r\n ".join(parts)


def _event(feed: Mapping[str, Any], duty: Mapping[str, Any], as_of: date,
           stamp: str) -> list[str]:
    due = date.fromisoformat(duty["due"]) if duty.get("due") else None
    status = duty["status"]
    day = as_of if status in ("overdue", "date-unknown") or due is None else due
    prefix = {"overdue": "OVERDUE: ", "date-unknown": "DATE UNKNOWN: "}.get(status, "")
    summary = f"{prefix}{duty['what']} ({feed.get('label') or feed['case']})"
    notes = [duty["reason"] + "."]
    if status == "overdue" and due:
        notes.append(f"Was due {due.isoformat()}.")
    if status == "date-unknown":
        notes.append("The treatment dates needed to schedule this are not recorded.")
    notes.append("Sources: " + ", ".join(duty.get("references", [])))
    return [
        "BEGIN:VEVENT",
        f"UID:{feed['case']}.{duty['id']}.{due.isoformat() if due else 'undated'}@osseous",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
        "SUMMARY:" + _escape(summary),
        "DESCRIPTION:" + _escape(" ".join(notes)),
        "CATEGORIES:" + _escape(duty.get("treatment", "monitoring")),
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar(feeds: Iterable[Mapping[str, Any]], *, name: str, as_of: date,
             now: datetime) -> str:
    """One VCALENDAR from ``osseous.monitoring/1`` documents (each may carry a ``label``)."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "X-WR-CALNAME:" + _escape(name)]
    seen: set[str] = set()
    for feed in feeds:
        for duty in feed["duties"]:
            if duty["status"] == "done":
                continue
            event = _event(feed, duty, as_of, stamp)
            if event[1] not in seen:  # the same case given twice is one set of events
                seen.add(event[1])
                lines.extend(event)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
