"""Lists for coordinators and members: agencies, members with their numbers, the audit log."""

from __future__ import annotations

from bot.views.i18n import Catalog, Safe
from storage.models.audit import AuditLog
from storage.models.members import Agency, Member


def agencies(catalog: Catalog, rows: list[Agency]) -> Safe:
    if not rows:
        return catalog.t("agency.none")
    lines = [catalog.t("agency.list_header")]
    lines += [catalog.t("agency.line", code=a.code, name=a.name) for a in rows]
    return Safe("\n".join(lines))


def members(catalog: Catalog, rows: list[tuple[Member, Agency | None]]) -> Safe:
    """Everyone with a role, with the number ``/miembro baja`` takes."""
    lines = [catalog.t("members.header", count=len(rows))]
    lines += [
        catalog.t(
            "members.line",
            n=member.id,
            name=member.display_name,
            role=catalog.t(f"role.{member.role}"),
            agency=agency.code if agency else "—",
        )
        for member, agency in rows
    ]
    return Safe("\n".join(lines))


def audit(catalog: Catalog, entries: list[tuple[AuditLog, str | None]]) -> Safe:
    """The latest changes: when, who (or the bot itself), what, on which record."""
    lines = [catalog.t("audit.header", count=len(entries))]
    lines += [
        catalog.t(
            "audit.line",
            at=catalog.datetime(entry.at),
            who=name or catalog.t("audit.bot"),
            action=entry.action,
            entity=entry.entity,
            id=entry.entity_id,
        )
        for entry, name in entries
    ]
    return Safe("\n".join(lines))
