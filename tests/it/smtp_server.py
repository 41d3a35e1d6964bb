"""A real SMTP server for palanca's tests, on aiosmtpd.

Usage: python3 smtp_server.py PORT OUTDIR

Every message accepted is written to OUTDIR as NNN.eml, with the envelope's
recipients in NNN.rcpt. A recipient whose local part starts with "refuse"
is refused with 550, as a real server refuses an unknown mailbox. Prints
"ready" once listening and stops when its standard input closes.
"""

import pathlib
import sys

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, out):
        self.out = pathlib.Path(out)
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("refuse"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = self.out / f"{self.count:03}"
        stem.with_suffix(".eml").write_bytes(envelope.original_content or envelope.content)
        stem.with_suffix(".rcpt").write_text("\n".join(envelope.rcpt_tos))
        return "250 Message accepted"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Handler(out), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
