"""`nianjian demo-portal`: serve the bundled demo portal on 127.0.0.1 until interrupted."""
from __future__ import annotations

import argparse
import errno
import json
import sys
import threading
from pathlib import Path

from nianjian.cli import add_db_argument
from nianjian.commands import WORDS
from nianjian.errors import UserError


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo-portal")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--round", type=int, choices=(1, 2), default=None)
    add_db_argument(parser)
    parser.add_argument("--slow-delay", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--sources-out", metavar="FILE")
    parser.add_argument("--manifest-out", metavar="FILE")
    parser.add_argument("--verbose", action="store_true")
    parser.set_defaults(func=run)


def start_portal(*, port: int, round: int, slow_delay: float | None, verbose: bool = False):
    """Start the portal or raise UserError saying why not (bad port, port in use, bad delay)."""
    from nianjian.demo_portal import DEFAULT_SLOW_DELAY, DemoPortal
    from nianjian.demo_portal.server import MAX_SLOW_DELAY

    if not 0 <= port <= 65535:
        raise UserError.said("not_a_port", port=port)
    slow_delay = DEFAULT_SLOW_DELAY if slow_delay is None else slow_delay
    if not 0 <= slow_delay <= MAX_SLOW_DELAY:
        raise UserError.said("slow_delay", delay=slow_delay, most=MAX_SLOW_DELAY)
    try:
        portal = DemoPortal(port=port, round=round, verbose=verbose, slow_delay=slow_delay)
        portal.start()
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UserError.said("port_in_use", host="127.0.0.1", port=port) from None
        raise UserError.said("cannot_serve", host="127.0.0.1", port=port,
                             error=error.strerror or error) from None
    return portal


def start_portal_preferring(port: int | None, *, round: int, slow_delay: float | None,
                            verbose: bool = False):
    """The portal on `port` (the previous demo run's, so URLs stay the same) when it is free,
    else on any free port."""
    if port:
        try:
            return start_portal(port=port, round=round, slow_delay=slow_delay, verbose=verbose)
        except UserError:
            pass
    return start_portal(port=0, round=round, slow_delay=slow_delay, verbose=verbose)


def _write(path: str, text: str) -> None:
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, "utf-8")
    except OSError as error:
        raise UserError.said("cannot_write", path=path, error=error.strerror or error) from None


def run(args: argparse.Namespace) -> int:
    from nianjian.demo_portal import manifest, sources_for
    from nianjian.demo_portal.state import previous_state

    # The database only suggests defaults: one that is not the demo's is simply ignored.
    state = previous_state(Path(args.db), strict=False)
    round_ = args.round or (2 if state.cycles else 1)
    if args.port is not None:
        portal = start_portal(port=args.port, round=round_, slow_delay=args.slow_delay, verbose=args.verbose)
    else:
        portal = start_portal_preferring(state.port, round=round_, slow_delay=args.slow_delay,
                                         verbose=args.verbose)
    try:
        base = portal.base_url
        if args.sources_out:
            _write(args.sources_out, sources_for(base))
        if args.manifest_out:
            _write(args.manifest_out, json.dumps(manifest(base, round_).to_dict(), ensure_ascii=False,
                                                 indent=2))
        words = WORDS["demo_portal"]
        print(words["serving"].format(round=round_, base=base), flush=True)    # the address last: scripts read it
        print(words["home"].format(base=base), flush=True)
        if args.sources_out:
            print(words["sources"].format(file=args.sources_out), flush=True)
        print(words["stop"], file=sys.stderr, flush=True)
        threading.Event().wait()
    finally:
        portal.stop()
    return 0
