"""Sector look-ups that are not about one group."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models.groups import Sector


def all_sector_names(session: Session) -> list[str]:
    return list(session.exec(select(Sector.name).order_by(col(Sector.name))))
