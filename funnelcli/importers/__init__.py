"""CSV machinery for ``funnel import``: pure, streaming and strict. No SQLite, Typer or Rich, and
no file-system I/O: the caller opens the file (or standard input) and hands over a binary stream.

- :mod:`.encoding` and :mod:`.dialect` detect the encoding (UTF-8 with or without BOM, UTF-16/32
  with BOM, UTF-16 without, else charset-normalizer's guess, cp1252 for Western European text)
  and the delimiter (``,`` ``;`` tab ``|``, or Excel's
  ``sep=;`` line); :mod:`.csvfile` reads the records with the line they start on.
- :mod:`.synonyms` and :mod:`.columns` match headers (English and French, case-, accent- and
  punctuation-insensitively) to fields; :mod:`.mapping` reads a ``--mapping`` file.
- :mod:`.cells` parses one cell (cents, emails, yes/no…; :mod:`.currencies` currency names),
  :mod:`.placeholders` what exports write for "no value" (``null``, ``N/A``, a 0 % probability),
  :mod:`.datecolumn` one date column (ISO first, then slashed dates in the column's day/month
  order), :mod:`.stages` stage words.
- :mod:`.leads`, :mod:`.followups` and :mod:`.activities` turn a row into a named record, or a
  list of :class:`~.problems.Problem` for the caller to reject or report.
- :mod:`.summary` is what an import did, for the service to fill and the renderer to show.

Anything that cannot be read is a :class:`~funnelcli.errors.DataError` naming the line.
"""
