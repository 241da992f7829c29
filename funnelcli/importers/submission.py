"""One web submission's bytes -> its ``(field, value)`` pairs, as the sender named them.

Three shapes, told apart by their first bytes (``--input`` overrides): a JSON object (or JSON
lines, one object a submission), ``application/x-www-form-urlencoded`` (what a browser posts:
UTF-8, ``+`` for spaces; ``urllib.parse``) and an e-mail message (RFC 5322, as form services
send notification mails: the standard library's ``email`` package reads the headers, the
charsets and the multipart body; the body's ``Field: value`` lines are the fields, the
``Reply-To``/``From`` address the sender). Pure: the caller reads the bytes.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from funnelcli.errors import DataError
from funnelcli.i18n import _
from funnelcli.importers.synonyms import field_of

FORMATS = ("json", "form", "email")
#: The largest submission taken (a form is a few hundred bytes; more is abuse).
MAX_BYTES = 64 * 1024

Pairs = list[tuple[str, str]]


class Submission(NamedTuple):
    """One submission: the bytes it is known by (its digest makes it idempotent) and its
    pairs."""

    key: bytes
    pairs: Pairs


#: The first line of a message: a header (``From: …``) or an mbox ``From `` line.
_HEADER = re.compile(rb"^(?:[A-Za-z][A-Za-z0-9-]*:[ \t]|From )")
#: A ``Field: value`` line of a notification mail's body (compiled when a mail comes: a form
#: or JSON submission, the web server's usual case, does not pay for it).
_BODY_FIELD = r"^\s*([^\s:][^:\n]{0,48}?)\s*:(?:\s+(.*)|)$"
#: What ``utf-8-sig`` takes off (decoding with it loads one more codec module at start-up).
_BOM = b"\xef\xbb\xbf"


def detect(raw: bytes) -> str:
    """``json``, ``email`` or ``form``, from the first bytes."""
    start = raw.lstrip(_BOM + b" \t\r\n")
    if start[:1] in (b"{", b"["):
        return "json"
    if _HEADER.match(start):
        return "email"
    return "form"


def parse(raw: bytes, kind: str) -> list[Submission]:
    """The submissions in ``raw`` (several only for JSON lines or a JSON array)."""
    if kind == "email":
        return [Submission(raw, _email(raw))]
    try:
        text = raw.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            _("the submission is not UTF-8 text (byte {byte})").format(byte=exc.start)
        ) from None
    if kind == "json":
        return _json(text, raw)
    from urllib.parse import parse_qsl

    return [Submission(raw, parse_qsl(text.strip(), keep_blank_values=True))]


def _json(text: str, raw: bytes) -> list[Submission]:
    """An object, an array of objects (each known by the whole and its place) or JSON lines
    (each line known by its own bytes)."""
    import json

    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        lines = [line for line in text.splitlines() if line.strip()]
        items = []
        for number, line in enumerate(lines, 1):
            try:
                items.append((line.strip().encode(), json.loads(line)))
            except json.JSONDecodeError as exc:
                raise DataError(
                    _("the submission is not JSON: {reason} (line {number})").format(
                        reason=exc.msg, number=number
                    )
                ) from None
    else:
        if isinstance(whole, list):
            items = [(raw + b"\x00%d" % i, item) for i, item in enumerate(whole)]
        else:
            items = [(raw, whole)]
    if not items or not all(isinstance(item, dict) for _, item in items):
        raise DataError(_("the submission is not a JSON object (nor JSON lines of objects)"))
    return [
        Submission(key, [(str(k), _text(v)) for k, v in item.items() if v is not None])
        for key, item in items
    ]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value if v is not None)
    if isinstance(value, dict):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _email(raw: bytes) -> Pairs:
    from email import policy
    from email.parser import BytesParser

    message: Any = BytesParser(policy=policy.default).parsebytes(raw)
    pairs = _body_fields(_body_text(message))
    sender = _sender(message)
    fields = {field_of("leads", key) for key, _ in pairs}
    if sender is not None:  # the body's fields come first: the sender fills what they lack
        display, address = sender
        if "email" not in fields and address:
            pairs.append(("email", address))
        if not fields & {"name", "first_name", "last_name"} and display:
            pairs.append(("name", display))
    subject = str(message.get("Subject") or "").strip()
    if subject:
        pairs.append(("subject", subject))
    return pairs


def _sender(message: Any) -> tuple[str, str] | None:
    """The visitor: ``Reply-To`` (a form service sends From itself), else ``From``."""
    for header in ("Reply-To", "From"):
        try:
            value = message.get(header)
            addresses = getattr(value, "addresses", ())
        except (ValueError, IndexError):  # a header the parser could not read
            continue
        if addresses:
            return addresses[0].display_name, addresses[0].addr_spec
    return None


def _body_text(message: Any) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        text = str(body.get_content())
    except (LookupError, UnicodeError):  # an unknown charset: its bytes as Latin-1
        text = body.get_payload(decode=True).decode("latin-1")
    if body.get_content_subtype() == "html":
        text = _html_text(text)
    return text


def _html_text(html: str) -> str:
    """The text of an HTML body, a line per block (``<br>``, ``<p>``, ``<tr>``…)."""
    from html.parser import HTMLParser

    parts: list[str] = []

    class Text(HTMLParser):
        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag in ("br", "p", "div", "tr", "li", "h1", "h2", "h3", "table"):
                parts.append("\n")

        def handle_data(self, data: str) -> None:
            parts.append(data)

    reader = Text()
    reader.feed(html)
    reader.close()
    return "".join(parts)


def _body_fields(text: str) -> Pairs:
    """``Field: value`` lines; a line that is no field continues the field above (a message
    over several lines), or is the message when no field came yet."""
    pairs: Pairs = []
    field = re.compile(_BODY_FIELD)
    for line in text.replace("\r\n", "\n").split("\n"):
        found = field.match(line)
        if found:
            pairs.append((found[1].strip(), (found[2] or "").strip()))
        elif pairs:
            key, value = pairs[-1]
            pairs[-1] = (key, f"{value}\n{line.strip()}" if value else line.strip())
        elif line.strip():
            pairs.append(("message", line.strip()))
    return [(key, value.strip()) for key, value in pairs]
