"""What follow-up and activity rows share: the lead a row names, found or rejected."""

from __future__ import annotations

from typing import Any

from funnelcli.importers.columns import ColumnMap
from funnelcli.importers.followups import LeadRef
from funnelcli.importers.problems import Problem
from funnelcli.importers.rows import RowParser
from funnelcli.importers.summary import Summary
from funnelcli.services.imports.merge import Merge, MergeSettings
from funnelcli.store.imports import ImportWriter


class LeadFinder:
    """Finds the lead a follow-up or activity row names (bounded cache)."""

    def __init__(self, writer: ImportWriter) -> None:
        self.writer = writer
        self.cache: dict[tuple[str | None, str | None, str | None], int | None] = {}

    def __call__(self, ref: LeadRef) -> int | None:
        key = (ref.external_id, ref.email, ref.ref)
        if key in self.cache:
            return self.cache[key]
        found = self._find(ref)
        if len(self.cache) >= 10_000:
            self.cache.clear()
        self.cache[key] = found
        return found

    def _find(self, ref: LeadRef) -> int | None:
        writer = self.writer
        if ref.external_id or ref.email:
            # A named lead that is not here is an error, never another lead with the same id.
            found = writer.lead_id_by_external_id(ref.external_id) if ref.external_id else None
            if found is None and ref.email:
                found = writer.lead_id_by_email(ref.email)
            return found
        text = (ref.ref or "").strip()
        if text.isdigit() and len(text) < 19 and writer.lead_exists(int(text)):
            return int(text)
        if "@" in text:
            return writer.lead_id_by_email(text.casefold())
        return writer.lead_id_by_external_id(text)


class LeadRowsMerge(Merge):
    """Rows that name a lead: ``Parser`` reads them, ``TABLE`` holds them."""

    Parser: Any
    TABLE = ""

    def __init__(
        self, writer: ImportWriter, summary: Summary, columns: ColumnMap, settings: MergeSettings
    ) -> None:
        super().__init__(writer, summary, settings)
        self.parser = self.Parser(
            columns, now=settings.now, order=settings.order, reread=settings.reread
        )
        self._track(self.TABLE)
        self.find = LeadFinder(writer)

    def lead_of(self, line: int, ref: LeadRef, fields: list[str]) -> int | None:
        """The id of the lead ``ref`` names; None, and the row rejected, when there is none."""
        lead_id = self.find(ref)
        if lead_id is None:
            self.reject(line, fields, [missing_lead(self.parser, line, ref)])
        return lead_id


def missing_lead(parser: RowParser[object], line: int, ref: LeadRef) -> Problem:
    header = None
    for name in ("lead_external_id", "lead_email", "lead", "lead_id"):
        header = parser.header_of(name)
        if header is not None:
            break
    return Problem(line, header, ref.describe(), "no such lead in the database")
