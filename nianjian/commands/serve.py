"""`nianjian serve [--db PATH] [--port N]`: browse the database with Datasette on 127.0.0.1,
read-only, with nianjian's metadata, stored queries and the status grid at /-/status."""
from __future__ import annotations

import argparse
import socket
from pathlib import Path

from nianjian.cli import add_db_argument
from nianjian.commands import WORDS
from nianjian.errors import UserError

DEFAULT_PORT = 8001
HOST = "127.0.0.1"


def register(subparsers) -> None:
    parser = subparsers.add_parser("serve")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N")
    add_db_argument(parser)
    parser.set_defaults(func=run)


def _free_port(port: int) -> int:
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            raise UserError.said("port_in_use", host=HOST, port=port) from None
        return probe.getsockname()[1]


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from nianjian.browse.datasette_app import build
    from nianjian.store import Store

    path = Path(args.db)
    if not path.is_file():
        raise UserError.said("no_database", db=path)
    if not 0 <= args.port <= 65535:
        raise UserError.said("not_a_port", port=args.port)
    Store(path).close()            # bring an older database's schema up to date before serving it
    port = _free_port(args.port)
    print(WORDS["serve"]["serving"].format(db=path, base=f"http://{HOST}:{port}"), flush=True)
    uvicorn.run(build(path).app(), host=HOST, port=port, log_level="warning")
    return 0
