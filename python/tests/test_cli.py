"""`python -m wd300com`: each sub-command against the local mail servers, its errors and
exit statuses, and the help printed in python/README.md.

    python3 python/tests/test_cli.py --write-readme    # rewrite the README's help blocks
"""

import io
import os
import re
import subprocess
import sys
import time
import uuid

import pytest

from conftest import PYTHON_DIR

import wd300com as wd
from wd300com import ImapSession, Message, Pop3Session, cli

README = os.path.join(PYTHON_DIR, "README.md")
HELP_WIDTH = 100
COMMANDS = ("send", "list", "fetch", "folders", "check")
DELIVERY_TIMEOUT = 20.0


def run_cli(argv, password=None, prompt=None):
    """Runs the command line in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.pop(cli.PASSWORD_ENV, None)
    if password is not None:
        os.environ[cli.PASSWORD_ENV] = password
    try:
        status = cli.main([str(a) for a in argv], out=out, err=err, prompt=prompt)
    finally:
        os.environ.pop(cli.PASSWORD_ENV, None)
        if saved is not None:
            os.environ[cli.PASSWORD_ENV] = saved
    return status, out.getvalue(), err.getvalue()


def server(env, protocol, port_name=None, user=None):
    """The connection options for `protocol` on the local servers (STARTTLS, bench CA)."""
    args = ["-s", env["WD_TEST_HOST"], "-p", env["WD_TEST_%s_PORT" % (port_name or protocol.upper())],
            "--ca-file", env["WD_TEST_CA"], "--timeout", "30"]
    if protocol != "smtp":
        args = ["-P", protocol] + args
    if user:
        args += ["-u", env["WD_TEST_USER%d" % user]]
    return args


def password(env, i):
    return env["WD_TEST_PASS%d" % i]


def deliver(env, tag, to_user=2, attachment=None):
    """Sends a message with `send`; returns its subject."""
    subject = "cli %s é" % tag
    argv = ["send"] + server(env, "smtp", user=1) + [
        "--from", env["WD_TEST_USER1"], "--to", env["WD_TEST_USER%d" % to_user],
        "--subject", subject, "--body", "body of %s" % tag, "--header", "X-Cli-Tag: %s" % tag,
    ]
    if attachment:
        argv += ["--attach", attachment]
    status, out, err = run_cli(argv, password(env, 1))
    assert status == 0, err
    return subject


def wait_for(session_factory, subject):
    """The number of the message with `subject` once delivered."""
    deadline = time.time() + DELIVERY_TIMEOUT
    while True:
        with session_factory() as s:
            for m in s.messages(wd.WD_READ_HEADER, reverse=True):
                if m.subject == subject:
                    return m.number
        if time.time() > deadline:
            pytest.fail("%r not delivered within %ss" % (subject, DELIVERY_TIMEOUT))
        time.sleep(0.3)


def pop3(env, i=2):
    return Pop3Session(env["WD_TEST_HOST"], int(env["WD_TEST_POP3_PORT"]), env["WD_TEST_USER%d" % i],
                       password(env, i), security="starttls", ca_file=env["WD_TEST_CA"], timeout=30)


def imap(env, i=2):
    return ImapSession(env["WD_TEST_HOST"], int(env["WD_TEST_IMAP_PORT"]), env["WD_TEST_USER%d" % i],
                       password(env, i), security="starttls", ca_file=env["WD_TEST_CA"], timeout=30)


# -- send


def test_send_with_attachment_refused_recipient_and_trace(env, tmp_path):
    tag = uuid.uuid4().hex[:12]
    attachment = tmp_path / "data.bin"
    payload = os.urandom(200_000)
    attachment.write_bytes(payload)
    trace = tmp_path / "trace.log"
    refused = "nobody-%s@%s" % (tag, env.get("WD_TEST_DOMAIN", "wd.test"))
    status, out, err = run_cli(["send"] + server(env, "smtp", user=1) + [
        "--from", env["WD_TEST_USER1"], "--to", env["WD_TEST_USER2"], "--to", refused,
        "--subject", "cli %s é" % tag, "--body", "bonjour", "--attach", attachment,
        "--header", "X-Cli-Tag: %s" % tag, "--trace", trace,
    ], password(env, 1))
    assert status == 0, err
    assert re.fullmatch(r"sent: \d+ bytes, 1 of 2 recipient\(s\) accepted\n", out), out
    assert int(out.split()[1]) > len(payload)
    assert "connecting to smtp %s:%s (starttls)" % (env["WD_TEST_HOST"], env["WD_TEST_SMTP_PORT"]) in err
    assert "sending 1 message to 2 recipient(s)" in err
    assert "refused: %s" % refused in err and "550" in err
    transcript = trace.read_text(encoding="utf-8", errors="replace")
    assert "SMTP C: STARTTLS" in transcript and "SMTP C: QUIT" in transcript
    assert password(env, 1) not in transcript
    # What arrived is what was sent.
    number = wait_for(lambda: pop3(env), "cli %s é" % tag)
    with pop3(env) as s:
        m = s.read(number)
        assert m.header("X-Cli-Tag") == tag and m.body.strip() == "bonjour"
        assert m.attachments[0].name == "data.bin" and m.attachments[0].content == payload
        s.delete(m)


def test_send_errors(env, tmp_path):
    base = ["send"] + server(env, "smtp", user=1) + ["--from", env["WD_TEST_USER1"]]
    status, _out, err = run_cli(base + ["--subject", "x"], password(env, 1))
    assert status == 2 and "at least one --to" in err
    status, _out, err = run_cli(base + ["--to", env["WD_TEST_USER2"], "--attach", tmp_path / "absent"],
                                password(env, 1))
    assert status == 1 and "WD_E_IO" in err and "(IoError)" in err, err
    status, _out, err = run_cli(base + ["--to", env["WD_TEST_USER2"]], "wrong password")
    assert status == 1, err
    assert "WD_E_AUTH" in err and "(AuthError)" in err and "\nserver: 535" in err, err
    assert "wrong password" not in err


# -- list, fetch


def test_list_imap_and_pop3(env):
    tag = uuid.uuid4().hex[:12]
    subject = deliver(env, tag)
    number = wait_for(lambda: imap(env), subject)
    status, out, err = run_cli(["list"] + server(env, "imap", user=2) + ["--last", "5"], password(env, 2))
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["NUMBER", "SIZE", "DATE", "FROM", "SUBJECT"]
    mine = [line for line in lines[1:] if line.endswith(subject)]
    assert len(mine) == 1, out
    fields = mine[0].split()
    assert int(fields[0]) == number and int(fields[1]) > 0 and env["WD_TEST_USER1"] in mine[0]
    assert 1 <= len(lines) - 1 <= 5
    assert re.search(r"^\d+ message\(s\)$", err, re.M), err
    # newest first with --last
    numbers = [int(line.split()[0]) for line in lines[1:]]
    assert numbers == sorted(numbers, reverse=True)

    pop_number = wait_for(lambda: pop3(env), subject)
    status, out, err = run_cli(["list"] + server(env, "pop3", user=2), password(env, 2))
    assert status == 0, err
    assert any(line.split()[0] == str(pop_number) and line.endswith(subject) for line in out.splitlines()[1:]), out
    # POP3 has no folders and no read flag.
    status, _out, err = run_cli(["list"] + server(env, "pop3", user=2) + ["--unread"], password(env, 2))
    assert status == 2 and "--unread is for IMAP" in err
    with pop3(env) as s:
        s.delete(s.read(pop_number))


def test_fetch_by_number_to_file_and_stdout_then_delete(env, tmp_path, capfd):
    tag = uuid.uuid4().hex[:12]
    subject = deliver(env, tag)
    number = wait_for(lambda: pop3(env), subject)
    args = server(env, "pop3", user=2)
    status, _out, err = run_cli(["fetch"] + args + [number, "-o", tmp_path / "out"], password(env, 2))
    assert status == 0, err
    eml = tmp_path / "out" / ("%d.eml" % number)
    with Message.from_source(eml.read_bytes()) as m:
        assert m.subject == subject and m.header("X-Cli-Tag") == tag
    assert "[1/1] message %d: %d bytes -> %s" % (number, eml.stat().st_size, eml) in err
    assert "fetched 1 message(s), %d bytes" % eml.stat().st_size in err

    status, out, err = run_cli(["fetch"] + args + [number, "--stdout", "--delete", "-q"], password(env, 2))
    assert status == 0, err
    assert err == ""  # --quiet
    assert "X-Cli-Tag: %s" % tag in out
    with pop3(env) as s:  # deleted at the end of the session
        assert all(m.subject != subject for m in s.messages(wd.WD_READ_HEADER))

    status, _out, err = run_cli(["fetch"] + args, password(env, 2))
    assert status == 2 and "message numbers or --all" in err
    status, _out, err = run_cli(["fetch"] + args + [99999, "-o", tmp_path / "none"], password(env, 2))
    assert status == 2 and "no message 99999" in err


def test_fetch_all_of_an_imap_folder_with_progress(env, tmp_path):
    folder = "cli-%s" % uuid.uuid4().hex[:12]
    with imap(env, 3) as s:
        s.create_folder(folder)
        for i in range(3):
            with Message() as m:
                m.sender = env["WD_TEST_USER1"]
                m.to = [env["WD_TEST_USER3"]]
                m.subject = "fetch %d %s" % (i, folder)
                m.add_attachment_data("n.bin", bytes([i]) * 1000, None)
                m.build()
                s.append(folder, m)
    try:
        args = ["fetch"] + server(env, "imap", user=3) + ["--folder", folder, "--all"]
        status, _out, err = run_cli(args + ["-o", tmp_path / "all"], password(env, 3))
        assert status == 0, err
        progress = [line.split(":")[0] for line in err.splitlines() if line.startswith("[")]
        assert progress == ["[1/3] message 1", "[2/3] message 2", "[3/3] message 3"], err
        for i in range(3):
            with Message.from_source((tmp_path / "all" / ("%d.eml" % (i + 1))).read_bytes()) as m:
                assert m.subject == "fetch %d %s" % (i, folder)
                assert m.attachments[0].content == bytes([i]) * 1000
        # With --delete: the last first, by number; every message written, then gone.
        status, _out, err = run_cli(args + ["-o", tmp_path / "deleted", "--delete"], password(env, 3))
        assert status == 0, err
        progress = [line for line in err.splitlines() if line.startswith("[")]
        assert [line.split(":")[0] for line in progress] == [
            "[1/3] message 3", "[2/3] message 2", "[3/3] message 1"], err
        assert all(line.endswith(", deleted") for line in progress)
        for i in range(3):
            name = "%d.eml" % (i + 1)
            assert (tmp_path / "deleted" / name).read_bytes() == (tmp_path / "all" / name).read_bytes()
        with imap(env, 3) as s:
            s.select(folder)
            assert s.count() == 0
    finally:
        with imap(env, 3) as s:
            s.delete_folder(folder)


# -- folders, check


def test_folders(env):
    folder = "cli-folders-%s" % uuid.uuid4().hex[:8]
    with imap(env, 3) as s:
        s.create_folder(folder)
    try:
        status, out, err = run_cli(["folders"] + server(env, "imap", "IMAPS", user=3)[2:] + [
            "--security", "ssl"], password(env, 3))
        assert status == 0, err
        names = out.splitlines()
        assert "INBOX" in names and folder in names and "Sent" in names, out
        assert "connecting to imap %s:%s (ssl)" % (env["WD_TEST_HOST"], env["WD_TEST_IMAPS_PORT"]) in err
    finally:
        with imap(env, 3) as s:
            s.delete_folder(folder)


def test_check_each_protocol(env):
    status, out, err = run_cli(["check"] + server(env, "smtp", user=1)[:] + ["-P", "smtp",
                               "--address", env["WD_TEST_USER2"]], password(env, 1))
    assert status == 0, err
    assert out.splitlines() == [
        "ok: smtp %s:%s (starttls): connected, logged in as %s"
        % (env["WD_TEST_HOST"], env["WD_TEST_SMTP_PORT"], env["WD_TEST_USER1"]),
        "%s: accepted" % env["WD_TEST_USER2"],
    ]
    refused = "nobody-%s@%s" % (uuid.uuid4().hex[:8], env.get("WD_TEST_DOMAIN", "wd.test"))
    status, out, _err = run_cli(["check", "-P", "smtp"] + server(env, "smtp", user=1) + [
        "--address", refused], password(env, 1))
    assert status == 1 and out.splitlines()[-1] == "%s: refused" % refused
    for protocol in ("imap", "pop3"):
        with (imap if protocol == "imap" else pop3)(env) as s:
            count = s.count()
        status, out, err = run_cli(["check"] + server(env, protocol, user=2), password(env, 2))
        assert status == 0, err
        assert re.fullmatch(r"ok: %s \S+ \(starttls\): connected, logged in as %s, (\d+) message\(s\)\n"
                            % (protocol, re.escape(env["WD_TEST_USER2"])), out), out
    # The password from the prompt, when the environment has none.
    asked = []
    status, out, err = run_cli(["check"] + server(env, "imap", user=3),
                               prompt=lambda text: asked.append(text) or password(env, 3))
    assert status == 0, err
    assert asked == ["password for %s: " % env["WD_TEST_USER3"]]
    # Implicit TLS, and the certificate check: without the bench's CA, a TLS error.
    args = ["check", "-P", "pop3", "-s", env["WD_TEST_HOST"], "-p", env["WD_TEST_POP3S_PORT"],
            "--security", "ssl", "-u", env["WD_TEST_USER2"]]
    status, out, err = run_cli(args, password(env, 2))
    assert status == 1 and "WD_E_TLS" in err and "(TlsError)" in err, err
    status, out, err = run_cli(args + ["--insecure"], password(env, 2))
    assert status == 0 and out.startswith("ok: pop3 "), err


def test_check_failures_without_server():
    status, _out, err = run_cli(["check", "-P", "imap", "-s", "127.0.0.1", "-p", "1", "--security", "none"])
    assert status == 1 and "WD_E_CONNECT" in err and "(WdConnectionError)" in err, err
    status, _out, err = run_cli(["check", "-P", "imap", "-s", "127.0.0.1", "-u", "me"])
    assert status == 2 and "no password for me: set WD300COM_PASSWORD" in err, err
    status, _out, err = run_cli(["check", "-P", "smtp", "-s", "127.0.0.1", "-p", "1", "--security",
                                 "none", "--address", "a@b"])
    assert status == 1  # connection refused before the address is checked
    status, _out, err = run_cli(["check", "-P", "imap", "-s", "h", "--address", "a@b"])
    assert status == 2 and "--address is for SMTP" in err


# -- the parser and its help


def test_usage_errors_exit_2(capsys):
    for argv in (["check", "-s", "h"], ["send", "-s", "h", "--to", "x"], ["bogus"],
                 ["list", "-P", "smtp", "-s", "h"], ["check", "-P", "imap", "-s", "h", "-p", "x"]):
        with pytest.raises(SystemExit) as ei:
            cli.main(argv)
        assert ei.value.code == 2, argv
    capsys.readouterr()
    assert run_cli([])[0] == 2


def test_default_ports():
    parser = cli.build_parser()
    for protocol, security, port in (("smtp", "starttls", 587), ("smtp", "ssl", 465),
                                     ("imap", "ssl", 993), ("pop3", "none", 110)):
        args = parser.parse_args(["check", "-P", protocol, "-s", "h", "--security", security])
        assert cli.Client(args, io.StringIO(), io.StringIO(), None).port == port


def test_python_m_entry_point_and_version():
    r = subprocess.run([sys.executable, "-m", "wd300com", "--version"], cwd=PYTHON_DIR,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "wd300com %s (library %s, %s)\n" % (wd.__version__, wd.version(), wd.library_path)


def help_text(command=None):
    parser = cli.build_parser(width=HELP_WIDTH)
    if command:
        parser = parser._subparsers._group_actions[0].choices[command]
    return parser.format_help()


def readme_blocks():
    """{"main" or command: the help block of python/README.md} (<!-- cli-help: NAME -->)."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    return text, dict(re.findall(r"<!-- cli-help: (\w+) -->\n```text\n(.*?)```\n", text, re.S))


def test_readme_shows_the_real_help():
    _text, blocks = readme_blocks()
    assert set(blocks) == {"main", *COMMANDS}
    for name, block in blocks.items():
        expected = help_text(None if name == "main" else name)
        assert block == expected, (
            "python/README.md: the help of %r is stale: run python3 python/tests/test_cli.py "
            "--write-readme" % name
        )


def write_readme():
    text, _blocks = readme_blocks()
    for name in ("main",) + COMMANDS:
        block = help_text(None if name == "main" else name)
        text = re.sub(r"(<!-- cli-help: %s -->\n```text\n).*?(```\n)" % name,
                      lambda m: m.group(1) + block + m.group(2), text, flags=re.S)
    with open(README, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-readme"]:
        write_readme()
    else:
        sys.exit(__doc__)
