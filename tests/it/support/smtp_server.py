"""A real SMTP server for supportlens's delivery tests: aiosmtpd (PyPI) on 127.0.0.1.

    python smtp_server.py serve DIR [--user U --password P] [--tls starttls|implicit
                                    --cert PEM --key PEM] [--size N] [--smtputf8 on]
        Listens on an ephemeral port of 127.0.0.1 and prints it on the first line of stdout.
        Each accepted message is written to DIR as NNN.eml (the bytes received) and
        NNN.json (envelope and the message as Python's email package parses it). A
        recipient listed (one per line) in DIR/refuse.txt is refused with 550, read at
        every RCPT so a test can change it between runs. When DIR/accept.txt holds a
        number N, every message after the first N taken is answered 451 at DATA (a
        server that stops taking mail mid-run). Every login tried is appended
        to DIR/logins.txt (the user name only). With --user/--password the
        server requires that login (AUTH PLAIN or LOGIN; without --tls it is taken in the
        clear: loopback only). With --tls starttls the server offers STARTTLS and takes no
        mail and no login before it; with --tls implicit it speaks TLS from the first byte
        (SMTPS). Each message's JSON then says whether it came over TLS ("tls"). --size N
        advertises SIZE N and refuses a bigger message with 552; --smtputf8 on offers
        SMTPUTF8 (off by default, as many servers have it). A line "451 ADDRESS" in
        refuse.txt refuses that recipient with 451 (a transient failure) instead.

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


def defects(raw: bytes) -> list:
    """What Python's strict parser finds wrong with the message, in every part."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.strict)
        found = []
        for part in msg.walk():
            found += [repr(d) for d in part.defects]
            for _, value in part.items():
                found += [repr(d) for d in getattr(value, "defects", ())]
            if not part.is_multipart():
                part.get_content()
        return found
    except Exception as e:  # the strict policy raises on the first defect
        return [repr(e)]


def describe(raw: bytes) -> dict:
    """The message as a mail program would show it: headers, bodies, attachments; with
    the defects the strict parser finds and the longest line in octets."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    out = {
        "defects": defects(raw),
        "longest_line": max(len(line) for line in raw.split(b"\r\n")),
        "date": str(msg.get("Date", "")),
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
    def __init__(self, folder: str, implicit_tls: bool):
        self.folder = folder
        self.count = 0
        self.implicit_tls = implicit_tls

    def refused(self) -> dict:
        """Each refused address and the code it gets."""
        try:
            with open(os.path.join(self.folder, "refuse.txt"), encoding="utf-8") as f:
                lines = [line.split() for line in f if line.strip()]
        except FileNotFoundError:
            return {}
        return {w[-1].lower(): (w[0] if len(w) > 1 else "550") for w in lines}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.refused().get(address.lower())
        if code == "451":
            return "451 4.2.0 mailbox busy, try again later"
        if code is not None:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def limit(self):
        try:
            with open(os.path.join(self.folder, "accept.txt"), encoding="utf-8") as f:
                return int(f.read().strip())
        except FileNotFoundError:
            return None

    async def handle_DATA(self, server, session, envelope):
        limit = self.limit()
        if limit is not None and self.count >= limit:
            return "451 4.3.0 not now, try again later"
        self.count += 1
        base = os.path.join(self.folder, "%03d" % self.count)
        raw = envelope.original_content or envelope.content
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        summary = describe(raw)
        summary["envelope_from"] = envelope.mail_from
        summary["envelope_to"] = list(envelope.rcpt_tos)
        summary["login"] = session.auth_data if isinstance(session.auth_data, str) else None
        # SMTPS is TLS from the first byte; after STARTTLS the session holds its TLS state.
        summary["tls"] = self.implicit_tls or session.ssl is not None
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(summary, f)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 OK"


def serve(folder: str, user, password, tls=None, cert=None, key=None, size=None, utf8=False):
    handler = Handler(folder, tls == "implicit")
    context = None
    if tls is not None:
        import ssl

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
    # STARTTLS is offered (and required) only on a plain connection.
    starttls = dict(tls_context=context, require_starttls=True) if tls == "starttls" else {}

    def authenticator(server, session, envelope, mechanism, auth_data):
        # Who tried to log in (never the password), so a test can show none was tried.
        with open(os.path.join(folder, "logins.txt"), "a", encoding="utf-8") as f:
            f.write(auth_data.login.decode("utf-8", "replace") + "\n")
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        # handled=False: aiosmtpd answers a refused login with 535 itself; with its default
        # (handled=True) it answers nothing and the client waits for its timeout.
        return AuthResult(
            success=ok, handled=False, auth_data=auth_data.login.decode() if ok else None
        )

    limits = dict(enable_SMTPUTF8=utf8)
    if size is not None:
        limits["data_size_limit"] = size

    def factory():
        if user is None:
            return SMTP(handler, hostname="test.localhost", **starttls, **limits)
        return SMTP(
            handler,
            hostname="test.localhost",
            **limits,
            authenticator=authenticator,
            auth_required=True,
            # aiosmtpd counts only STARTTLS as TLS; SMTPS is TLS throughout.
            auth_require_tls=tls == "starttls",
            **starttls,
        )

    # aiosmtpd warns about AUTH without TLS; this server only listens on loopback.
    import warnings

    warnings.simplefilter("ignore")
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    implicit = context if tls == "implicit" else None
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0, ssl=implicit))
    print(server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["parse"]:
        with open(args[1], "rb") as f:
            print(json.dumps(describe(f.read())))
        return
    if args[:1] != ["serve"]:
        sys.exit(
            "usage: smtp_server.py serve DIR [--user U --password P] "
            "[--tls starttls|implicit --cert PEM --key PEM] | parse FILE"
        )
    folder = args[1]
    opts = dict(zip(args[2::2], args[3::2]))
    tls = opts.get("--tls")
    if tls not in (None, "starttls", "implicit"):
        sys.exit("--tls is starttls or implicit")
    size = int(opts["--size"]) if "--size" in opts else None
    serve(
        folder,
        opts.get("--user"),
        opts.get("--password"),
        tls,
        opts.get("--cert"),
        opts.get("--key"),
        size,
        opts.get("--smtputf8") == "on",
    )


if __name__ == "__main__":
    main()
