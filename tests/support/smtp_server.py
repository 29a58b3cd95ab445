"""A real SMTP server for the email tests: aiosmtpd's protocol on 127.0.0.1, ephemeral port.

Run with Debian's /usr/bin/python3 (python3-aiosmtpd). Prints "PORT <n>" once listening, stores
each accepted message as <dir>/<n>.eml with <dir>/<n>.json ({"mail_from", "rcpt_tos"}), and
exits when its standard input closes or on SIGTERM.

  --tls-cert/--tls-key  offer STARTTLS and require it before MAIL
  --user/--password     offer AUTH (PLAIN, LOGIN) and require it
  --refuse ADDR         answer RCPT TO:<ADDR> with 550 (repeatable)
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Store:
    def __init__(self, folder, refuse):
        self.folder = folder
        self.refuse = set(refuse)
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.folder, "%03d" % self.count)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted for delivery"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--refuse", action="append", default=[])
    args = ap.parse_args()

    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user and \
            auth_data.password.decode() == args.password
        # handled=False lets aiosmtpd answer 535 itself (protocols.md 5.6).
        return AuthResult(success=ok, handled=False)

    handler = Store(args.dir, args.refuse)
    kwargs = dict(hostname="paperboy-test", tls_context=tls, require_starttls=tls is not None,
                  auth_require_tls=tls is not None)
    if args.user:
        kwargs.update(authenticator=authenticator, auth_required=True)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(lambda: SMTP(handler, loop=loop, **kwargs), sock=sock))
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    loop.add_reader(sys.stdin.fileno(), lambda: sys.stdin.buffer.read1(4096) or stop.done() or stop.set_result(None))
    print("PORT %d" % sock.getsockname()[1], flush=True)
    loop.run_until_complete(stop)
    server.close()
    loop.run_until_complete(server.wait_closed())


if __name__ == "__main__":
    main()
