"""Agencies (dependencias): the institutions that own action items."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, func, select

from domain.actor import Actor
from domain.errors import Conflict, InvalidInput, NotFound
from storage import audit
from storage.models.members import Agency

CODE_RE = re.compile(r"^[A-Z][A-Z0-9_-]{1,15}$")


def normalize_code(code: str) -> str:
    return code.strip().upper()


def add_agency(session: Session, actor: Actor, *, code: str, name: str, now: datetime) -> Agency:
    code = normalize_code(code)
    if not CODE_RE.match(code):
        raise InvalidInput("error.agency_code", code=code)
    if session.exec(select(Agency).where(Agency.code == code)).first():
        raise Conflict("error.agency_exists", code=code)
    agency = Agency(code=code, name=name.strip()[:120], created_at=now)
    return audit.added(
        session,
        agency,
        by=actor.member_id,
        at=now,
        action="agency.add",
        entity="agency",
        code=code,
        name=agency.name,
    )


def get_agency(session: Session, code: str) -> Agency:
    agency = session.exec(
        select(Agency).where(func.upper(Agency.code) == normalize_code(code))
    ).first()
    if agency is None:
        raise NotFound("error.agency_unknown", code=code)
    return agency


def list_agencies(session: Session) -> list[Agency]:
    return list(session.exec(select(Agency).order_by(Agency.code)))
