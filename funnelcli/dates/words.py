"""The words and patterns of human dates, in English and French."""

WEEKDAYS = {
    "monday": 0, "mon": 0, "lundi": 0, "lun": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "mardi": 1, "mar": 1,
    "wednesday": 2, "wed": 2, "mercredi": 2, "mer": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "jeudi": 3, "jeu": 3,
    "friday": 4, "fri": 4, "vendredi": 4, "ven": 4,
    "saturday": 5, "sat": 5, "samedi": 5, "sam": 5,
    "sunday": 6, "sun": 6, "dimanche": 6, "dim": 6,
}  # fmt: skip

MONTHS = {
    "jan": 1, "january": 1, "janvier": 1, "janv": 1,
    "feb": 2, "february": 2, "fevrier": 2, "fev": 2, "fevr": 2,
    "mar": 3, "march": 3, "mars": 3,
    "apr": 4, "april": 4, "avril": 4, "avr": 4,
    "may": 5, "mai": 5,
    "jun": 6, "june": 6, "juin": 6,
    "jul": 7, "july": 7, "juillet": 7, "juil": 7,
    "aug": 8, "august": 8, "aout": 8,
    "sep": 9, "sept": 9, "september": 9, "septembre": 9,
    "oct": 10, "october": 10, "octobre": 10,
    "nov": 11, "november": 11, "novembre": 11,
    "dec": 12, "december": 12, "decembre": 12,
}  # fmt: skip

UNITS = {
    "d": "days", "day": "days", "days": "days", "j": "days", "jour": "days", "jours": "days",
    "w": "weeks", "week": "weeks", "weeks": "weeks", "s": "weeks", "sem": "weeks",
    "semaine": "weeks", "semaines": "weeks",
    "m": "months", "month": "months", "months": "months", "mois": "months",
    "y": "years", "year": "years", "years": "years", "an": "years", "ans": "years",
    "h": "hours", "hour": "hours", "hours": "hours", "heure": "hours", "heures": "hours",
}  # fmt: skip

KEYWORDS = {
    "today": 0, "aujourd'hui": 0, "aujourdhui": 0,
    "tomorrow": 1, "demain": 1,
    "apres-demain": 2, "apres demain": 2,
    "yesterday": -1, "hier": -1,
}  # fmt: skip

#: Days named by their place in a week or a month (see ``human._period_day``).
PERIOD_WORDS = {
    "next week": "next-week",
    "eow": "end-of-week", "end of week": "end-of-week", "end of the week": "end-of-week",
    "eom": "end-of-month", "end of month": "end-of-month", "end of the month": "end-of-month",
    "la semaine prochaine": "next-week", "semaine prochaine": "next-week",
    "fin de semaine": "end-of-week", "fin de la semaine": "end-of-week",
    "fin du mois": "end-of-month", "fin de mois": "end-of-month",
}  # fmt: skip

# Patterns as strings: ``re`` compiles each on first use and caches it, so a command that
# parses no date pays nothing for them at start-up.
TIME_RE = (
    r"^(?P<rest>.*?)\s*(?:\bat\s+|\ba\s+)?"
    r"(?P<h>\d{1,2})(?:(?P<sep>[:h])(?P<m>\d{2})?)?\s*(?P<ampm>am|pm)?$"
)
NOON_RE = r"\b(?:(?:at|a)\s+)?(?:noon|midi)$"
RELATIVE_RE = r"^(?P<sign>[+-])\s*(?P<n>\d{1,4})\s*(?P<unit>[a-z]+)$"
IN_RE = r"^(?:in|dans)\s+(?P<n>\d{1,4})\s*(?P<unit>[a-z]+)$"
AGO_RE = (
    r"^(?:(?P<n>\d{1,4})\s*(?P<unit>[a-z]+)\s+ago|il y a\s+(?P<n2>\d{1,4})\s*(?P<unit2>[a-z]+))$"
)
WEEKDAY_RE = (
    r"^(?:(?P<which>next|this|last|prochain|dernier)\s+)?(?P<day>[a-z]+)\.?"
    r"(?:\s+(?P<after>prochain|dernier))?$"
)
NUMERIC_RE = r"^(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})(?:[/.\-](?P<c>\d{2,4}))?$"
DAY_MONTH_RE = r"^(?P<d>\d{1,2})(?:er|st|nd|rd|th)?\s+(?P<mon>[a-z]+)\.?,?(?:\s+(?P<y>\d{4}))?$"
MONTH_DAY_RE = r"^(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(?P<y>\d{4}))?$"
