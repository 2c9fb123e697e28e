"""What personal data looks like in Mexico City's work chats: the privacy guard's detectors.

Each detector reads text already normalised by ``bot.input.privacy.normalise`` (NFKC, no
format characters, no accents, lower case, one space between words), so a phone number
with a zero-width space inside or written in full-width digits is the same string as the
plain one. The detectors are tuned on two sides: what people really type when they mean
to pass a phone, a CURP or an address along (pairs of digits, ``arroba``, ``Cda.``,
``Mz 3 Lt 14``), and what staff legitimately write that looks similar (oficio and folio
numbers, times, counts, cuadrantes, incident and group codes, street names without a house
number used as a place reference, directorates called "Dirección ...").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.input.phones import has_phone

# --- CURP and RFC -------------------------------------------------------------------------

# A birth date YYMMDD, its digits maybe spaced out one by one ("9 2 0 7 1 4").
_S = r"[\s.-]?"
_DATE = rf"\d{_S}\d{_S}(?:0{_S}[1-9]|1{_S}[0-2]){_S}(?:0{_S}[1-9]|[12]{_S}\d|3{_S}[01])"
# A CURP, also without its last two characters (a partial CURP still names one person).
# Its four letters may carry a 0 typed for an O ("M0RA").
_CURP = re.compile(
    rf"\b[a-z0]{{4}}{_S}{_DATE}{_S}[hmx]{_S}[a-z]{{2}}{_S}[a-z]{{3}}"
    rf"(?:{_S}[a-z0-9]{_S}\d)?\b"
)
# A person's RFC: four letters, the birth date, and the three-character homoclave (which a
# separated RFC must carry, or "INC-241103" would read as one).
_RFC = re.compile(rf"\b[a-z]{{4}}(?:{_DATE}(?:[a-z0-9]{{3}})?|[\s-]{_DATE}[\s-]?[a-z0-9]{{3}})\b")


# --- e-mail -------------------------------------------------------------------------------

# Every repetition is bounded: a guard that backtracks for seconds on "a.a.a.a…" would stall
# every chat (an address's user part has at most 64 characters, a domain label 63).
_USER = r"[a-z0-9][\w.+-]{0,63}"
_LABEL = r"[a-z0-9-]{1,63}"
_AT_SPELLED = r"\s*[(\[{]\s*(?:at|arroba)\s*[)\]}]\s*|\s+arroba\s+|\s+at\s+"
_DOT_SPELLED = r"\s*[(\[{]\s*(?:dot|punto)\s*[)\]}]\s*|\s+(?:dot|punto)\s+"
_TLD = r"(?:com|mx|net|org|edu|gob|info|io|es|us)\b"
_PROVIDER = r"(?:gmail|hotmail|outlook|yahoo|live|icloud|prodigy|proton|protonmail|aol)"
_EMAIL_PATTERNS = (
    re.compile(rf"(?<![\w.+-]){_USER}\s?@\s?{_LABEL}(?:\s?\.\s?{_LABEL}){{1,5}}"),
    # An @ with a provider or a domain somewhere after it ("norma.avila@ at gmail.com").
    re.compile(rf"(?<![\w.+-]){_USER}\s?@.{{0,12}}?(?:{_PROVIDER}|\.{_TLD})"),
    # "chucho_1999 en gmail": a user name (with a digit, _ or .) at a provider.
    re.compile(
        rf"(?<![\w.])(?=[a-z][\w.]{{0,40}}[\d_.])[a-z][\w.]{{0,40}}\s+(?:en|de|at|arroba)\s+"
        rf"{_PROVIDER}\b"
    ),
    re.compile(
        rf"(?<![\w.+-]){_USER}(?:{_AT_SPELLED}|@){_LABEL}(?:(?:{_DOT_SPELLED}|\.){_LABEL}){{0,4}}"
        rf"(?:{_DOT_SPELLED}|\.){_TLD}"
    ),
    re.compile(rf"(?<![\w.+-]){_USER}\s*[(\[{{]\s*(?:at|arroba)\s*[)\]}}]\s*{_LABEL}"),
)


# --- street addresses ---------------------------------------------------------------------

_STREET_TYPE = (
    r"(?:calle|c\.|av|av\.|avda\.?|avenida|calz\.?|calzada|cda\.?|cerrada|cjon\.?|callejon|"
    r"prol\.?|prolongacion|priv\.?|privada|blvd\.?|boulevard|bulevar|paseo|periferico|eje|"
    r"circuito|cto\.|retorno|ret\.|andador|and\.|pasaje|pje\.|carretera|carr\.|camino|"
    r"viaducto|diagonal|street|st\.|road)"
)
# Well-known arterial roads of the city, named without a street type ("Insurgentes Sur 1234").
_ARTERIAL = (
    r"(?:insurgentes|reforma|tlalpan|revolucion|universidad|division del norte|ermita|"
    r"ermita iztapalapa|zaragoza|ignacio zaragoza|churubusco|rio churubusco|patriotismo|"
    r"rio mixcoac|mixcoac|eje central|cuauhtemoc|chapultepec|tlahuac|tasquena|taxquena|"
    r"miramontes|canal de miramontes|periferico|circuito interior|viaducto|constituyentes|"
    r"observatorio|vallejo|aztecas|congreso de la union|oceania|aquiles serdan|cuitlahuac|"
    r"montevideo|politecnico|instituto politecnico nacional|acoxpa|gran canal|tulyehualco|"
    r"la viga|rojo gomez|javier rojo gomez|telecomunicaciones|centenario|barranca del muerto|"
    r"altavista|legaria|marina nacional|ejercito nacional|masaryk|san joaquin|rio consulado|"
    r"consulado|vertiz|eduardo molina|pino suarez|izazaga|san antonio abad|canal nacional|"
    r"cafetales|lopez portillo|santa ana|aeropuerto|fray servando|rio san joaquin|"
    r"cuemanco|muyuguarda|prolongacion division del norte|las torres)"
)
_POINT = r"(?:sur|norte|oriente|poniente|ote\.?|pte\.?|nte\.?|centro)"
# Words that cannot be part of a street's name: they end the clause the street is in.
_BREAK = (
    r"(?:y|e|o|con|en|a|al|hasta|entre|hay|por|para|se|sin|que|sobre|desde|frente|altura|"
    r"cerca|esquina|esq|km|kilometro|hacia|rumbo|son|fueron|unos|unas|aprox|tiene|tienen|"
    r"tenia|hubo|habia|quedan|quedaron|faltan|reporta|reportan|registra|registro|cuenta|"
    r"presenta|requiere|necesita|suma|van|llevan|solo|mas|menos|otros|otras)"
)
_NAME_WORD = rf"(?!{_BREAK}\b)[a-z0-9][\w'.]*"
_MARK = r"(?:#\s*|n[o°º]\.?\s*|num\.?\s*|numero\s*|n\.\s*)"
# What can follow a count or a time but never a house number.
_NOT_HOUSE = (
    r"(?!\s*(?:patrullas?|elementos?|unidades?|agentes?|policias?|personas?|victimas?|"
    r"detenid[oa]s?|lesionad[oa]s?|herid[oa]s?|muert[oa]s?|jovenes|hombres|mujeres|horas?|"
    r"hrs?\b|h\b|min|minutos?|dias?|semanas?|meses|mes|anos?|veces|vez|casos?|incidentes?|"
    r"disparos?|casquillos?|armas?|motos?|motocicletas?|vehiculos?|autos?|camionetas?|km|"
    r"metros?|m\b|cuadras?|%|pm\b|am\b|de\s+(?:enero|febrero|marzo|abril|mayo|junio|julio|"
    r"agosto|septiembre|octubre|noviembre|diciembre)|operativos?|recorridos?|vueltas?|"
    r"escuelas?|familias?|volantes|carpetas|oficios|reuniones|mesas|puntos|cuadrantes|"
    r"colonias|sectores|grupos|a\s+\d|y\s+\d|al\s+\d|"
    # ...or any plural noun: "Av. Toluca 3 cámaras", "Calle 10, 2 luminarias fundidas".
    r"(?!bis\b)[a-z]{2,}[aeiou]s\b|[a-z]{2,}(?:les|res|nes|ces|des)\b))"
)
# A house number: digits (and a letter, "45-B") not part of a time, a date or a fraction,
# and not a count ("3 patrullas").
_HOUSE = rf"\d{{1,5}}(?:-?[a-z])?\b(?![\d/:.,]\d){_NOT_HOUSE}"
_NOT_YEAR = r"(?!(?:19|20)\d\d\b)"
_NUMBERED = r"(?:sur|norte|oriente|poniente|ote|pte)\.?\s+\d{1,3}(?:-?[a-z])?\b"
# Words before a number that make it a code, a line or a quadrant, not a house.
_NOT_A_STREET = (
    r"(?!(?:sur|norte|oriente|poniente|ote|pte|cuadrante|cuadrantes|sector|linea|ruta|eje|km|kilometro|grupo|zona|unidad|"
    r"patrulla|calle|avenida|semana|reunion|mesa|modulo|escuela|secundaria|primaria|"
    r"telesecundaria|cetis|cbtis|conalep|prepa|preparatoria|jardin|pilares|faro|base|"
    r"torre|entrada|edificio|nivel|piso|salon|aula|anexo|puerta|caseta|estacion)\b)"
)
_ADDRESS_PATTERNS = (
    # A street type, one to six words of name (at least one with a letter), a house number;
    # a numbered street's own number ("Calle Sur 8-A") is part of its name.
    re.compile(
        rf"\b{_STREET_TYPE}\s+(?!{_POINT}\s+\d)(?=(?:\d+\s+)?[a-z])(?:{_NAME_WORD}\s+){{0,5}}?"
        rf"(?:{_NAME_WORD}[a-z]\s+|{_NAME_WORD}\s+(?=#|n[o°º]\.|num))(?:{_MARK})?{_HOUSE}"
    ),
    re.compile(rf"\b{_STREET_TYPE}\s+(?:{_NAME_WORD}\s+){{1,5}}?{_MARK}\d{{1,5}}\b"),
    # A street, then after a comma its house number ("calle Nogal, número 56").
    re.compile(rf"\b{_STREET_TYPE}\s[^.;,]{{1,50}},\s*(?:numero|num\.|#|n[°º])\s*\d{{1,5}}\b"),
    # An arterial road, maybe a cardinal point, then a house number that is not a year.
    re.compile(rf"\b{_ARTERIAL}\s+(?:{_POINT}\s+)?{_NOT_YEAR}(?:{_MARK})?(?=\d\d){_HOUSE}"),
    # The city's numbered streets and a house number: "Sur 73 no. 210", "Norte 45 1023".
    re.compile(rf"\b{_NUMBERED}\s*,?\s*(?:{_MARK}\d{{1,5}}\b|(?=\d\d){_HOUSE})"),
    # A name and a number placed by its corner or its cross streets.
    re.compile(
        rf"\b{_NOT_A_STREET}[a-z]{{3,}}\s+\d{{1,5}}(?:-?[a-z])?\s*,?\s+(?:casi\s+)?"
        rf"(?:esquina|esq\.|entre\s+(?:calles?\s+)?[a-z]\w*(?:\s+\w+)?\s+y\s)"
    ),
    # A house number and then the flat: "Técnicos y Manuales 18, interior 6".
    re.compile(r"\b[a-z]{3,}\s+\d{1,5}[a-z]?\s*,?\s*(?:int|interior|depto|dpto)\.?\s*\d{1,4}\b"),
    # The number first: "en el número 38 de la calle Jesús Carranza".
    re.compile(rf"(?:\bnumero|\bnum\.|#|\bno\.)\s*\d{{1,5}}\s+(?:de\s+la|del)\s+{_STREET_TYPE}\s"),
    # Irregular settlements and housing estates: manzana and lote, building and flat.
    re.compile(r"\b(?:mz|mza|manz)\.?\s*-?\s*\d{1,4}[a-z]?\b"),
    re.compile(r"\bmanzana\s*\d{1,4}[a-z]?\b"),
    re.compile(r"\blt\.?\s*-?\s*\d{1,4}[a-z]?\b"),
    re.compile(r"\bm\s?-\s?\d{1,4}\s*,?\s*l\s?-\s?\d{1,4}\b"),
    re.compile(
        r"\b(?:edificio|edif\.?|torre)\s+[\w-]{1,15}(?:\s*,?\s+entrada\s+[\w-]{1,3})?\s*,?\s*"
        r"(?:depto|dpto|departamento|int|interior|casa)\.?\s*\d{1,4}\b"
    ),
    re.compile(
        r"\b(?:depto|dpto|departamento|int|interior)\.?\s*\d{1,4}[a-z]?\b[^.;]{0,30}"
        r"\b(?:edificio|edif|torre|mz|manzana|col\.?|colonia)\b"
    ),
    # A house number followed by the colonia or the postal code: "#45 Col. Doctores".
    re.compile(rf"{_MARK}\d{{1,5}}[a-z]?\b[^.;]{{0,40}}\b(?:col\.?|colonia|c\.p\.?|cp)\s"),
    # Someone's domicile or address, announced: "domicilio: Tecolotes 45".
    re.compile(r"\b(?:domicilio|direccion|dir\.)\s*[:=]\s*(?!conocido\b)[a-z0-9#]"),
    re.compile(r"\bdomicilio\b[^.;:]{0,40}?\b\d{1,5}[a-z]?\b(?![/:]\d)" + _NOT_HOUSE),
    re.compile(
        rf"\b(?:direccion|domicilio)\s+(?:en|es|particular\s+en|de\s+la\s+victima\s+en|"
        rf"del\s+joven\s+en)\s+(?:{_NAME_WORD}\s+){{1,5}}?{_MARK}?\d{{1,5}}\b"
    ),
    re.compile(
        rf"\b(?:vive|vivia|viven|habita|reside|radica|domiciliad[oa])\s+en\s+"
        rf"(?:{_NAME_WORD}\s+){{1,5}}?{_MARK}?{_HOUSE}"
    ),
)


# --- nicknames ----------------------------------------------------------------------------

# A quoted "El ..." next to these is the name of a place, an operation or a group.
_PLACES = (
    r"(?:paraje|predio|lugar|zona|punto|sitio|mercado|barrio|tianguis|deportivo|parque|"
    r"plaza|bar|cantina|bodega|taller|puente|pueblo|unidad|conjunto|edificio|escuela|centro|"
    r"grupo|celula|banda|cartel|organizacion|pandilla|faccion|colectivo|programa|proyecto|"
    r"operativo|estrategia|ruta|callejon|calle|cerrada|avenida|colonia|col\.|deportiva|"
    r"rancho|cerro|canal|llano|mina|fraccionamiento|vecindad|campamento|estacion|tienda|"
    r"negocio|local|restaurante|salon|antro|taqueria|hotel|motel|panteon|iglesia|capilla|"
    r"enfrentamiento|conflicto|disputa|pugna|rivalidad|alianza|integrantes|miembros|"
    r"club|equipo|festival|feria|jornada|campana|torneo|evento|mesa|cancha|modulo|"
    r"secundaria|primaria|preparatoria|prepa|kinder|jardin|biblioteca|museo|cine|gimnasio|"
    r"lecheria|farmacia|clinica|hospital|centro de salud|pilares|faro|utopia|sector|"
    r"cuadrante|base|lote|terreno|baldio|paradero|cuartel|modulo|caseta|glorieta|monumento)"
)
_PLACE_BEFORE = re.compile(rf"\b{_PLACES}\b[^.;]{{0,20}}$")
# ... or when what follows says the name is a place's: "'El Hoyo' es como le dicen a la
# cancha", "'El Molino' es el predio".
_PLACE_AFTER = re.compile(
    rf"^\s*,?\s*(?:es|era|fue|son)\s+(?:(?:como|asi)\s+(?:le|les|lo|la)\s+(?:dicen|llaman|"
    rf"conocen)\s+(?:a|al)\s+|(?:el|la|un|una|los|las)\s+)(?:la\s+|el\s+|los\s+|las\s+)?"
    rf"{_PLACES}\b"
)
# Words that introduce a person's nickname wherever they stand.
# Words that, after "le dicen" or "la llaman", start a clause, not a name ("le dicen que
# espere", "la llaman para cada caso").
_NOT_A_NAME = (
    r"(?:a|al|que|para|por|cuando|si|de|del|en|cada|todos|todas|siempre|nada|eso|esto|lo|los|"
    r"las|una|un|mas|despues|luego|ayer|hoy|manana|diario|seguido|tambien|ya|no|varias|"
    r"muchas|pocas)\b"
)
# ... and nouns that, after "identificado como el", describe a role, not a nickname.
_NOT_A_NICK = (
    r"(?:mismo|misma|responsable|probable|presunt[oa]|agresor|agresora|autor|autora|tirador|"
    r"conductor|duen[oa]|propietari[oa]|sujeto|hombre|mujer|joven|lider|jefe|principal|"
    r"unic[oa]|primer[oa]?|segund[oa]|ultim[oa]|menor|mayor|vehiculo|objetivo|lugar|punto)\b"
)
# Words that introduce a person's nickname wherever they stand.
_NICK_WORDS = re.compile(
    r"(?:\balia[sz]\b(?!\s+(?:de|del|para|en)\b)|\bapod(?:o|ad[oa]|an)\b|"
    r"\bsobrenombre\b|\bmote\b|\bpseudonimo\b|\bseudonimo\b|\ba\.?\s?k\.?\s?a\b\.?|"
    # "(a)" as police write an alias ("Juan (a) Pelón"), not as in "hijo (a) de", "trabajador
    # (a) social".
    r"(?<!\w)\(a\)(?=\s*[\"a-z])(?!\s*(?:de|del|y|o|u|a|al|que|en|con|por|para|social|"
    r"sociales|se|su|sus|es|fue|esta|son|responsable|asignad[oa]|encargad[oa]|titular)\b)|"
    rf"\b(?:le|lo|la|les)\s+(?:dicen|decian|apodan|llaman)\b(?!\s+{_NOT_A_NAME})|"
    r"\b(?:el|la)\s+apodad[oa]\b|\bun[a]?\s+tal\b(?!\s+vez)|"
    r"\b(?:masculino|femenino|sujeto|imputado|occiso|lesionado|victima)\s+a\)\s*(?=el\b|la\b)|"
    r"\b(?:el|la)\s+(?:famos[oa]|mentad[oa]|tal)\s+(?=\"))"
    r"\s*[)\]]?\s*[:=]?\s*\"?\s*[a-z]"
)
# Ways of naming that may name a place as well: "conocido como", or a quoted "El ...".
_NAMED_AS = re.compile(
    r"\b(?:(?:(?:mejor\s+)?conocid[oa]s?|(?:lo|la|le|los)\s+conocen)(?:\s+en\s+\w+)?\s+como"
    r"\s*:?\s*\"?\s*(?:el|la)?|identificad[oa]s?(?:\s+en\s+\w+)?\s+como\s+\"?(?:el|la))"
    rf"\s*(?!{_NOT_A_NICK})[a-z]"
)
_QUOTED_NICK = re.compile(r"\"\s*(?:el|la|los|las)\s+[a-z][\w.]*(?:\s+[a-z][\w.]*){0,2}\s*\"")
_EL_QUOTED = re.compile(r"\b(?:el|la)\s+\"\s*[a-z][\w.]*(?:\s+[a-z][\w.]*){0,1}\s*\"")


def has_nickname(text: str) -> bool:
    if _NICK_WORDS.search(text):
        return True
    for pattern in (_NAMED_AS, _QUOTED_NICK, _EL_QUOTED):
        for match in pattern.finditer(text):
            before, after = text[max(0, match.start() - 40) : match.start()], text[match.end() :]
            if not (_PLACE_BEFORE.search(before) or _PLACE_AFTER.search(after)):
                return True
    return False


# --- investigation-file numbers -----------------------------------------------------------

# Words that introduce a case file: carpeta (de investigación, judicial), averiguación
# previa, causa penal, toca, NUC, and their abbreviations.
_CASE = (
    r"(?:carpetas?|c\.\s?i\.|averiguacion(?:\s+previa)?|a\.\s?p\.|causa(?:\s+penal)?|"
    r"c\.?\s?p\.?(?=\s)|toca(?:\s+penal)?|nuc|n\.u\.c\.|expediente\s+penal|cj|amparo|"
    r"juicio(?:\s+de\s+amparo)?)"
)
_FILE_PATTERNS = (
    # Carpeta de investigación: "CI-FIZP/IZP-3/UI-1 C/D/01234/11-2024".
    re.compile(r"\bci\s?-\s?[a-z0-9-]+(?:\s?/\s?[a-z0-9 -]*[a-z0-9]){2,}"),
    # A fiscalía's path: agency / territorial office / unit or shift ("FIZP/IZP-3/UI-1"),
    # however it is separated ("fiztp iztp-1 ui-2", "FIZP-IZP-3-UI-2").
    re.compile(r"\b[a-z0-9-]+/[a-z]{2,6}-?\d*/(?:ui|t)-?\s?\d"),
    re.compile(r"\b[a-z]{3,6}(?:[\s-]?\d+)?[\s/-]+ui[\s-]?\d"),
    # Carpeta judicial and federal averiguación previa: "CJ-ORIENTE/234/2025", "AP/PGR/...".
    re.compile(r"\bcj-[a-z0-9-]+/\d+/\d{2,4}"),
    re.compile(r"\ba\.?p\.?/[a-z]{2,}/"),
    re.compile(r"\b[cs]/d/\d"),
    # A case word, then (within a few words) a number over a year: "causa 567/2024",
    # "la carpeta de su hermano es la 00654/2025" (an oficio's "SSC/1234/2024" is not).
    re.compile(
        rf"\b{_CASE}[^.;]{{0,40}}?(?<![\w/])(?!(?:19|20)\d\d\s?/)\d{{3,6}}\s?/\s?"
        rf"(?:\d{{2,4}}|\d{{2}}-\d{{4}})"
    ),
    re.compile(
        rf"\b{_CASE}\s*(?:no\.?|num\.?|numero|n[°º]\.?|#)?\s*:?\s*"
        r"(?=[a-z0-9/ -]*\d)[a-z0-9-]+(?:\s?/\s?[a-z0-9-]+)+"
    ),
    re.compile(r"\b(?:nuc|n\.u\.c\.)\s*:?\s*\d{6,}"),
)


def _any_of(patterns: tuple[re.Pattern[str], ...]) -> Callable[[str], bool]:
    return lambda text: any(pattern.search(text) for pattern in patterns)


# In this order: the kind named in a refusal is the first that matches.
DETECTORS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("file_number", _any_of(_FILE_PATTERNS)),
    ("curp", _any_of((_CURP, _RFC))),
    ("email", _any_of(_EMAIL_PATTERNS)),
    ("phone", has_phone),
    ("address", _any_of(_ADDRESS_PATTERNS)),
    ("nickname", has_nickname),
)
