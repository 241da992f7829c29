"""The demo's simulation: each lead's journey from its creation to now.

Sources with different volumes and conversion rates, stage paths that skip and stall, amounts
with a long tail, activity histories in which a demo and a meeting really do raise the odds of
winning, follow-ups of which a few are overdue, and a few deliberate data-quality problems for
``funnel check`` to find. All randomness comes from one ``random.Random(seed)``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from funnelcli import dates
from funnelcli.models import FollowUp
from funnelcli.services.demo_data import ENGLISH, SOURCES, World, ascii_name
from funnelcli.services.stages import Pipeline
from funnelcli.store.demo import NewActivity, NewStageChange


class Generator:
    """The simulation. All randomness comes from one ``random.Random(seed)``."""

    def __init__(
        self, pipeline: Pipeline, now: datetime, seed: int, months: int, world: World = ENGLISH
    ) -> None:
        self.rng = random.Random(seed)
        self.w = world
        self.now = now
        self.start = now - timedelta(days=round(months * 30.44))
        self.p = pipeline
        self.open_stages = pipeline.open
        self.leads: list[dict[str, Any]] = []
        self.changes: list[NewStageChange] = []
        self.activities: list[NewActivity] = []
        self.follow_ups: list[FollowUp] = []
        self.created: dict[int, datetime] = {}
        self.current_created = now
        self.used_emails: set[str] = set()
        self.summary_counts = {"won": 0, "lost": 0, "open": 0}
        self.planted = {"duplicate_email": 0, "no_source": 0, "won_without_amount": 0,
                        "opportunity_without_amount": 0, "close_date_passed": 0}  # fmt: skip

    # ------------------------------------------------------------------ helpers

    def stamp(self, moment: datetime) -> str:
        return dates.to_storage(moment)

    def later(self, moment: datetime, low: float, high: float) -> datetime:
        return moment + timedelta(days=self.rng.uniform(low, high))

    def stage(self, index: int):
        """The index-th open stage, clamped to the pipeline's open stages."""
        return self.open_stages[min(index, len(self.open_stages) - 1)]

    def amount(self, frequency: str) -> int:
        mu = {"once": 9.0, "monthly": 6.4, "quarterly": 7.4, "yearly": 8.4}[frequency]
        dollars = self.rng.lognormvariate(mu, 0.85)
        return max(1, round(dollars / 50)) * 50 * 100

    def email(self, first: str, last: str, company: str) -> str:
        """A plausible address, unique unless a duplicate is planted on purpose."""
        base, domain = f"{ascii_name(first)}.{ascii_name(last)}", f"{ascii_name(company)}.ca"
        email, n = f"{base}@{domain}", 1
        while email in self.used_emails:
            n += 1
            email = f"{base}{n}@{domain}"
        self.used_emails.add(email)
        return email

    def log(self, lead_id: int, kind: str, moment: datetime, text: str | None = None,
            follow_up_id: int | None = None) -> None:  # fmt: skip
        if text is None and kind in self.w.notes:
            text = self.rng.choice(self.w.notes[kind])
        stamp = self.stamp(moment)
        self.activities.append(NewActivity(lead_id, kind, text, stamp, stamp, follow_up_id))

    def add_follow_up(self, lead_id: int, text: str, due: str, due_time: str | None,
                      created: datetime, done_at: str | None, snoozes: int) -> int:  # fmt: skip
        follow_up_id = len(self.follow_ups) + 1
        done_note = self.w.done if done_at else None
        self.follow_ups.append(FollowUp(
            follow_up_id, lead_id, text, due, due_time, self.stamp(created), done_at, done_note,
            snoozes,
        ))  # fmt: skip
        return follow_up_id

    # ------------------------------------------------------------------ one lead

    def lead(self, lead_id: int, created: datetime) -> None:
        rng = self.rng
        source = rng.choices(list(SOURCES), weights=[p.weight for p in SOURCES.values()])[0]
        profile = SOURCES[source]
        w = self.w
        first, last = rng.choice(w.first), rng.choice(w.last)
        company = w.company.format(a=rng.choice(w.company_a), b=rng.choice(w.company_b))
        email = self.email(first, last, company) if rng.random() > 0.08 else None
        phone = f"514-555-{rng.randrange(10000):04d}" if rng.random() < 0.7 else None
        if rng.random() < 0.02:  # planted: no source
            source_value = None
            self.planted["no_source"] += 1
        else:
            source_value = w.sources[source]

        stage_index = 0
        t = created
        self.changes.append(
            NewStageChange(lead_id, None, self.stage(0).id, self.stamp(created), None)
        )
        history: list[str] = []
        record: dict[str, Any] = {
            "amount": None, "currency": "CAD", "frequency": None, "price_only": None,
            "decision_maker": None, "contact_decides": None, "needs_approval": None,
            "prerequisites": None, "expected_close": None, "probability": None,
            "closed_at": None, "lost_reason": None, "final": self.stage(0).id,
            "name": f"{first} {last}", "company": company, "email": email, "phone": phone,
            "source": source_value,
        }  # fmt: skip

        def move(to_index: int, moment: datetime, note: str | None = None) -> None:
            nonlocal stage_index
            frm, to = self.stage(stage_index), self.stage(to_index)
            if to.id != frm.id:
                self.changes.append(
                    NewStageChange(lead_id, frm.id, to.id, self.stamp(moment), note)
                )
            stage_index = to_index
            record["final"] = to.id

        def act(kind: str, moment: datetime) -> bool:
            if moment >= self.now:
                return False
            self.log(lead_id, kind, moment)
            history.append(kind)
            return True

        def close(won: bool, moment: datetime, reason: str | None) -> None:
            target = self.p.won if won else self.p.lost
            frm = self.stage(stage_index)
            self.changes.append(
                NewStageChange(lead_id, frm.id, target.id, self.stamp(moment), reason)
            )
            record["final"], record["closed_at"] = target.id, self.stamp(moment)
            record["lost_reason"] = None if won else reason
            self.summary_counts["won" if won else "lost"] += 1

        # 1. first contact
        contacted = rng.random() < profile.contact
        first_touch = self.later(t, 0.05, 3.0)
        if not contacted or first_touch >= self.now:
            gave_up = self.later(t, 12, 40)
            if first_touch < self.now and rng.random() < 0.9 and gave_up < self.now:
                close(False, gave_up, w.no_response)
            self.finish(lead_id, record, created, t)
            return
        t = first_touch
        act(rng.choice(("call", "email", "call")), t)
        skip_to_opportunity = source in ("referral", "partner") and rng.random() < 0.3
        if not skip_to_opportunity:
            move(1, t)

        # 2. qualification
        is_opportunity = skip_to_opportunity or rng.random() < profile.opportunity
        for _ in range(rng.randint(0, 2)):
            t = self.later(t, 1, 8)
            if not act(rng.choice(("call", "email")), t):
                break
        if not is_opportunity:
            if rng.random() < 0.85:
                when = self.later(t, 5, 45)
                if when < self.now:
                    close(False, when, rng.choice(w.lost_early))
            self.finish(lead_id, record, created, t)
            return
        t = self.later(t, 1, 14)
        if t >= self.now:
            self.finish(lead_id, record, created, t)
            return
        opportunity_index = next(i for i, s in enumerate(self.open_stages) if s.is_opportunity)
        move(opportunity_index, t, w.qualified_at_once if skip_to_opportunity else None)
        frequency = rng.choices(("once", "monthly", "yearly", "quarterly"), weights=(70, 20, 7, 3))[
            0
        ]
        record.update(
            frequency=frequency,
            amount=self.amount(frequency),
            currency=rng.choices(("CAD", "USD", "EUR"), weights=(85, 12, 3))[0],
            price_only=rng.choices((True, False, None), weights=(25, 55, 20))[0],
            decision_maker=rng.choice(w.decision_makers),
            contact_decides=rng.random() < 0.4,
            needs_approval=rng.choices((True, False, None), weights=(45, 45, 10))[0],
            prerequisites=rng.choice(w.prerequisites) if rng.random() < 0.5 else None,
            expected_close=(t + timedelta(days=rng.uniform(20, 100))).date().isoformat(),
        )
        had_meeting = rng.random() < 0.65
        had_demo = rng.random() < 0.45
        if had_meeting:
            t = self.later(t, 1, 10)
            had_meeting = act("meeting", t)
        if had_demo:
            t = self.later(t, 1, 10)
            had_demo = act("demo", t)
        index = opportunity_index
        if rng.random() < 0.75 and index + 1 < len(self.open_stages):
            t = self.later(t, 2, 15)
            if act("proposal", t):
                index += 1
                move(index, t)
        if rng.random() < 0.6 and index + 1 < len(self.open_stages):
            t = self.later(t, 3, 20)
            if t < self.now:
                index = len(self.open_stages) - 1
                move(index, t)
                act("call", t)

        # 3. outcome: a demo and a meeting really do raise the odds
        odds = profile.win * (1.9 if had_demo else 1.0) * (1.3 if had_meeting else 0.8)
        odds *= 0.7 if record["price_only"] else 1.0
        when = self.later(t, 4, 45)
        if when < self.now and rng.random() < 0.85:
            won = rng.random() < min(odds, 0.92)
            close(won, when, None if won else rng.choice(w.lost_late))
            if won and rng.random() < 0.02:  # planted: won without amount
                record["amount"] = None
                self.planted["won_without_amount"] += 1
        else:
            if rng.random() < 0.04:  # planted: open opportunity without amount
                record["amount"] = None
                self.planted["opportunity_without_amount"] += 1
            if rng.random() < 0.06:  # planted: expected close already past
                record["expected_close"] = (
                    (self.now - timedelta(days=rng.randint(3, 40))).date().isoformat()
                )
                self.planted["close_date_passed"] += 1
            elif record["expected_close"] <= self.now.date().isoformat():
                record["expected_close"] = (
                    (self.now + timedelta(days=rng.randint(7, 120))).date().isoformat()
                )
            if rng.random() < 0.05:
                record["probability"] = rng.choice((10, 30, 60, 80, 90))
        self.finish(lead_id, record, created, t)

    def finish(
        self, lead_id: int, record: dict[str, Any], created: datetime, last_touch: datetime
    ) -> None:
        rng = self.rng
        is_open = record["closed_at"] is None
        if is_open:
            self.summary_counts["open"] += 1
            check_in = self.now - timedelta(days=rng.uniform(1, 25))
            if rng.random() < 0.6 and check_in > last_touch:  # most open leads are being worked
                self.log(lead_id, rng.choice(("email", "call")), check_in)
                last_touch = check_in
            if rng.random() < 0.95:  # the rest have no next action: check finds them
                self.promise(lead_id, min(last_touch, self.now))
        updated = record["closed_at"] or self.stamp(min(last_touch, self.now))
        self.created[lead_id] = created
        self.leads.append({
            "id": lead_id, "name": record["name"], "company": record["company"],
            "email": record["email"], "phone": record["phone"], "source": record["source"],
            "created_at": self.stamp(created), "updated_at": updated, "stage_id": record["final"],
            "closed_at": record["closed_at"], "lost_reason": record["lost_reason"],
            "amount_cents": record["amount"], "currency": record["currency"],
            "frequency": record["frequency"], "price_only": record["price_only"],
            "decision_maker": record["decision_maker"],
            "contact_decides": record["contact_decides"],
            "needs_approval": record["needs_approval"], "prerequisites": record["prerequisites"],
            "expected_close": record["expected_close"], "probability": record["probability"],
        })  # fmt: skip

    def promise(self, lead_id: int, since: datetime) -> None:
        """The open promise of an open lead: mostly ahead, a few overdue."""
        rng = self.rng
        today = self.now.date()
        if rng.random() < 0.15:
            due = today - timedelta(days=rng.randint(1, 9))  # overdue
        else:
            due = today + timedelta(days=rng.randint(0, 21))
        due_time = rng.choice(("09:30", "11:00", "14:00", "16:30")) if rng.random() < 0.3 else None
        snoozes = rng.choices((0, 1, 2, 3, 4), weights=(78, 13, 6, 2, 1))[0]
        created = max(min(since, self.now - timedelta(hours=1)), self.created_of(lead_id))
        self.add_follow_up(
            lead_id, rng.choice(self.w.promises), due.isoformat(), due_time, created, None, snoozes
        )

    def created_of(self, lead_id: int) -> datetime:
        return self.created.get(lead_id) or self.current_created

    def done_promises(self) -> None:
        """Past promises kept: one in three calls and emails was promised beforehand, and was
        marked done the way ``funnel follow-up done`` does it (with a ``follow-up`` activity)."""
        for done in list(self.activities):
            lead_id, at = done.lead_id, done.at
            if done.type in ("call", "email") and self.rng.random() < 0.33:
                moment = datetime.fromisoformat(at)
                created = max(
                    moment - timedelta(days=self.rng.randint(1, 7)), self.created[lead_id]
                )
                text = self.rng.choice(self.w.promises)
                due = dates.local(moment).date().isoformat()
                follow_up_id = self.add_follow_up(lead_id, text, due, None, created, at, 0)
                self.log(lead_id, "follow-up", moment, f"{text} — {self.w.done}", follow_up_id)

    def plant_duplicates(self, count: int) -> None:
        """A few open leads entered twice (same email): ``funnel check`` must find them."""
        open_ids = {s.id for s in self.open_stages}
        candidates = [lead for lead in self.leads if lead["email"] and lead["stage_id"] in open_ids]
        pairs = min(len(candidates) // 2, max(2, round(count * 0.003)))
        copies = self.rng.sample(candidates[pairs:], pairs)
        for original, duplicate in zip(candidates[:pairs], copies, strict=True):
            duplicate["email"] = original["email"]
        self.planted["duplicate_email"] = pairs

    def run(self, count: int) -> None:
        span = (self.now - timedelta(hours=2) - self.start).total_seconds()
        # volume grows over time: more recent months have more leads
        moments = sorted(
            self.start + timedelta(seconds=span * self.rng.random() ** 0.8) for _ in range(count)
        )
        for lead_id, created in enumerate(moments, start=1):
            self.current_created = created
            self.lead(lead_id, created)
        self.done_promises()
        self.plant_duplicates(count)
