"""The last French words (issue 19): counts agree with their number (``1 ligne vide sautée``,
``2 lignes vides sautées``) while English keeps its text byte for byte."""

from __future__ import annotations

FRENCH = {"LANG": "fr_CA.UTF-8"}
HEAD = "Name,Email,Source,Stage\n"


def test_import_counts_agree_with_their_number(funnel, tmp_path):
    funnel("init")
    path = tmp_path / "in.csv"
    path.write_text(HEAD + "Anne Roy,a@x.ca,web,won\n,,,\n,,,\nBob,bad,web,new\nEve,bad,web,new\n")
    rejects = tmp_path / "rejets.csv"
    french = funnel("import", path, "--dry-run", "--rejects", rejects, env=FRENCH)
    assert french.stdout == (
        "essai, rien d'écrit : pistes : 1 ajout, 0 mise à jour, 0 sans changement, 2 refus,"
        " 0 doublon dans le fichier\n"
    )
    assert "2 lignes vides sautées" in french.stderr.splitlines()
    assert "2 lignes invalides seraient mises de côté" in french.stderr.splitlines()
    english = funnel("import", path, "--dry-run", "--rejects", rejects)
    assert english.stdout == (
        "dry run, nothing written: leads: 1 inserted, 0 updated, 0 unchanged, 2 rejected,"
        " 0 duplicates in file\n"
    )
    assert "2 empty row(s) skipped" in english.stderr.splitlines()
    assert "2 invalid row(s) would be set aside" in english.stderr.splitlines()
    assert funnel("list", "--format", "json").stdout.strip() == "[]"  # a dry run writes nothing


def test_stored_codes_are_shown_in_french(funnel):
    now = {"FUNNEL_NOW": "2026-11-29T09:00"}
    funnel("add", "Julie Roy", env=now)
    french = funnel("qualify", "1", "--amount", "500", "--frequency", "monthly", env=FRENCH | now)
    assert french.stdout == "Piste 1 Julie Roy : mis à jour fréquence, montant\n"
    english = funnel(
        "qualify", "1", "--amount", "600", "--frequency", "yearly", "--expected-close",
        "2026-12-15", env=now,
    )  # fmt: skip
    assert english.stdout == "Lead 1 Julie Roy: updated amount, expected close, frequency\n"
    funnel("log", "1", "call", "Premier appel", env=now)
    card = funnel("show", "1", env=FRENCH | now).stdout.splitlines()
    assert "  Fréquence d'achat            annuelle" in card
    assert "  2026-11-29 09:00  appel      log 1: Premier appel" in card
    english_card = funnel("show", "1", env=now).stdout
    assert "yearly" in english_card and "call       log 1: Premier appel" in english_card
    lead = funnel("show", "1", "--format", "json", env=FRENCH | now).stdout
    assert '"frequency": "yearly"' in lead  # the code, in both languages
    dashboard = funnel("report", env=FRENCH | now).stdout
    assert "Ce trimestre 2026-T4" in dashboard and "2026-Q4" not in dashboard
    assert "This quarter 2026-Q4" in funnel("report", env=now).stdout


def test_the_ics_summaries_follow_the_language(funnel, tmp_path):
    now = {"FUNNEL_NOW": "2026-11-29T09:00"}
    funnel("add", "Julie Roy", "--company", "Acme", "--phone", "514-555-0101", env=now)
    funnel("follow-up", "add", "1", "Rappeler Julie", "--due", "2026-12-01", env=now)
    funnel("follow-up", "snooze", "1", "2026-12-02", env=now)
    french, english = tmp_path / "fr.ics", tmp_path / "en.ics"
    funnel("export", "follow-ups", "-f", "ics", "-o", french, env=FRENCH | now)
    funnel("export", "follow-ups", "-f", "ics", "-o", english, env=now)
    from icalendar import Calendar

    (fr,) = Calendar.from_ical(french.read_bytes()).walk("VEVENT")
    (en,) = Calendar.from_ical(english.read_bytes()).walk("VEVENT")
    assert str(fr["SUMMARY"]) == "Julie Roy (Acme) : Rappeler Julie"
    assert str(en["SUMMARY"]) == "Julie Roy (Acme): Rappeler Julie"
    assert str(fr["DESCRIPTION"]) == (
        "Rappeler Julie\n\nPiste 1 : Julie Roy\nAcme\n514-555-0101\nReporté 1×\n\n"
        "Fait ? funnel follow-up done 1"
    )
    assert str(en["DESCRIPTION"]) == (
        "Rappeler Julie\n\nLead 1: Julie Roy\nAcme\n514-555-0101\nSnoozed 1×\n\n"
        "Done? funnel follow-up done 1"
    )
    same = {k: str(v) for k, v in en.items() if k not in ("SUMMARY", "DESCRIPTION")}
    assert {k: str(v) for k, v in fr.items() if k not in ("SUMMARY", "DESCRIPTION")} == same
