"""Chat command handlers, one module per command family, and the table that registers them.

``COMMANDS`` is the single list of commands: English name, Spanish alias, handler and the
catalog key of its one-line help. ``/help`` and Telegram's command menu are derived from it.
``BUTTONS`` routes each kind of button (``bot.chat.buttons``) to its handler.

Every handler is thin: parse what was typed (``bot.input``), pass the ``@command`` guard
(``bot.chat.guard``), make one call into storage or a service (``Request.run``;
ARCHITECTURE.md says when a handler reads first), render the answer (``bot.views``).
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.chat.buttons import Kind, route
from bot.chat.guard import Callback, Where
from domain.terms import Role
from handlers import (
    actions,
    agencies,
    buttons,
    duplicates,
    evaluation,
    groups,
    incident_flow,
    incidents,
    item_edit,
    meetings,
    members,
    notes,
    reminders,
    reports,
    reviews,
    start,
)


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    alias: str
    callback: Callback
    help_key: str
    guests_only: bool = False  # hidden from /help once the user is a member

    @property
    def roles(self) -> frozenset[Role]:
        return self.callback.roles  # type: ignore[attr-defined]  # set by @command

    @property
    def where(self) -> Where:
        """Where the command works (private, group, anywhere): the menus list it there."""
        return self.callback.where  # type: ignore[attr-defined]  # set by @command


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", "inicio", start.start, "help.start"),
    CommandSpec("help", "ayuda", start.help_command, "help.help"),
    CommandSpec("join", "unirse", start.join, "help.join", guests_only=True),
    CommandSpec("setup", "configurar", groups.setup, "help.setup"),
    CommandSpec("agency", "dependencia", agencies.agency, "help.agency"),
    CommandSpec("invite", "invitar", agencies.invite, "help.invite"),
    CommandSpec("action", "accion", actions.create, "help.action"),
    CommandSpec("actions", "acciones", actions.list_items, "help.actions"),
    CommandSpec("update", "avance", actions.update, "help.update"),
    CommandSpec("done", "hecho", actions.done, "help.done"),
    CommandSpec("history", "historial", actions.history, "help.history"),
    CommandSpec("edit", "editar", item_edit.edit, "help.edit"),
    CommandSpec("incident", "incidente", incidents.incident, "help.incident"),
    CommandSpec("incidents", "incidentes", incidents.incidents, "help.incidents"),
    CommandSpec("incident_edit", "incidente_editar", incidents.incident_edit, "help.incident_edit"),
    CommandSpec("duplicates", "duplicados", duplicates.duplicates, "help.duplicates"),
    CommandSpec("review", "revision", reviews.review, "help.review"),
    CommandSpec("present", "presente", reviews.present, "help.present"),
    CommandSpec("decision", "decision", reviews.decision, "help.decision"),
    CommandSpec("meeting", "reunion", meetings.meeting, "help.meeting"),
    CommandSpec("agenda", "agenda", meetings.agenda, "help.agenda"),
    CommandSpec("cancel", "cancelar", incident_flow.cancel, "help.cancel"),
    CommandSpec("mute", "silenciar", reminders.mute, "help.mute"),
    CommandSpec("settings", "ajustes", reminders.settings, "help.settings"),
    CommandSpec("report", "reporte", reports.report, "help.report"),
    CommandSpec("kpi", "indicadores", reports.kpi, "help.kpi"),
    CommandSpec("export", "exportar", reports.export, "help.export"),
    CommandSpec("evaluation", "evaluacion", evaluation.evaluation, "help.evaluation"),
    CommandSpec("members", "integrantes", members.members, "help.members"),
    CommandSpec("member", "miembro", members.member, "help.member"),
    CommandSpec("audit", "auditoria", members.audit, "help.audit"),
)


BUTTONS: tuple[tuple[Kind, Callback], ...] = (
    (Kind.status, buttons.status_button),
    (Kind.pager, actions.list_page),
    (Kind.incident_form, incident_flow.on_button),
    (Kind.snooze, reminders.snooze),
    (Kind.collect, reminders.collect_button),
)


# The update types the handlers below handle: the only ones Telegram is asked to send, so
# nothing else (edits, reactions, polls…) is ever received or stored.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.bot_data["commands"] = COMMANDS  # read by /help
    # New messages only: an edited "/accion …" must not create a second item.
    new_messages = filters.UpdateType.MESSAGE
    for spec in COMMANDS:
        application.add_handler(
            CommandHandler([spec.name, spec.alias], spec.callback, filters=new_messages)
        )
    for kind, callback in BUTTONS:
        application.add_handler(CallbackQueryHandler(callback, pattern=route(kind)))
    application.add_handler(CallbackQueryHandler(buttons.unknown_button))
    application.add_handler(ChatMemberHandler(groups.bot_added, ChatMemberHandler.MY_CHAT_MEMBER))
    # Free-text answers to the guided incident conversation (replies to the bot's prompt).
    application.add_handler(
        MessageHandler(
            new_messages & filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS,
            incident_flow.on_text,
        )
    )
    # Plain text in private chats: a reply to an item's message is a note (``handlers.notes``).
    application.add_handler(
        MessageHandler(
            new_messages & filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE,
            notes.on_text,
        )
    )
    # Last: unknown commands in private chats (in groups they may be meant for another bot).
    application.add_handler(
        MessageHandler(
            new_messages & filters.COMMAND & filters.ChatType.PRIVATE, start.unknown_command
        )
    )
