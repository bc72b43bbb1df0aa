"""`homeport serve` with candidate fixes applied from outside (monkeypatched, src/ untouched),
to measure what they would buy. Used only by `run.py --what-if`; never the headline figure.

Both fixes below were measured this way against commit 540e9a2 and have since landed in
`src/homeport/cli/serve.py` (commit 1dc691e); against that code they change nothing. The file
stays as the harness for measuring the next candidate fix the same way.

HP_WHATIF (comma-separated, default "nodelay,uvloop"):
  nodelay  set TCP_NODELAY on the listening socket (Linux copies it to accepted sockets).
           serve.py's `_bind` makes `socket.socket(family, SOCK_STREAM)`, whose proto is 0, so
           asyncio's `_set_nodelay` (which checks proto == IPPROTO_TCP) skips every accepted
           connection: Nagle + the client's delayed ACK then hold each response body ~40 ms
           on a keep-alive connection.
  uvloop   run `server.serve()` on uvloop. serve.py calls `asyncio.run(server.serve(...))`,
           which ignores uvicorn's `loop="uvloop"` (only `Server.run()` applies the loop
           factory), so the server runs on the stdlib selector loop.
  switch   sys.setswitchinterval(0.0005): the event loop waits less for the GIL while a
           worker thread (llama-cpp-python's generation loop) runs Python code.

Usage: python homeport_whatif.py serve --port P --data-dir D --config F
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys

import homeport.cli.serve as serve_mod

FIXES = {f.strip() for f in os.environ.get("HP_WHATIF", "nodelay,uvloop").split(",") if f}

if "nodelay" in FIXES:
    _bind = serve_mod._bind

    def _bind_nodelay(host: str, port: int) -> socket.socket:
        sock = _bind(host, port)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    serve_mod._bind = _bind_nodelay

if "uvloop" in FIXES:
    import uvloop

    class _AsyncioOnUvloop:
        """serve.py's `asyncio` name, with `run` on uvloop."""

        run = staticmethod(uvloop.run)

        def __getattr__(self, name: str) -> object:
            return getattr(asyncio, name)

    serve_mod.asyncio = _AsyncioOnUvloop()  # type: ignore[assignment]

if "switch" in FIXES:
    sys.setswitchinterval(0.0005)

if __name__ == "__main__":
    from homeport.cli.main import cli

    sys.argv[0] = "homeport"
    cli()
