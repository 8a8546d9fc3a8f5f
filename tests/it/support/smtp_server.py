"""A real SMTP server for supportlens's delivery tests: aiosmtpd (PyPI) on 127.0.0.1.

    python smtp_server.py serve DIR [--user U --password P]
        Listens on an ephemeral port of 127.0.0.1 and prints it on the first line of stdout.
        Each accepted message is written to DIR as NNN.eml (the bytes received) and
        NNN.json (envelope and the message as Python's email package parses it). A
        recipient listed (one per line) in DIR/refuse.txt is refused with 550, read at
        every RCPT so a test can change it between runs. With --user/--password the
        server requires that login (AUTH PLAIN or LOGIN, without TLS: loopback only).

    python smtp_server.py parse FILE.eml
        Prints the same JSON for a message file (the dry run's outbox).
"""

import asyncio
import email
import email.policy
import hashlib
import json
import os
import sys

from aiosmtpd.smtp import SMTP, AuthResult


def describe(raw: bytes) -> dict:
    """The message as a mail program would show it: headers, bodies, attachments."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    out = {
        "headers": [[k, str(v)] for k, v in msg.items()],
        "subject": str(msg.get("Subject", "")),
        "to": str(msg.get("To", "")),
        "cc": str(msg.get("Cc", "")),
        "message_id": str(msg.get("Message-ID", "")),
        "text": "",
        "html": "",
        "attachments": [],
    }
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        content = part.get_content()
        if isinstance(content, str):
            data = content.encode("utf-8")
        else:
            data = content
        if filename:
            out["attachments"].append(
                {
                    "filename": filename,
                    "content_type": part.get_content_type(),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "text": data.decode("utf-8", "replace"),
                }
            )
        elif part.get_content_type() == "text/plain":
            out["text"] += content
        elif part.get_content_type() == "text/html":
            out["html"] += content
    return out


class Handler:
    def __init__(self, folder: str):
        self.folder = folder
        self.count = 0

    def refused(self) -> set:
        try:
            with open(os.path.join(self.folder, "refuse.txt"), encoding="utf-8") as f:
                return {line.strip().lower() for line in f if line.strip()}
        except FileNotFoundError:
            return set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused():
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, "%03d" % self.count)
        raw = envelope.original_content or envelope.content
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        summary = describe(raw)
        summary["envelope_from"] = envelope.mail_from
        summary["envelope_to"] = list(envelope.rcpt_tos)
        summary["login"] = session.auth_data if isinstance(session.auth_data, str) else None
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(summary, f)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 OK"


def serve(folder: str, user, password) -> None:
    handler = Handler(folder)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, auth_data=auth_data.login.decode() if ok else None)

    def factory():
        if user is None:
            return SMTP(handler, hostname="test.localhost")
        return SMTP(
            handler,
            hostname="test.localhost",
            authenticator=authenticator,
            auth_required=True,
            auth_require_tls=False,
        )

    # aiosmtpd warns about AUTH without TLS; this server only listens on loopback.
    import warnings

    warnings.simplefilter("ignore")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
    print(server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["parse"]:
        with open(args[1], "rb") as f:
            print(json.dumps(describe(f.read())))
        return
    if args[:1] != ["serve"]:
        sys.exit("usage: smtp_server.py serve DIR [--user U --password P] | parse FILE")
    folder = args[1]
    opts = dict(zip(args[2::2], args[3::2]))
    serve(folder, opts.get("--user"), opts.get("--password"))


if __name__ == "__main__":
    main()
