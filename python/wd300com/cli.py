"""``python -m wd300com``: a small command-line mail client on libwd300com.

    python -m wd300com send    --server HOST --user ME --from ME --to YOU --subject ...
    python -m wd300com list    --server HOST --user ME [--protocol pop3] [--folder F]
    python -m wd300com fetch   --server HOST --user ME (NUMBER ... | --all) [-o DIR]
    python -m wd300com folders --server HOST --user ME
    python -m wd300com check   --protocol smtp|pop3|imap --server HOST [--user ME]

The password is read from the environment variable named by --password-env
(WD300COM_PASSWORD by default), else asked for on the terminal. Progress goes to stderr
(one line per message), results to stdout. Exit status: 0 success, 1 a library error
(its code, message and the server's reply are printed), 2 a usage error.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import os
import sys
from typing import IO, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, TypeVar

from . import _bindings as B
from ._core import call, library_path
from .errors import WdError
from .message import Message
from .session import ImapSession, MailboxSession, Pop3Session, Session, SmtpSession

_S = TypeVar("_S", bound=Session)

PROG = "python -m wd300com"
PASSWORD_ENV = "WD300COM_PASSWORD"

# Default port by protocol and security.
DEFAULT_PORTS: Dict[Tuple[str, str], int] = {
    ("smtp", "starttls"): 587,
    ("smtp", "ssl"): 465,
    ("smtp", "none"): 25,
    ("pop3", "starttls"): 110,
    ("pop3", "ssl"): 995,
    ("pop3", "none"): 110,
    ("imap", "starttls"): 143,
    ("imap", "ssl"): 993,
    ("imap", "none"): 143,
}
AUTH_METHODS = ("auto", "plain", "login", "cram-md5", "xoauth2", "oauthbearer", "apop", "user")


class UsageError(Exception):
    """A command line that cannot be carried out (exit status 2)."""


# -- the parser


class HelpFormatter(argparse.HelpFormatter):
    """The same help text on every Python version: an option with a value reads
    "-s, --server HOST" (Python 3.13's layout, not "-s HOST, --server HOST")."""

    def _format_action_invocation(self, action: argparse.Action) -> str:
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        value = self._format_args(action, self._get_default_metavar_for_optional(action))
        return "%s %s" % (", ".join(action.option_strings), value)


def _connection_options(protocols: Sequence[str], default: Optional[str]) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    g = parent.add_argument_group("connection")
    if len(protocols) == 1:
        parent.set_defaults(protocol=protocols[0])
    else:
        g.add_argument(
            "-P",
            "--protocol",
            choices=protocols,
            default=default,
            required=default is None,
            help="protocol%s" % (" (default: %s)" % default if default else ""),
        )
    g.add_argument("-s", "--server", required=True, metavar="HOST", help="server name or address")
    g.add_argument(
        "-p",
        "--port",
        type=int,
        metavar="PORT",
        help="port (default: by protocol and security: SMTP 587/465/25, IMAP 143/993, "
        "POP3 110/995)",
    )
    g.add_argument(
        "--security",
        choices=("starttls", "ssl", "none"),
        default="starttls",
        help="starttls (default): upgrade the plain connection; ssl: implicit TLS; "
        "none: no TLS",
    )
    g.add_argument("-u", "--user", metavar="LOGIN", help="login (without it: no authentication)")
    g.add_argument(
        "--password-env",
        metavar="VAR",
        default=PASSWORD_ENV,
        help="environment variable holding the password (default: %(default)s); when it "
        "is not set, the password is asked for on the terminal",
    )
    g.add_argument(
        "--auth",
        choices=AUTH_METHODS,
        default="auto",
        help="authentication method (default: auto, the best the server offers)",
    )
    g.add_argument("--ca-file", metavar="FILE", help="also trust the CA certificate(s) in FILE (PEM)")
    g.add_argument(
        "--insecure",
        action="store_true",
        help="accept any server certificate (self-signed, expired, wrong name)",
    )
    g.add_argument(
        "--timeout",
        type=int,
        metavar="SECONDS",
        help="network timeout (default: the library's, 600 s)",
    )
    g.add_argument(
        "--trace",
        metavar="FILE",
        help="append the protocol transcript to FILE (passwords masked)",
    )
    g.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return parent


def build_parser(width: Optional[int] = None) -> argparse.ArgumentParser:
    """The parser of the command line; `width`: of the help text (default: the terminal's)."""
    formatter = functools.partial(HelpFormatter, width=width) if width else HelpFormatter
    parser = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=formatter,
        description="A small mail client on libwd300com: send a message over SMTP, list "
        "and fetch messages over IMAP or POP3, list IMAP folders, check a server and a "
        "login.",
        epilog="Run '%s COMMAND --help' for the options of a command. The password comes "
        "from $%s (or the variable named by --password-env), else from a prompt."
        % (PROG, PASSWORD_ENV),
    )
    parser._optionals.title = "options"
    parser.add_argument("--version", action="store_true", help="print the versions and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    smtp_only = _connection_options(["smtp"], "smtp")
    mailbox = _connection_options(["imap", "pop3"], "imap")
    imap_only = _connection_options(["imap"], "imap")
    any_protocol = _connection_options(["smtp", "imap", "pop3"], None)

    def add_command(name: str, **kwargs: object) -> argparse.ArgumentParser:
        p = commands.add_parser(name, formatter_class=formatter, **kwargs)  # type: ignore[arg-type]
        p._optionals.title = "options"  # as Python 3.10+ names it, on 3.9 too
        return p

    def mailbox_command(name: str, **kwargs: object) -> argparse.ArgumentParser:
        p = add_command(name, parents=[mailbox], **kwargs)
        p.add_argument("--folder", metavar="NAME", help="IMAP folder (default: INBOX)")
        p.add_argument("--unread", action="store_true", help="IMAP: only the unread messages")
        return p

    send = add_command(
        "send",
        parents=[smtp_only],
        help="send a message over SMTP",
        description="Builds a message and sends it over SMTP.",
    )
    m = send.add_argument_group("message")
    m.add_argument("--from", dest="sender", required=True, metavar="ADDRESS", help="sender")
    m.add_argument("--to", action="append", default=[], metavar="ADDRESS", help="recipient (repeatable)")
    m.add_argument("--cc", action="append", default=[], metavar="ADDRESS", help="copy (repeatable)")
    m.add_argument(
        "--bcc", action="append", default=[], metavar="ADDRESS", help="blind copy (repeatable)"
    )
    m.add_argument("--subject", default="", help="subject")
    body = m.add_mutually_exclusive_group()
    body.add_argument("--body", metavar="TEXT", help="text body")
    body.add_argument(
        "--body-file", metavar="FILE", help="text body read from FILE (UTF-8; - for stdin)"
    )
    m.add_argument("--html-file", metavar="FILE", help="HTML body read from FILE (UTF-8)")
    m.add_argument(
        "--attach", action="append", default=[], metavar="FILE", help="attach FILE (repeatable)"
    )
    m.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="extra header (repeatable)",
    )

    lst = mailbox_command(
        "list",
        help="list the messages of a mailbox (headers only)",
        description="Lists the messages of the mailbox (IMAP: of the folder), one line each: "
        "number, size in bytes, date, sender, subject. Only headers are downloaded.",
    )
    lst.add_argument("--last", type=int, metavar="N", help="only the N newest messages, newest first")

    fetch = mailbox_command(
        "fetch",
        help="download messages (raw source) to files or stdout",
        description="Downloads messages by number (as 'list' shows them) or all of them, "
        "and writes each raw source to DIR/NUMBER.eml, or to stdout. With --delete, the "
        "messages are taken from the last to the first.",
    )
    fetch.add_argument("numbers", nargs="*", type=int, metavar="NUMBER", help="message number")
    fetch.add_argument("--all", action="store_true", help="every message of the mailbox/folder")
    out = fetch.add_mutually_exclusive_group()
    out.add_argument(
        "-o", "--output-dir", metavar="DIR", default=".", help="where to write (default: .)"
    )
    out.add_argument("--stdout", action="store_true", help="write the source(s) to stdout")
    fetch.add_argument(
        "--delete",
        action="store_true",
        help="delete each message from the server once written",
    )

    add_command(
        "folders",
        parents=[imap_only],
        help="list the IMAP folders",
        description="Lists the folders of an IMAP account, one per line.",
    )

    check = add_command(
        "check",
        parents=[any_protocol],
        help="connect, start TLS, log in, and report",
        description="Opens a session (connection, TLS, login) and closes it; IMAP and POP3 "
        "also count the messages, SMTP can check a recipient address.",
    )
    check.add_argument(
        "--address",
        metavar="ADDRESS",
        help="SMTP: ask the server whether it accepts ADDRESS as a recipient",
    )
    return parser


# -- running


class Client:
    """What the commands share: the parsed options, where to print, the sessions."""

    def __init__(
        self,
        args: argparse.Namespace,
        out: IO[str],
        err: IO[str],
        prompt: Optional[Callable[[str], str]],
    ) -> None:
        self.args = args
        self.out = out
        self.err = err
        self.prompt = prompt

    def progress(self, text: str) -> None:
        if not self.args.quiet:
            print(text, file=self.err, flush=True)

    @property
    def protocol(self) -> str:
        return str(self.args.protocol)

    @property
    def port(self) -> int:
        if self.args.port:
            return int(self.args.port)
        return DEFAULT_PORTS[(self.protocol, self.args.security)]

    @property
    def where(self) -> str:
        return "%s %s:%d (%s)" % (self.protocol, self.args.server, self.port, self.args.security)

    def password(self) -> Optional[str]:
        if not self.args.user:
            return None
        value = os.environ.get(self.args.password_env)
        if value is not None:
            return value
        if self.prompt is not None:
            try:
                return self.prompt("password for %s: " % self.args.user)
            except EOFError:
                pass
        raise UsageError(
            "no password for %s: set %s, or run in a terminal to be asked for it"
            % (self.args.user, self.args.password_env)
        )

    def open_session(self, cls: Callable[..., _S]) -> _S:
        """A session of class `cls` with the options' properties (None: left unset), open."""
        session = cls(
            self.args.server,
            self.port,
            self.args.user,
            self.password(),
            security=self.args.security,
            auth_method=None if self.args.auth == "auto" else self.args.auth,
            ca_file=self.args.ca_file,
            ignore_error=True if self.args.insecure else None,
            timeout=self.args.timeout,
            open=False,
        )
        self.progress("connecting to %s" % self.where)
        return session.open()

    def smtp(self) -> SmtpSession:
        return self.open_session(SmtpSession)

    def mailbox(self) -> MailboxSession:
        session: MailboxSession
        if self.protocol == "imap":
            session = self.open_session(ImapSession)
        else:
            session = self.open_session(Pop3Session)
        folder = getattr(self.args, "folder", None)
        if folder:
            if not isinstance(session, ImapSession):
                session.close()
                raise UsageError("--folder is for IMAP (POP3 has one mailbox)")
            session.select(folder)
        return session

    def read_options(self) -> int:
        if getattr(self.args, "unread", False):
            if self.protocol != "imap":
                raise UsageError("--unread is for IMAP (POP3 has no read flag)")
            return B.WD_READ_UNREAD
        return 0


def _read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    with open(path, encoding="utf-8") as f:
        return f.read()


def cmd_send(c: Client) -> int:
    a = c.args
    if not (a.to or a.cc or a.bcc):
        raise UsageError("send: give at least one --to, --cc or --bcc")
    with Message() as msg:
        msg.sender = a.sender
        msg.to = a.to
        msg.cc = a.cc
        msg.bcc = a.bcc
        msg.subject = a.subject
        if a.body is not None:
            msg.body = a.body
        elif a.body_file:
            msg.body = _read_text(a.body_file)
        if a.html_file:
            msg.html = _read_text(a.html_file)
        for header in a.header:
            name, sep, value = header.partition(":")
            if not sep:
                raise UsageError("--header %r: expected 'Name: value'" % header)
            msg.add_header(name.strip(), value.strip())
        for path in a.attach:
            msg.add_attachment(path)
        recipients = len(a.to) + len(a.cc) + len(a.bcc)
        with c.smtp() as smtp:
            c.progress("sending 1 message to %d recipient(s)" % recipients)
            smtp.send(msg)
            size = len(msg.source)
        refused = msg.refused
        for line in refused:
            print("refused: %s" % line, file=c.err)
        print(
            "sent: %d bytes, %d of %d recipient(s) accepted"
            % (size, recipients - len(refused), recipients),
            file=c.out,
        )
    return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


def cmd_list(c: Client) -> int:
    options = c.read_options() | B.WD_READ_HEADER
    with c.mailbox() as box:
        if c.args.last is not None:
            messages: Iterator[Message] = box.messages(options, reverse=True)
        else:
            messages = box.messages(options)
        print("%6s %9s  %-25s  %-30s  %s" % ("NUMBER", "SIZE", "DATE", "FROM", "SUBJECT"), file=c.out)
        shown = 0
        for m in messages:
            if c.args.last is not None and shown >= c.args.last:
                m.close()
                break
            print(
                "%6d %9d  %-25s  %-30s  %s"
                % (m.number, m.size, m.date, _one_line(m.sender), _one_line(m.subject)),
                file=c.out,
                flush=True,
            )
            m.close()
            shown += 1
        c.progress("%d message(s)" % shown)
    return 0


def cmd_fetch(c: Client) -> int:
    a = c.args
    if bool(a.numbers) == bool(a.all):
        raise UsageError("fetch: give message numbers or --all (not both)")
    if not a.stdout:
        os.makedirs(a.output_dir, exist_ok=True)
    options = c.read_options()
    with c.mailbox() as box:
        numbers: List[int] = list(a.numbers)
        if a.all and a.delete:
            numbers = []
            for m in box.messages(options | B.WD_READ_HEADER):
                numbers.append(m.number)
                m.close()
        if a.delete:
            # The last first, each by its number (deleted messages keep their numbers
            # until the session closes).
            numbers.sort(reverse=True)
        total = box.count(options) if a.all and not a.delete else len(numbers)
        done = 0
        size = 0

        def messages() -> Iterator[Message]:
            if a.all and not a.delete:
                yield from box.messages(options)
                return
            for number in numbers:
                m = box.read(number)
                if m is None:
                    raise UsageError("fetch: no message %d (see 'list')" % number)
                yield m

        for m in messages():
            with m:
                source = m.source
                done += 1
                size += len(source)
                if a.stdout:
                    sys.stdout.flush()
                    out = getattr(c.out, "buffer", None)
                    if out is not None:
                        out.write(source)
                        out.flush()
                    else:
                        c.out.write(source.decode("utf-8", errors="replace"))
                    dest = "stdout"
                else:
                    dest = os.path.join(a.output_dir, "%d.eml" % m.number)
                    with open(dest, "wb") as f:
                        f.write(source)
                if a.delete:
                    box.delete(m)
                c.progress(
                    "[%d/%d] message %d: %d bytes -> %s%s"
                    % (done, total, m.number, len(source), dest, ", deleted" if a.delete else "")
                )
        c.progress("fetched %d message(s), %d bytes" % (done, size))
    return 0


def cmd_folders(c: Client) -> int:
    with c.mailbox() as box:
        assert isinstance(box, ImapSession)
        for name in box.folders():
            print(name, file=c.out)
    return 0


def cmd_check(c: Client) -> int:
    a = c.args
    login = ", logged in as %s" % a.user if a.user else ""
    if c.protocol == "smtp":
        with c.smtp() as smtp:
            print("ok: %s: connected%s" % (c.where, login), file=c.out)
            if a.address:
                verdict = smtp.check_address(a.address)
                names = {
                    B.WD_ADDRESS_VALID: "accepted",
                    B.WD_ADDRESS_INCORRECT_SYNTAX: "incorrect syntax",
                    B.WD_ADDRESS_REFUSED: "refused",
                    B.WD_ADDRESS_ERROR: "not checked (error)",
                }
                print("%s: %s" % (a.address, names.get(verdict, str(verdict))), file=c.out)
                return 0 if verdict == B.WD_ADDRESS_VALID else 1
        return 0
    if a.address:
        raise UsageError("--address is for SMTP")
    with c.mailbox() as box:
        count = box.count()
        print("ok: %s: connected%s, %d message(s)" % (c.where, login, count), file=c.out)
    return 0


COMMANDS: Dict[str, Callable[[Client], int]] = {
    "send": cmd_send,
    "list": cmd_list,
    "fetch": cmd_fetch,
    "folders": cmd_folders,
    "check": cmd_check,
}


def describe(error: WdError) -> List[str]:
    """The lines printed for a library error."""
    lines = ["error: %s (%s)" % (error, type(error).__name__)]
    if error.server_reply:
        lines.append("server: %s" % error.server_reply)
    return lines


def main(
    argv: Optional[Sequence[str]] = None,
    *,
    out: Optional[IO[str]] = None,
    err: Optional[IO[str]] = None,
    prompt: Optional[Callable[[str], str]] = None,
) -> int:
    """Runs the command line `argv` (default: sys.argv[1:]); returns the exit status.
    `prompt` asks for the password (default: getpass when stdin is a terminal, else none:
    the password must then come from the environment)."""
    if prompt is None and sys.stdin is not None and sys.stdin.isatty():
        prompt = getpass.getpass
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from . import __version__, version

        print("wd300com %s (library %s, %s)" % (__version__, version(), library_path), file=out)
        return 0
    if not args.command:
        parser.print_help(err)
        return 2
    client = Client(args, out, err, prompt)
    tracing = False
    try:
        if args.trace:
            call("EmailTrace", args.trace)
            tracing = True
        return COMMANDS[args.command](client)
    except UsageError as e:
        print("%s: %s" % (PROG, e), file=err)
        return 2
    except WdError as e:
        for line in describe(e):
            print(line, file=err)
        return 1
    except OSError as e:
        print("error: %s" % e, file=err)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=err)
        return 130
    finally:
        if tracing:
            call("EmailTrace", None)


if __name__ == "__main__":
    sys.exit(main())
