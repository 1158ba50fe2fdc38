"""Dispatch throughput: 10,000 pending emails to a local fake SendGrid answering after 20 ms.

    .venv/bin/python -m bench.dispatch [--emails N] [--delay S] [--concurrency C] [--database URL]

Prints what the fake accepted per second, counted by the fake itself (an email refused or
never sent does not count), and the ratio to the ceiling: C connections each waiting the
delay, C / delay requests/s (800/s at 16 x 20 ms). Target: >= 500 accepted/s.
"""

from __future__ import annotations

import argparse
import os
import secrets
import time

from sqlalchemy.orm import sessionmaker

from bench.fake import dispatched
from bench.scratch import scratch
from plumbing.db import make_engine, upgrade
from tests import factories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    # Its own key: a bench signs links like the product, with a key that protects nothing.
    os.environ.setdefault("HUBFLOW_SECRET_KEY", secrets.token_urlsafe(48))
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--delay", type=float, default=0.020)
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--database", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()

    with scratch("hubflow-dispatch-") as tmp:
        url = args.database or f"sqlite:///{tmp / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        sessions = sessionmaker(engine, expire_on_commit=False)
        with sessions() as session:
            factories.pending_emails(session, args.emails, prefix=f"bench-{time.time_ns()}")
        sent = dispatched(sessions, delay=args.delay, concurrency=args.concurrency)
        report, elapsed, stats, concurrency = (
            sent.report,
            sent.elapsed,
            sent.stats,
            sent.concurrency,
        )
        engine.dispose()
    accepted = stats["accepted"]
    print(f"database      {engine.dialect.name}")
    print(f"emails        {args.emails} ({report})")
    print(
        f"accepted      {accepted} at the fake SendGrid, {stats['distinct']} distinct "
        f"(answers after {args.delay * 1000:.0f} ms, in its own process)"
    )
    print(f"concurrency   {concurrency}")
    windows = sorted(report.windows)
    if windows:

        def at(q: float) -> float:
            return windows[min(int(q * len(windows)), len(windows) - 1)] * 1000

        print(
            f"window        SendGrid's answer to its record: p50 {at(0.5):.1f} ms, p95 "
            f"{at(0.95):.1f} ms, max {windows[-1] * 1000:.1f} ms (a kill inside it sends "
            f"those emails, at most {concurrency}, again after the lease)"
        )
    print(f"elapsed       {elapsed:.2f} s")
    ceiling = concurrency / args.delay if args.delay else float("inf")
    print(
        f"throughput    {accepted / elapsed:.0f} accepted/s (target >= 500); ceiling "
        f"{ceiling:.0f}/s ({concurrency} connections x {args.delay * 1000:.0f} ms): "
        f"{accepted / elapsed / ceiling:.2f} of it"
    )


if __name__ == "__main__":
    main()
