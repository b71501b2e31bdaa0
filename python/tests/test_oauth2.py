"""The Pythonic OAuth2 layer (wd300com.OAuth2Params, wd300com.Token) against a fake
authorization server in this process (tests/oauth_fake.py), and, with the mail server
bench, sessions signing in with a Token (oauth_token=) over XOAUTH2 and OAUTHBEARER."""

import datetime
import os
import subprocess
import sys
import textwrap

import pytest

import wd300com as wd
from conftest import PYTHON_DIR, server_env
from oauth_fake import DEVICE_GRANT, FakeAuthServer, register_with_bench
from wd300com import OAuth2Params, Token, WdError


@pytest.fixture
def fake():
    server = FakeAuthServer()
    yield server
    server.close()


def params(fake, grant, **kw):
    return OAuth2Params(
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        auth_url=fake.url("/device"),
        token_url=fake.url("/token"),
        scope="mail",
        grant_type=grant,
        **kw,
    )


def test_settings_round_trip_and_the_secret_never_reads_back():
    with OAuth2Params(client_id="a", client_secret="s", scope="mail",
                      additional_parameters={"prompt": "select account", "x": "&"}) as p:
        assert p.client_id == "a"
        assert p.client_secret == ""
        assert p.additional_parameters == "prompt=select%20account&x=%26"
        p.grant_type = wd.GRANT_DEVICE_CODE
        assert p.get("grant_type") == DEVICE_GRANT
        p.scope = None
        assert p.scope == ""
        assert "client_secret" not in repr(p) and "'s'" not in repr(p)
    with pytest.raises(TypeError):
        OAuth2Params(client_name="x")


def test_client_credentials(fake):
    with params(fake, wd.GRANT_CLIENT_CREDENTIALS, additional_parameters={"audience": "mail"}) as p:
        t = p.identify()
    assert isinstance(t, Token)
    assert t.value.startswith("wdtok-py-")
    assert t.refresh_token is None
    assert t.valid
    assert t.expires > datetime.datetime.now(datetime.timezone.utc)
    assert t.value not in repr(t)
    form = fake.forms("/token")[0]
    assert (form["grant_type"], form["scope"], form["audience"]) == ("client_credentials", "mail", "mail")
    # Renewed with the remembered parameters: the grant runs again.
    t2 = t.refresh()
    assert t2.value != t.value
    assert fake.issued == ["client_credentials", "client_credentials"]
    t.close()
    t2.close()


def test_device_flow_with_a_prompt(fake):
    shown = []

    def prompt(uri, code):
        shown.append((uri, code))
        assert fake.approve(code)

    with params(fake, wd.GRANT_DEVICE_CODE, additional_parameters="login_hint=alice") as p:
        t = p.identify(prompt=prompt)
    assert shown == [(fake.url("/verify"), shown[0][1])]
    assert shown[0][1].startswith("WD-")
    assert t.refresh_token.startswith("refresh-py-")
    assert fake.forms("/device")[0]["login_hint"] == "alice"
    # refresh() gives a new token, verify() leaves a valid one alone.
    t2 = t.refresh()
    assert t2.value != t.value and t2.valid
    assert t.verify() is True
    assert fake.issued == [DEVICE_GRANT, "refresh_token"]


def test_device_flow_refused_and_a_prompt_that_raises(fake):
    with params(fake, wd.GRANT_DEVICE_CODE) as p:
        with pytest.raises(WdError) as e:
            p.identify(prompt=lambda uri, code: fake.deny(code))
        assert e.value.code == wd.WD_E_AUTH
        assert "access_denied" in e.value.message

        def approve_then_fail(uri, code):
            fake.approve(code)
            raise ValueError("prompt failed")

        with pytest.raises(ValueError, match="prompt failed"):
            p.identify(prompt=approve_then_fail)


def test_errors_are_raised(fake):
    with params(fake, "password") as p:
        with pytest.raises(WdError) as e:
            p.identify()
        assert e.value.code == wd.WD_E_NOT_SUPPORTED
    with params(fake, wd.GRANT_CLIENT_CREDENTIALS) as p:
        p.client_secret = "wrong"
        with pytest.raises(WdError) as e:
            p.identify()
        assert e.value.code == wd.WD_E_AUTH
        assert "invalid_client" in e.value.message


def test_device_flow_without_a_prompt_prints_on_stderr():
    fake = FakeAuthServer(approve_at_once=True)
    try:
        script = textwrap.dedent("""
            import sys
            import wd300com as wd
            p = wd.OAuth2Params(client_id="py-client", client_secret="py-secret",
                                auth_url=sys.argv[1] + "/device", token_url=sys.argv[1] + "/token",
                                grant_type=wd.GRANT_DEVICE_CODE)
            print(p.identify().valid)
        """)
        env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
        r = subprocess.run([sys.executable, "-c", script, fake.url("")], env=env,
                           capture_output=True, text=True, timeout=60)
    finally:
        fake.close()
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "True"
    assert "open %s and enter the code WD-" % fake.url("/verify") in r.stderr


# ----- with the mail server bench -----------------------------------------------------


def open_each(env, token, method):
    """Opens IMAP, POP3 and SMTP as user 1 with `token` (a Token) and `method`."""
    host, user = env["WD_TEST_HOST"], env["WD_TEST_USER1"]
    common = dict(oauth_token=token, auth_method=method, ca_file=env["WD_TEST_CA"], timeout=20)
    with wd.ImapSession(host, int(env["WD_TEST_IMAP_PORT"]), user, **common) as s:
        assert s.count() >= 0
    with wd.Pop3Session(host, int(env["WD_TEST_POP3_PORT"]), user, **common) as s:
        assert s.count() >= 0
    with wd.SmtpSession(host, int(env["WD_TEST_SMTP_PORT"]), user, security="starttls", **common):
        pass


def test_tokens_sign_in_to_the_bench_and_are_renewed_when_refused():
    env = server_env()
    register = register_with_bench(env["WD_TEST_TOKENS_FILE"], env["WD_TEST_USER1"])
    fake = FakeAuthServer(register=register)
    try:
        with params(fake, wd.GRANT_CLIENT_CREDENTIALS) as p:
            cc = p.identify()
        with params(fake, wd.GRANT_DEVICE_CODE) as p:
            device = p.identify(prompt=lambda uri, code: fake.approve(code))
        for token in (cc, device):
            for method in ("xoauth2", "oauthbearer"):
                open_each(env, token, method)
        # The bench now refuses the device token: the session renews it and signs in.
        before = device.value
        register(before, 0)
        with wd.ImapSession(env["WD_TEST_HOST"], int(env["WD_TEST_IMAP_PORT"]),
                            env["WD_TEST_USER1"], oauth_token=device, timeout=20):
            pass
        assert device.value != before
        assert fake.issued.count("refresh_token") == 1
    finally:
        fake.close()
