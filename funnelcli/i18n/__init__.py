"""The language of the interface: English, or French when the user's locale is French.

Decided once from the environment, before the command modules are imported (Typer evaluates
their help strings then): ``FUNNEL_LANG=en|fr`` beats the user's choice saved by
``funnel config language`` (a small file in the app folder, never the database: ``--help``
reads it without opening one), which beats the locale (``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES``, ``LANG``: a value starting with ``fr`` is French). Default English.

The English path is the identity: :func:`_` returns its argument and nothing is loaded (no
catalogue, no Babel). The French catalogue and Babel's formats live in :mod:`.french`,
imported on the first French word.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "fr")
#: The user's settings, in the app folder (``typer.get_app_dir("funnel")``).
SETTINGS_FILE = "settings.toml"
#: The region assumed when French is chosen without a French locale (the method is Québec's).
DEFAULT_FRENCH = "fr_CA"
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_language = "en"
_region = "en"
_selected = False


def locale_name(environ: Any = os.environ) -> str:
    """The first locale the environment names (``fr_CA.UTF-8`` → ``fr_CA``), or ``""``."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "").split(":")[0].strip()
        if value:
            return value.split(".")[0].split("@")[0]
    return ""


def saved_language(app_dir: str | Path | None) -> str | None:
    """The language saved by ``funnel config language`` (None when none is)."""
    if app_dir is None:
        return None
    path = Path(app_dir) / SETTINGS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # no file (the usual case) or unreadable: the locale decides
    import tomllib

    try:
        value = tomllib.loads(text).get("language")
    except tomllib.TOMLDecodeError:
        return None
    return value if value in LANGUAGES else None


def decide(environ: Any = os.environ, app_dir: str | Path | None = None) -> tuple[str, str]:
    """``(language, region)``: ``("fr", "fr_FR")``, ``("en", "en")``…"""
    name = locale_name(environ)
    french_locale = name.lower().startswith("fr")
    forced = environ.get("FUNNEL_LANG", "").strip().lower()
    language = (
        forced
        if forced in LANGUAGES
        else saved_language(app_dir) or ("fr" if french_locale else "en")
    )
    if language == "en":
        return "en", "en"
    return "fr", name if french_locale and "_" in name else DEFAULT_FRENCH


def select(app_dir: str | Path | None = None, environ: Any = os.environ) -> str:
    """Decide the language from the environment and the saved choice; returns it."""
    global _language, _region, _selected
    _language, _region = decide(environ, app_dir)
    _selected = True
    if _language == "fr" or _framework_bound:
        _bind_framework(_language == "fr")  # English again: in one process (the tests)
    return _language


_framework_bound = False


def _bind_framework(french: bool) -> None:
    """Typer's own words from our catalogue in French: the standard gettext's domain is ours.
    The standard gettext takes the language from the locale (``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``): under ``FUNNEL_LANG=fr`` with another locale they stay
    English. Typer has imported gettext already: this costs no import."""
    global _framework_bound
    import gettext

    if french:
        gettext.bindtextdomain("funnel", str(Path(__file__).parent.parent / "locale"))
        gettext.textdomain("funnel")
    elif gettext.textdomain() == "funnel":
        gettext.textdomain("messages")  # the standard default
    _framework_bound = french


def language() -> str:
    if not _selected:
        select()
    return _language


def region() -> str:
    """The Babel locale of the formats: ``fr_CA``, ``fr_FR``… (``en`` in English)."""
    language()
    return _region


def is_french() -> bool:
    return language() == "fr"


def _(message: str) -> str:
    """``message`` in the interface's language (the English text is the catalogue's key)."""
    if language() == "en" or not message:
        return message
    from funnelcli.i18n import french as catalogue

    return catalogue.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if language() == "en":
        return singular if n == 1 else plural
    from funnelcli.i18n import french as catalogue

    return catalogue.ngettext(singular, plural, n)


#: The built-in stages' codes: their names in the database (English, stable for JSON, CSV and
#: scripts), shown in the interface's language unless the user renamed them.
BUILTIN_STAGES = ("new", "contacted", "qualified", "proposal", "negotiation", "won", "lost")


def stage_name(name: str) -> str:
    """A stage's name for people: ``proposition`` for the built-in ``proposal`` in French; a
    renamed or added stage keeps the name the user gave it."""
    if language() == "en" or name not in BUILTIN_STAGES:
        return name
    from funnelcli.i18n import french as catalogue

    return catalogue.stage_names()[name]


def french_stage_names() -> dict[str, str]:
    """``{code: French name}`` of the built-in stages, in either language: a French name is
    accepted as input in English too (like French date words)."""
    from funnelcli.i18n import french as catalogue

    return catalogue.stage_names()


def english_message(call: Any, *args: Any, **kwargs: Any) -> str | None:
    """The message of the error ``call(*args, **kwargs)`` raises, in English (None in English,
    or when it raises none): texts funnel keeps, such as an import's row problems, are English
    in every language. For a failure path: the language is switched while it runs."""
    global _language
    if language() == "en":
        return None
    from funnelcli.errors import FunnelError

    saved, _language = _language, "en"
    try:
        call(*args, **kwargs)
    except FunnelError as exc:
        return exc.message
    finally:
        _language = saved
    return None


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined; :func:`_` translates it later."""
    return message


def thousands(n: int) -> str:
    """A count in a message, grouped: ``1,000,000`` in English, ``1 000 000`` in French."""
    if language() == "en":
        return f"{n:,}"
    from funnelcli.i18n import french as catalogue

    return catalogue.number(n)


def save_language(app_dir: str | Path, value: str) -> str:
    """``funnel config language fr``: the choice saved in the user's settings file."""
    from funnelcli.errors import UsageError, write_error

    chosen = value.strip().lower()
    if chosen not in LANGUAGES:
        raise UsageError(_("unknown language {value!r}: expected en or fr").format(value=value))
    from funnelcli.outfiles import write_file

    folder = Path(app_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        where = _("the folder {path}").format(path=folder)
        raise write_error(exc, where, verb="create") from None
    data = f'language = "{chosen}"\n'.encode()
    write_file(folder / SETTINGS_FILE, data, live_db=None, force=True, what="settings file")
    return chosen


def weekday(moment: Any) -> str:
    """The day's short name: ``Mon`` (``%a``, English whatever the C locale), ``lun.``."""
    if language() == "en":
        return moment.strftime("%a")
    from funnelcli.i18n import french as catalogue

    return catalogue.weekday(moment)


#: The words the CLI framework (Typer) asks the standard gettext for: found in our catalogue
#: once its domain is bound (its vendored click hard-codes the others: ``Usage:``…).
FRAMEWORK_WORDS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
)
