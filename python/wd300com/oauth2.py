"""OAuth2 tokens for XOAUTH2 / OAUTHBEARER sessions (AuthIdentifie and its family).

    params = wd300com.OAuth2Params(
        client_id="my-app", client_secret="...", token_url="https://idp.example/token",
        scope="https://outlook.office.com/.default", grant_type="client_credentials",
    )
    token = params.identify()
    with wd300com.ImapSession("imap.example", 993, "me@example", security="ssl",
                              oauth_token=token, auth_method="xoauth2") as s:
        ...

A session given ``oauth_token=`` a :class:`Token` signs in with the token's current access
token and, when the server refuses it, renews the token in place and signs in once more.

The grants (``grant_type``): ``"authorization_code"`` (the default: the browser, a loopback
redirect, PKCE), ``"client_credentials"`` and :data:`GRANT_DEVICE_CODE` (RFC 8628: with it,
``auth_url`` is the device authorization endpoint and ``identify(prompt=...)`` is given the
verification address and the user code; without ``prompt`` they are printed on stderr).
"""

from __future__ import annotations

import ctypes
import datetime
import threading
import urllib.parse
from typing import Callable, Mapping, Optional, Union

from . import _bindings as B
from ._core import Resource, call, call_str

GRANT_AUTHORIZATION_CODE = "authorization_code"
GRANT_CLIENT_CREDENTIALS = "client_credentials"
GRANT_DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"

#: What shows the user the device flow's verification address and user code:
#: ``prompt(uri, user_code)``.
Prompt = Callable[[str, str], None]

#: The settings of OAuth2Params, by keyword.
FIELDS: dict[str, int] = {
    "client_id": B.WD_OAUTH_CLIENT_ID,
    "client_secret": B.WD_OAUTH_CLIENT_SECRET,
    "auth_url": B.WD_OAUTH_AUTH_URL,
    "token_url": B.WD_OAUTH_TOKEN_URL,
    "scope": B.WD_OAUTH_SCOPE,
    "redirect_url": B.WD_OAUTH_REDIRECT_URL,
    "response_type": B.WD_OAUTH_RESPONSE_TYPE,
    "grant_type": B.WD_OAUTH_GRANT_TYPE,
    "additional_parameters": B.WD_OAUTH_ADDITIONAL_PARAMETERS,
    "ca_file": B.WD_OAUTH_CA_FILE,
}

_PROMPT_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p)
# The library's prompt callback is one for the process: device flows take turns.
_prompt_lock = threading.Lock()

ParamValue = Union[str, Mapping[str, str], None]


def _text(key: str, value: ParamValue) -> Optional[str]:
    """The library's text for a setting: additional parameters may be a mapping."""
    if value is None or isinstance(value, str):
        return value
    if key == "additional_parameters":
        return urllib.parse.urlencode(dict(value), quote_via=urllib.parse.quote)
    raise TypeError("%s takes a str, not %s" % (key, type(value).__name__))


class OAuth2Params(Resource):
    """An OAuth2 client registration (OAuth2ParametresCree): the keyword arguments are the
    settings of :data:`FIELDS` (``additional_parameters`` also takes a mapping). Each
    setting is an attribute too; ``client_secret`` reads back as "". Freed by close(), the
    end of a ``with`` block or garbage collection."""

    handle: int

    def __init__(self, **settings: ParamValue) -> None:
        unknown = sorted(set(settings) - set(FIELDS))
        if unknown:
            raise TypeError("unknown OAuth2 setting(s): %s" % ", ".join(unknown))
        self.handle = int(call("OAuth2ParametresCree"))
        self._held = ("OAuth2Libere", self.handle)
        for key, value in settings.items():
            self.set(key, value)

    def set(self, key: str, value: ParamValue) -> None:
        """OAuth2ParametresModifie; None or "" clears the setting."""
        call("OAuth2ParametresModifie", self.handle, FIELDS[key], _text(key, value))

    def get(self, key: str) -> str:
        """OAuth2ParametresPropriete."""
        return call_str("OAuth2ParametresPropriete", self.handle, FIELDS[key]) or ""

    def __getattr__(self, key: str) -> str:
        if key in FIELDS:
            return self.get(key)
        raise AttributeError(key)

    def __setattr__(self, key: str, value: ParamValue) -> None:
        if key in FIELDS:
            self.set(key, value)
        else:
            object.__setattr__(self, key, value)

    def identify(self, prompt: Optional[Prompt] = None) -> "Token":
        """AuthIdentifie: a new :class:`Token` through the grant ``grant_type`` names. Blocks
        until the flow ends (bounded by ``wd300com.EmailChangeTimeOut``).

        ``prompt(uri, user_code)`` shows the user the device flow's verification address
        and code; it is called on this thread, during the call. An exception it raises does
        not stop the flow (the library cannot be interrupted): it is raised when the flow
        ends, and the token, if any, is freed. Raises WdError when the flow fails."""
        if self.get("grant_type").strip() != GRANT_DEVICE_CODE:
            return Token(int(call("AuthIdentifie", self.handle)))
        failure: list[BaseException] = []

        def show(uri: bytes, user_code: bytes, _data: object) -> None:
            try:
                if prompt is not None:
                    prompt(uri.decode("utf-8", "replace"), user_code.decode("utf-8", "replace"))
            except BaseException as e:  # noqa: BLE001 - raised again after the flow
                failure.append(e)

        callback = _PROMPT_TYPE(show) if prompt is not None else None
        with _prompt_lock:
            call("AuthInviteFonction", callback, None)
            try:
                token = Token(int(call("AuthIdentifie", self.handle)))
            finally:
                call("AuthInviteFonction", None, None)
        if failure:
            token.close()
            raise failure[0]
        return token

    def __repr__(self) -> str:
        shown = ", ".join(
            "%s=%r" % (k, self.get(k)) for k in ("client_id", "grant_type", "token_url")
        )
        return "<OAuth2Params %s>" % shown


def _params_handle(params: Optional[OAuth2Params]) -> int:
    return 0 if params is None else params.handle


class Token(Resource):
    """A token from :meth:`OAuth2Params.identify` (an AuthToken). It remembers the
    parameters it was obtained with, so ``refresh()`` and ``verify()`` need none. Give it
    to a session as ``oauth_token=``. Its repr never shows the token itself."""

    handle: int

    def __init__(self, handle: int) -> None:
        self.handle = handle
        self._held = ("OAuth2Libere", handle)

    def _get(self, prop: int) -> str:
        return call_str("AuthTokenPropriete", self.handle, prop) or ""

    @property
    def value(self) -> str:
        """The access token (what XOAUTH2 / OAUTHBEARER send)."""
        return self._get(B.WD_TOKEN_VALUE)

    @property
    def refresh_token(self) -> Optional[str]:
        """The refresh token, None when the server granted none."""
        return self._get(B.WD_TOKEN_REFRESH) or None

    @property
    def expiration(self) -> str:
        """The expiry in RFC 3339 ("" when the server gave no lifetime)."""
        return self._get(B.WD_TOKEN_EXPIRATION)

    @property
    def expires(self) -> Optional[datetime.datetime]:
        """The expiry as an aware UTC datetime, None when the server gave no lifetime."""
        text = self.expiration
        if not text:
            return None
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc
        )

    @property
    def valid(self) -> bool:
        """True while the token has not expired."""
        return self._get(B.WD_TOKEN_VALID) == "1"

    def refresh(self, params: Optional[OAuth2Params] = None) -> "Token":
        """AuthRafraichitToken: a new Token from this one's refresh token (a
        client-credentials token without one is obtained again), with ``params`` or the
        parameters this token was obtained with. This token is left as it is."""
        return Token(int(call("AuthRafraichitToken", self.handle, _params_handle(params))))

    def verify(self, params: Optional[OAuth2Params] = None) -> bool:
        """AuthVerifieAuthentification: True while the token is valid; an expired token
        that can be renewed is renewed in place (sessions using it follow), then True.
        False when it has expired and cannot be renewed; WdError when renewing failed."""
        return bool(call("AuthVerifieAuthentification", self.handle, _params_handle(params)))

    def __repr__(self) -> str:
        if self._held is None:
            return "<Token closed>"
        return "<Token %s expires=%s>" % ("valid" if self.valid else "expired", self.expiration)


__all__ = [
    "OAuth2Params",
    "Token",
    "Prompt",
    "FIELDS",
    "GRANT_AUTHORIZATION_CODE",
    "GRANT_CLIENT_CREDENTIALS",
    "GRANT_DEVICE_CODE",
]
