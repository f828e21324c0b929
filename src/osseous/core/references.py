"""The citation type shared by the knowledge tables, scores and rules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Citation:
    """A published source, identified by a short stable id such as ``fisher-2010``."""

    id: str
    text: str
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"id": self.id, "citation": self.text, "doi": self.doi, "pmid": self.pmid,
                "url": self.url}
