"""Every word users may type, in Spanish and English: enumerated values (statuses, roles,
kinds, incident types, risks, meeting kinds), field names, sub-commands (add, list, remove,
start, next, end…), list scopes, export kinds, yes and no.

Words are compared folded (lower case, no accents: ``fold``), so ``víctimas``, ``Víctimas``
and ``victimas`` are one word, and every command that takes "add" takes the same words for
it. What the bot *writes* lives in the message catalog; this is only what it *reads*.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import TypeVar

from domain.errors import InvalidInput
from domain.measures import Duplicate
from domain.terms import ActionKind, IncidentType, MeetingKind, Risk, Role, Status

E = TypeVar("E", bound=StrEnum)


def fold(word: str) -> str:
    """Lower case without accents: the form keys and enumerated values are compared in."""
    decomposed = unicodedata.normalize("NFKD", word.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Statuses as people write them: the button's words with a space ("en curso"), with an
# underscore or run together, Mexican public-administration usage (cumplida, en proceso,
# pendiente) and English. Phrases of several words are matched first (``leading_status``).
STATUS_WORDS: dict[str, Status] = {
    "open": Status.open, "abierta": Status.open, "abierto": Status.open, "abrir": Status.open,
    "pendiente": Status.open, "reabrir": Status.open, "reopen": Status.open,
    "progress": Status.progress, "in_progress": Status.progress, "in progress": Status.progress,
    "en_curso": Status.progress, "en curso": Status.progress, "encurso": Status.progress,
    "curso": Status.progress, "en_proceso": Status.progress, "en proceso": Status.progress,
    "proceso": Status.progress, "en progreso": Status.progress,
    "done": Status.done, "hecha": Status.done, "hecho": Status.done, "cumplida": Status.done,
    "cumplido": Status.done, "terminada": Status.done, "terminado": Status.done,
    "concluida": Status.done, "concluido": Status.done, "lista": Status.done,
    "listo": Status.done, "atendida": Status.done, "atendido": Status.done,
    "blocked": Status.blocked, "bloqueada": Status.blocked, "bloqueado": Status.blocked,
    "detenida": Status.blocked, "detenido": Status.blocked, "atorada": Status.blocked,
    "atorado": Status.blocked,
    "cancelled": Status.cancelled, "canceled": Status.cancelled, "cancelada": Status.cancelled,
    "cancelado": Status.cancelled,
}  # fmt: skip
STATUS_PHRASE_WORDS = max(len(word.split()) for word in STATUS_WORDS)

ROLE_WORDS: dict[str, Role] = {
    "agency": Role.agency, "dependencia": Role.agency, "staff": Role.agency,
    "integrante": Role.agency, "enlace": Role.agency,
    "observer": Role.observer, "observador": Role.observer, "observadora": Role.observer,
    "coordinator": Role.coordinator, "coordinador": Role.coordinator,
    "coordinadora": Role.coordinator,
}  # fmt: skip

INCIDENT_TYPE_WORDS: dict[str, IncidentType] = {
    "homicide": IncidentType.homicide, "homicidio": IncidentType.homicide,
    "hom": IncidentType.homicide, "fatal": IncidentType.homicide,
    "nonfatal": IncidentType.nonfatal, "non-fatal": IncidentType.nonfatal,
    "non_fatal": IncidentType.nonfatal, "lesiones": IncidentType.nonfatal,
    "lesion": IncidentType.nonfatal, "les": IncidentType.nonfatal,
    "herido": IncidentType.nonfatal, "shooting": IncidentType.nonfatal,
}  # fmt: skip

RISK_WORDS: dict[str, Risk] = {
    "low": Risk.low, "bajo": Risk.low, "baja": Risk.low,
    "medium": Risk.medium, "medio": Risk.medium, "media": Risk.medium,
    "high": Risk.high, "alto": Risk.high, "alta": Risk.high,
}  # fmt: skip

KIND_WORDS: dict[str, ActionKind] = {
    "notification": ActionKind.notification, "notificacion": ActionKind.notification,
    "custom_notification": ActionKind.notification, "notificacion_personalizada":
    ActionKind.notification,
    "outreach": ActionKind.outreach, "acercamiento": ActionKind.outreach,
    "mediacion": ActionKind.outreach, "mediation": ActionKind.outreach,
    "hospital": ActionKind.hospital, "hospitalaria": ActionKind.hospital,
    "family_support": ActionKind.family_support, "familia": ActionKind.family_support,
    "apoyo_familia": ActionKind.family_support, "apoyo_familias": ActionKind.family_support,
    "family": ActionKind.family_support,
    "referral": ActionKind.referral, "canalizacion": ActionKind.referral,
    "servicios": ActionKind.referral,
    "enforcement": ActionKind.enforcement, "focalizada": ActionKind.enforcement,
    "operativo": ActionKind.enforcement,
    "investigation": ActionKind.investigation, "investigacion": ActionKind.investigation,
    "other": ActionKind.other, "otra": ActionKind.other, "otro": ActionKind.other,
}  # fmt: skip

MEETING_WORDS: dict[str, MeetingKind] = {
    "review": MeetingKind.review, "revision": MeetingKind.review,
    "shooting_review": MeetingKind.review, "disparos": MeetingKind.review,
    "coordination": MeetingKind.coordination, "coordinacion": MeetingKind.coordination,
    "reunion": MeetingKind.coordination,
}  # fmt: skip

# key=value field names of /incidente and /incidente_editar.
INCIDENT_FIELDS: dict[str, str] = {
    "type": "type", "tipo": "type",
    "date": "date", "fecha": "date", "dia": "date",
    "time": "time", "hora": "time",
    "sector": "sector",
    "place": "place", "lugar": "place", "cuadrante": "place", "colonia": "place",
    "victims": "victims", "victimas": "victims", "fallecidos": "victims", "muertos": "victims",
    "injured": "injured", "lesionados": "injured", "heridos": "injured",
    "group": "group_code", "grupo": "group_code",
    "conflict": "conflict_code", "conflicto": "conflict_code",
    "risk": "risk", "riesgo": "risk",
    "notes": "notes", "notas": "notes", "nota": "notes",
}  # fmt: skip

# key=value options of /accion.
ACTION_FIELDS: dict[str, str] = {
    "kind": "kind", "tipo": "kind", "type": "kind",
    "incident": "incident", "incidente": "incident",
}  # fmt: skip

# ``/editar N fecha=… dependencia=… texto="…" tipo=… estado=abierta motivo="…"``.
EDIT_FIELDS: dict[str, str] = {
    "due": "due", "fecha": "due", "vence": "due", "vencimiento": "due", "plazo": "due",
    "agency": "agency", "dependencia": "agency", "responsable": "agency",
    "text": "text", "texto": "text", "descripcion": "text", "acuerdo": "text",
    "kind": "kind", "tipo": "kind", "type": "kind",
    "status": "status", "estado": "status", "estatus": "status",
    "reason": "reason", "motivo": "reason", "razon": "reason",
}  # fmt: skip


# Sub-commands (``/dependencia alta``, ``/reunion lista``, ``/miembro baja``, ``/revision fin``).
ADD = frozenset({"add", "alta", "agregar", "nueva", "new"})
LIST = frozenset({"list", "lista", "listar", "ls"})
REMOVE = frozenset({"remove", "baja", "borrar", "quitar", "eliminar", "delete"})
START = frozenset({"start", "inicio", "iniciar", "abrir", "open"})
NEXT = frozenset({"next", "siguiente", "sig"})
END = frozenset({"end", "fin", "cerrar", "terminar", "close"})
HELP = frozenset({"ayuda", "help"})

# Yes and no (``/ajustes recordatorios si``), resuming (``/silenciar N no``), skipping a
# question of the guided incident form.
ON = frozenset({"on", "si", "yes", "activar", "activo", "1"})
OFF = frozenset({"off", "no", "desactivar", "0"})
RESUME = OFF | {"reanudar", "resume"}
SKIP = frozenset({"-", "—", "no", "ninguno", "ninguna", "none", "skip", "omitir"})

# ``/ajustes`` keys and the languages the bot speaks.
SETTING_WORDS: dict[str, str] = {
    "idioma": "language", "language": "language", "lang": "language",
    "recordatorios": "reminders", "reminders": "reminders",
}  # fmt: skip
LANGUAGES = frozenset({"es", "en"})

# ``/acciones [mias|vencidas|todas]``: which items (any other word names an agency).
SCOPE_WORDS: dict[str, str] = {
    "all": "all", "todas": "all", "todos": "all",
    "mine": "mine", "mias": "mine", "mias/os": "mine",
    "overdue": "overdue", "vencidas": "overdue", "atrasadas": "overdue",
}  # fmt: skip

# ``/duplicados unir|distintos CÓDIGO``: a coordinator's judgement of a flagged pair.
DUPLICATE_WORDS: dict[str, Duplicate] = {
    "unir": Duplicate.merged, "fusionar": Duplicate.merged, "mismo": Duplicate.merged,
    "merge": Duplicate.merged, "same": Duplicate.merged,
    "distinto": Duplicate.distinct, "distintos": Duplicate.distinct,
    "diferente": Duplicate.distinct, "diferentes": Duplicate.distinct,
    "distinct": Duplicate.distinct, "different": Duplicate.distinct,
}  # fmt: skip

# ``/exportar KIND [FORMAT]``.
EXPORT_WORDS: dict[str, str] = {
    "acciones": "items", "items": "items", "incidentes": "incidents", "incidents": "incidents",
    "avances": "updates", "updates": "updates", "panel": "panel",
}  # fmt: skip
EXPORT_FORMATS = frozenset({"csv", "xlsx"})

# Dates (``bot.input.dates``): words before a weekday ("el viernes", "próximo lunes") and
# phrasings dateparser does not know. Matched in lower case with their accents: the text is
# handed on to dateparser, which reads Spanish with its accents.
DATE_FILLERS = ("el ", "este ", "esta ", "próximo ", "proximo ", "next ", "this ")
DATE_SYNONYMS = {"pasado mañana": "en 2 días", "pasado manana": "en 2 días"}
WEEK_SUFFIXES = ("sem", "seman")  # ``/kpi 8sem``; a trailing s or w is dropped first

# What a leading due date may be made of (``bot.input.dates.leading_date``), compared folded:
# the date is the leading expression only, so a number that belongs to the text stays there.
DAY_WORDS = frozenset({"hoy", "manana", "ayer", "anteayer", "today", "tomorrow", "yesterday"})
WEEKDAY_WORDS = frozenset({
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})  # fmt: skip
MONTH_WORDS = frozenset({
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "setiembre", "octubre", "noviembre", "diciembre", "ene", "feb", "mar", "abr", "may", "jun",
    "jul", "ago", "sep", "sept", "oct", "nov", "dic", "january", "february", "march", "april",
    "june", "july", "august", "september", "october", "november", "december", "jan", "apr",
    "aug", "dec",
})  # fmt: skip
FILLER_WORDS = frozenset({fold(filler) for filler in DATE_FILLERS} | {"proxima"})
IN_WORDS = frozenset({"en", "in"})  # "en 3 días"; "dentro de 3 días" too
UNIT_WORDS = frozenset({"dia", "dias", "semana", "semanas", "day", "days", "week", "weeks"})

# A true value in an imported file's yes/no column (the FGJ file's ``fatal``).
TRUE_WORDS = frozenset({"true", "1", "si", "yes"})


def lookup(words: dict[str, E], word: str, error_key: str) -> E:
    """The value ``word`` names, or ``InvalidInput(error_key)`` quoting what was typed."""
    value = words.get(fold(word))
    if value is None:
        raise InvalidInput(error_key, value=word)
    return value


def leading_status(words: list[str], error_key: str) -> tuple[Status, list[str]]:
    """The status ``words`` start with and the words after it (the note): the longest
    phrase first, so ``en curso llamé`` is "in progress" with the note ``llamé``, not the
    unknown word ``en``. ``InvalidInput(error_key)`` quotes the first word otherwise."""
    for length in range(min(STATUS_PHRASE_WORDS, len(words)), 0, -1):
        status = STATUS_WORDS.get(fold(" ".join(words[:length])))
        if status is not None:
            return status, words[length:]
    raise InvalidInput(error_key, value=words[0] if words else "")
