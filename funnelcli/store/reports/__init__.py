"""The SQL of the reports: aggregates computed by SQLite, handed to ``funnelcli.kpis`` as groups.

Everything is grouped in SQL so that a report reads a few thousand rows, not a million. The
queries ride the indexes of the schema: ``leads_created`` (leads created in the period),
``leads_closed_deals`` (deals closed in the period; it covers what the reports read of a
won deal), ``leads_recurring`` (the recurring deals), ``leads_stage_reached`` (open and
won/lost deals), ``leads_expected_close`` (the pipeline), ``stage_changes_lead_stage`` (a
lead's history; it covers the stage too) and ``activities_lead`` (a lead's actions) -- except
where a range holds a large share of the leads: reading it through an index costs a table
lookup per row, and a scan of the whole table is then cheaper (``clauses.is_wide``).
``benchmarks/report.py`` prints every plan and its time.

A lead's **peak** (the ``funnelcli.kpis`` definition) is computed here as the highest rank among the
stages of its history and its current stage, ``lost`` left out, from the stages the lead has
reached as recorded on its row (``leads.reached``, ``clauses.peak_sql``); stage ids and ranks are
integers from the database, written into the SQL as literals so that each query is one plan.
``lead_pass`` computes each lead's peak once for everything a report needs.

Instants are compared as stored UTC strings (``2026-11-29T14:00:00Z``): the caller passes the
UTC bounds of local days (``funnelcli.periods``).

The modules: ``clauses`` (the shared pieces of SQL), ``lead_pass``, ``deals``, ``paths``,
``sources`` (whether a ``--source`` is known), and ``helper`` (a second connection on the same
snapshot, for the work a report runs in parallel).
"""
