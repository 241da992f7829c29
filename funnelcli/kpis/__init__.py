"""KPI and forecast math, pure: plain data in, value objects out. Standard library only.

The database aggregates (``funnelcli.store.reports``, rows of :mod:`~funnelcli.kpis.rows`) and
this package does the arithmetic, with exact :class:`~fractions.Fraction` values; rounding
happens once, when a figure is shown (:mod:`~funnelcli.kpis.numbers`). A rate whose
denominator is zero is ``None`` (shown ``—``): nothing here ever divides by zero. Money is
integer cents, always grouped by currency.

Definitions (the SPEC's "KPI definitions", stated once here and in the README):

- **Reached stage X**: the lead is or was at X or at any later *open* stage, or was ever won.
  With the stages ranked in pipeline order (open stages by position, then won), a lead's
  **peak** is the highest rank among the stages it has ever been at, leaving out ``lost``; the
  lead reached X when ``peak >= rank(X)`` (:class:`funnelcli.pipeline.Pipeline`). Skipped
  stages count as reached, a lead moved backwards keeps its peak, a reopened lead keeps what it
  reached before.
- **Lead → opportunity rate**: of the leads created in the period, those that reached the
  opportunity stage (at any time up to now) ÷ all of them.
- **Win rate**: of the opportunities closed in the period (deals whose status is now won or lost,
  closed in the period, that reached the opportunity stage), won ÷ (won + lost). A won deal
  always reached the opportunity stage; a lost one only if its peak did.
- **Average / median won deal size**: the amounts of the deals won in the period, per currency
  (deals won without an amount are counted apart and left out of the mean).
- **Sales cycle**: days from creation to the win, for the deals won in the period.
- **Open opportunities**: open leads whose *current* stage is at or past the opportunity stage:
  count, total amount, weighted amount = Σ amount × probability (the deal's override, else its
  stage's default), per currency.
- **Sales velocity** (per currency C, per day): open opportunities in C × win rate × average won
  deal in C ÷ average sales cycle in days.
- **Forecast** of a month or quarter: (a) Σ amount × probability of the open deals expected to
  close in it (probability: the deal's override, else the empirical rate at which closed deals
  that reached its stage were won, when at least ``forecast.EMPIRICAL_MINIMUM`` closed deals
  reached it, else the stage default); (b) recurring revenue: amount × billing dates in it, for won
  ``monthly``/``quarterly``/``yearly`` deals; (c) the amounts already won in it.

The modules: ``numbers`` (exact ratios, rounding), ``rows`` (what the report queries return),
``funnel`` (leads created and how far they went), ``deals`` (closed and open deals, sources,
cycle, lost reasons), ``forecast``, ``paths`` (which actions win), ``reports`` (the report
objects the services build and the renderer draws).
"""
