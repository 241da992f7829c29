"""Money: exact integer cents in, formatted text out. Never a binary float.

``parse_amount`` reads what salespeople and spreadsheets write: ``1234.5``, ``1,234.50``,
``1 234,50 $``, ``$1,234.50``, ``1 234,50 €``, ``CAD 1200``, with spaces, non-breaking spaces or
narrow non-breaking spaces as thousands separators. A lone ``.`` before exactly three digits
(``1.005``, ``12.500``) is refused as ambiguous; a lone ``,`` there groups thousands (``1,005``).
"""

import functools
import re
from typing import NamedTuple

from funnelcli.errors import InvalidAmount
from funnelcli.i18n import _, is_french

#: Largest accepted amount: 100 billion in major units (far from SQLite's 64-bit limit).
MAX_CENTS = 100_000_000_000 * 100

#: Active ISO 4217 currency codes: "1200 TTC" (French: tax included) is not a currency.
ISO_4217 = frozenset(
    str.split(
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL "
        "BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP "
        "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR "
        "IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL "
        "LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR "
        "NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD "
        "SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX "
        "USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG"
    )
)
_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "$": None}
_PREFIXED_DOLLARS = {"CA$": "CAD", "C$": "CAD", "US$": "USD", "AU$": "AUD", "A$": "AUD"}


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The blanks that group digits, and a number: compiled when an amount is first read
    (~1 ms at start-up for a command that reads none)."""
    return re.compile(r"[\s\u00a0\u202f\u2009\u2007'’_]"), re.compile(r"^\d[\d.,]*$")


class Money(NamedTuple):
    cents: int
    currency: str | None  # None when the text named no currency (or only "$")


def parse_currency(text: str) -> str:
    """``cad`` -> ``CAD``, ``€`` -> ``EUR``; anything but an ISO 4217 code is refused."""
    code = (text or "").strip().upper()
    symbol = _SYMBOLS.get(code)
    if symbol:
        return symbol
    if code not in ISO_4217:
        raise InvalidAmount(
            _("invalid currency {text!r}: expected an ISO 4217 code like CAD, USD or EUR").format(
                text=text
            )
        )
    return code


def _invalid(text: str, why: str) -> InvalidAmount:
    return InvalidAmount(_("invalid amount {text!r}: {why}").format(text=text, why=why))


def _take_currency(text: str) -> tuple[str, str | None]:
    """Strip currency markers from both ends; return the rest and the currency they name.

    Markers that name two different currencies (``EUR 5 USD``) are refused.
    """
    named: set[str] = set()
    rest = text.strip()
    for _attempt in range(4):  # at most a code and a symbol, on either side
        upper = rest.upper()
        marker = next(
            (m for m in _PREFIXED_DOLLARS if upper.startswith(m) or upper.endswith(m)), None
        )
        if marker is not None:
            named.add(_PREFIXED_DOLLARS[marker])
            rest = rest[len(marker) :] if upper.startswith(marker) else rest[: -len(marker)]
        elif rest[:1] in _SYMBOLS or rest[-1:] in _SYMBOLS:
            symbol = rest[0] if rest[:1] in _SYMBOLS else rest[-1]
            if _SYMBOLS[symbol]:
                named.add(_SYMBOLS[symbol])  # type: ignore[arg-type]
            rest = rest[1:] if rest[:1] == symbol else rest[:-1]
        else:
            head = re.match(r"^([A-Za-z]{3})\s*(.*)$", rest)
            tail = re.match(r"^(.*?)\s*([A-Za-z]{3})$", rest)
            code, remainder = (
                (head[1], head[2]) if head else (tail[2], tail[1]) if tail else ("", "")
            )
            if code.upper() not in ISO_4217:
                break
            named.add(code.upper())
            rest = remainder
        rest = rest.strip()
    if len(named) > 1:
        codes = ", ".join(sorted(named))
        raise _invalid(text, _("it names two currencies ({codes})").format(codes=codes))
    return rest, named.pop() if named else None


def _split_decimal(number: str, original: str) -> tuple[str, str]:
    """Integer and fraction digits of a number written with , and . separators."""
    last_dot, last_comma = number.rfind("."), number.rfind(",")
    decimal: str | None
    if last_dot >= 0 and last_comma >= 0:
        decimal = "." if last_dot > last_comma else ","
    elif last_dot >= 0 or last_comma >= 0:
        sep = "." if last_dot >= 0 else ","
        head, _sep, tail = number.rpartition(sep)
        # One separator followed by exactly three digits is a thousands separator (1,234);
        # anything else is the decimal point (1234,5 / 12.50).
        thousands = number.count(sep) > 1 or (len(tail) == 3 and bool(head.lstrip("0")))
        if thousands and sep == "." and number.count(sep) == 1 and len(head) <= 3:
            # 1.005: a thousand and five in 1.005,00, one and five thousandths in English.
            # Neither reading is safe to guess (0.001, with no thousands reading, is refused
            # for its three decimals).
            raise InvalidAmount(
                _(
                    "ambiguous amount {text!r}: '.' before three digits could group "
                    "thousands or be the decimal point"
                ).format(text=original),
                hint=_(
                    "write {whole} or {head},{tail} for {whole}, or at most two decimals"
                ).format(whole=head + tail, head=head, tail=tail),
            )
        decimal = None if thousands else sep
    else:
        decimal = None
    if decimal is None:
        integer, fraction = number, ""
    else:
        integer, _sep, fraction = number.rpartition(decimal)
        if not fraction.isdigit():
            raise _invalid(original, _("nothing after the decimal separator"))
    groups = re.split(r"[.,]", integer)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise _invalid(original, _("thousands separators in the wrong place"))
    return "".join(groups), fraction


def parse_amount(text: str) -> Money:
    """Parse an amount of money into exact cents (and the currency it names, if any)."""
    original = text
    if not isinstance(text, str) or not text.strip():
        raise _invalid("", _("expected a number like 1234.50 or 1 234,50 $"))
    if len(text) > 64:
        raise InvalidAmount(_("invalid amount {text!r}…: too long").format(text=text[:30]))
    rest, currency = _take_currency(text)
    if rest.startswith(("-", "(", "−")):
        raise _invalid(original, _("amounts cannot be negative"))
    if rest.startswith("+"):
        rest = rest[1:]
    blanks, a_number = _patterns()
    number = blanks.sub("", rest)
    if not a_number.match(number) or not number.isascii():
        raise _invalid(original, _("expected a number like 1234.50, 1,234.50 or 1 234,50 $"))
    integer, fraction = _split_decimal(number, original)
    if len(fraction) > 2:
        if fraction[2:].strip("0"):
            raise _invalid(original, _("more than two decimals (amounts are kept in cents)"))
        fraction = fraction[:2]
    cents = int(integer or "0") * 100 + int(fraction.ljust(2, "0") or "0")
    if cents > MAX_CENTS:
        raise _invalid(original, _("too large"))
    return Money(cents, currency)


def to_decimal(cents: int | None) -> str | None:
    """Cents -> ``"1234.50"`` (the stable machine form for CSV and JSON)."""
    if cents is None:
        return None
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def format_money(cents: int | None, currency: str | None = None) -> str:
    """Cents -> ``"12,000.00 CAD"`` for people (``12 000,00 $`` in French under fr_CA); ``""``
    when there is no amount."""
    if cents is None:
        return ""
    if is_french():  # 1 234,56 $ (fr_CA), 1 234,56 € (fr_FR): Babel, for the locale
        from funnelcli.i18n import french

        return french.money_cents(cents, currency)
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    text = f"{sign}{whole:,}.{part:02d}"
    return f"{text} {currency}" if currency else text
