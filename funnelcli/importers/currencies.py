"""Currency names as CRMs export them (Dynamics writes ``US Dollar``, a French Dynamics
``Dollar canadien``) -> ISO 4217 codes. Case, accents and blanks are ignored."""

from __future__ import annotations

from funnelcli.text import fold


def _table(text: str) -> dict[str, str]:
    """``CODE: name, name…`` lines -> {folded name: CODE}."""
    table: dict[str, str] = {}
    for line in text.strip().splitlines():
        code, _, names = line.partition(":")
        for name in names.split(","):
            if name.strip():
                table[fold(name)] = code.strip()
    return table


#: English, French, Spanish, German and Portuguese names of the currencies salespeople meet most.
NAMES = _table("""
USD: US Dollar, U.S. Dollar, US Dollars, United States Dollar, American Dollar, Dollar US,
USD: Dollar américain, Dollar des États-Unis, Dólar estadounidense, Dólar americano, US-Dollar
CAD: Canadian Dollar, Canadian Dollars, Dollar canadien, Dólar canadiense, Kanadischer Dollar
EUR: Euro, Euros
GBP: Pound Sterling, British Pound, Pound, Livre sterling, Livre, Libra esterlina,
GBP: Britisches Pfund, Pfund Sterling
CHF: Swiss Franc, Franc suisse, Franco suizo, Schweizer Franken
JPY: Japanese Yen, Yen, Yen japonais
AUD: Australian Dollar, Dollar australien
NZD: New Zealand Dollar, Dollar néo-zélandais
MXN: Mexican Peso, Peso mexicain, Peso mexicano
BRL: Brazilian Real, Real brésilien, Real brasileiro, Real
INR: Indian Rupee, Roupie indienne, Rupee
CNY: Chinese Yuan, Yuan Renminbi, Yuan, Renminbi
SEK: Swedish Krona, Couronne suédoise
NOK: Norwegian Krone, Couronne norvégienne
DKK: Danish Krone, Couronne danoise
ZAR: South African Rand, Rand
SGD: Singapore Dollar
HKD: Hong Kong Dollar
""")


def currency_of_name(text: str) -> str | None:
    """The ISO code of a currency's name, or None."""
    return NAMES.get(fold(text))
