"""Write ``funnelcli/store/new_database.sql``: the schema the steps of ``store/migrations.py``
build, which every new database gets in one go (``store/fresh.py`` says why).

    python scripts/refresh_schema.py          # after adding a step
    python scripts/refresh_schema.py --check  # exit 1 if it is stale (tests/test_migrations.py)
"""

from __future__ import annotations

import sys
from pathlib import Path

# the checkout this script is in, whatever funnelcli is installed
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from funnelcli.store import fresh  # noqa: E402
from funnelcli.store.migrations import SCHEMA_VERSION  # noqa: E402


def main(argv: list[str]) -> int:
    wanted = fresh.render(fresh.build(), SCHEMA_VERSION)
    current = fresh.SCRIPT.read_text(encoding="utf-8") if fresh.SCRIPT.exists() else ""
    if "--check" in argv:
        if current != wanted:
            print(f"{fresh.SCRIPT} is stale: run python scripts/refresh_schema.py")
            return 1
        return 0
    if current != wanted:
        fresh.SCRIPT.write_text(wanted, encoding="utf-8")
        print(f"wrote {fresh.SCRIPT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
