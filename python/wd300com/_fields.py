"""The message properties as typed attributes of Message, generated from
src/message/properties.tsv by python/gen_bindings.py. Do not edit by hand: rerun the
generator.
"""

from typing import Iterable, List, Optional, Union

from . import _bindings as B


class MessageFields:
    """A row of the property table with a Python name is an attribute: arrays are
    lists of str, numbers int, flags bool, the rest str; read-only properties have no
    setter. Setting None (text) or [] (arrays) clears the field. Message provides the
    four accessors."""

    def get(self, prop: int, index: int = 0) -> Optional[str]:
        raise NotImplementedError

    def set(self, prop: int, value: Union[str, int, bool, None], index: int = 0) -> None:
        raise NotImplementedError

    def get_list(self, prop: int) -> List[str]:
        raise NotImplementedError

    def set_list(self, prop: int, values: Union[str, Iterable[str], None]) -> None:
        raise NotImplementedError

    @property
    def sender(self) -> str:
        """Sender address (`Email.Expediteur`)."""
        return self.get(B.WD_EMAIL_SENDER) or ""

    @sender.setter
    def sender(self, value: Optional[str]) -> None:
        self.set(B.WD_EMAIL_SENDER, value)

    @property
    def to(self) -> List[str]:
        """Array: To recipients (`Email.Destinataire`)."""
        return self.get_list(B.WD_EMAIL_RECIPIENT)

    @to.setter
    def to(self, value: Union[str, Iterable[str], None]) -> None:
        self.set_list(B.WD_EMAIL_RECIPIENT, value)

    @property
    def cc(self) -> List[str]:
        """Array: Cc recipients (`Email.Cc`)."""
        return self.get_list(B.WD_EMAIL_CC)

    @cc.setter
    def cc(self, value: Union[str, Iterable[str], None]) -> None:
        self.set_list(B.WD_EMAIL_CC, value)

    @property
    def bcc(self) -> List[str]:
        """Array: Bcc recipients (`Email.Cci`)."""
        return self.get_list(B.WD_EMAIL_BCC)

    @bcc.setter
    def bcc(self, value: Union[str, Iterable[str], None]) -> None:
        self.set_list(B.WD_EMAIL_BCC, value)

    @property
    def reply_to(self) -> str:
        """Reply-To address."""
        return self.get(B.WD_EMAIL_REPLY_TO) or ""

    @reply_to.setter
    def reply_to(self, value: Optional[str]) -> None:
        self.set(B.WD_EMAIL_REPLY_TO, value)

    @property
    def subject(self) -> str:
        """Subject (`Email.Sujet`)."""
        return self.get(B.WD_EMAIL_SUBJECT) or ""

    @subject.setter
    def subject(self, value: Optional[str]) -> None:
        self.set(B.WD_EMAIL_SUBJECT, value)

    @property
    def body(self) -> str:
        """Text body (`Email.Message`)."""
        return self.get(B.WD_EMAIL_MESSAGE) or ""

    @body.setter
    def body(self, value: Optional[str]) -> None:
        self.set(B.WD_EMAIL_MESSAGE, value)

    @property
    def html(self) -> str:
        """HTML body (`Email.HTML`)."""
        return self.get(B.WD_EMAIL_HTML) or ""

    @html.setter
    def html(self, value: Optional[str]) -> None:
        self.set(B.WD_EMAIL_HTML, value)

    @property
    def date(self) -> str:
        """Date: RFC 3339 (or a WLangage DateHeure `AAAAMMJJHHMMSS` in local time after `EmailParametre(WD_PARAM_DATE_FORMAT, WD_DATE_WLANGAGE)`); set as RFC 3339, DateHeure (8, 14, 16 or 17 digits, local time) or RFC 5322 (`Email.Date`)."""
        return self.get(B.WD_EMAIL_DATE) or ""

    @date.setter
    def date(self, value: Optional[str]) -> None:
        self.set(B.WD_EMAIL_DATE, value)

    @property
    def message_id(self) -> str:
        """Message-ID without angle brackets (`Email.MessageID`)."""
        return self.get(B.WD_EMAIL_MESSAGE_ID) or ""

    @message_id.setter
    def message_id(self, value: Optional[str]) -> None:
        self.set(B.WD_EMAIL_MESSAGE_ID, value)

    @property
    def priority(self) -> int:
        """Priority 1 (high) .. 5 (low), 0 unset; `WD_PRIORITY_HIGH`, `_NORMAL`, `_LOW` (`Email.Priorité`)."""
        return int(self.get(B.WD_EMAIL_PRIORITY) or 0)

    @priority.setter
    def priority(self, value: int) -> None:
        self.set(B.WD_EMAIL_PRIORITY, value)

    @property
    def disposition_notification(self) -> bool:
        """Read receipt asked, "1" or "0" (set: 1/0, or the address to send it to) (`Email.AccuséRéception`)."""
        return self.get(B.WD_EMAIL_DISPOSITION_NOTIFICATION) == "1"

    @disposition_notification.setter
    def disposition_notification(self, value: bool) -> None:
        self.set(B.WD_EMAIL_DISPOSITION_NOTIFICATION, value)

    @property
    def uid(self) -> str:
        """POP3 UIDL or IMAP UID (`Email.Identifiant`), read-only."""
        return self.get(B.WD_EMAIL_UID) or ""

    @property
    def number(self) -> int:
        """Message number in the mailbox, 1-based (`Email.Numéro`), read-only."""
        return int(self.get(B.WD_EMAIL_NUMBER) or 0)

    @property
    def size(self) -> int:
        """Size in bytes (`Email.Taille`), read-only."""
        return int(self.get(B.WD_EMAIL_SIZE) or 0)

    @property
    def seen(self) -> bool:
        """IMAP \\Seen flag, "1" or "0" (`Email.Lu`)."""
        return self.get(B.WD_EMAIL_SEEN) == "1"

    @seen.setter
    def seen(self, value: bool) -> None:
        self.set(B.WD_EMAIL_SEEN, value)

    @property
    def out(self) -> bool:
        """"1" when a read function found no message (`Email.EnDehors`), read-only."""
        return self.get(B.WD_EMAIL_OUT) == "1"

    @property
    def mail_id(self) -> int:
        """Asynchronous send identifier for `EmailEtat` (`Email.IdentifiantMail`), read-only."""
        return int(self.get(B.WD_EMAIL_MAIL_ID) or 0)

    @property
    def refused(self) -> List[str]:
        """Array: recipients refused at the last send, `addr: server reply`, read-only."""
        return self.get_list(B.WD_EMAIL_REFUSED)

    @property
    def flagged(self) -> bool:
        """IMAP `\\Flagged` flag, "1" or "0" (written by `EmailMiseAJour`)."""
        return self.get(B.WD_EMAIL_FLAGGED) == "1"

    @flagged.setter
    def flagged(self, value: bool) -> None:
        self.set(B.WD_EMAIL_FLAGGED, value)

    @property
    def answered(self) -> bool:
        """IMAP `\\Answered` flag, "1" or "0" (written by `EmailMiseAJour`)."""
        return self.get(B.WD_EMAIL_ANSWERED) == "1"

    @answered.setter
    def answered(self, value: bool) -> None:
        self.set(B.WD_EMAIL_ANSWERED, value)

    @property
    def draft(self) -> bool:
        """IMAP `\\Draft` flag, "1" or "0" (written by `EmailMiseAJour`)."""
        return self.get(B.WD_EMAIL_DRAFT) == "1"

    @draft.setter
    def draft(self, value: bool) -> None:
        self.set(B.WD_EMAIL_DRAFT, value)

    @property
    def deleted(self) -> bool:
        """IMAP `\\Deleted` flag, "1" or "0"; "1" after `EmailSupprimeMessage`; written by `EmailMiseAJour` as a deletion (carried out at `EmailDetruit`, a folder change or the close; "0" takes it back before)."""
        return self.get(B.WD_EMAIL_DELETED) == "1"

    @deleted.setter
    def deleted(self, value: bool) -> None:
        self.set(B.WD_EMAIL_DELETED, value)

    @property
    def keywords(self) -> List[str]:
        """Array: IMAP keywords (flags without a backslash, e.g. `$Forwarded`), written by `EmailMiseAJour`."""
        return self.get_list(B.WD_EMAIL_KEYWORDS)

    @keywords.setter
    def keywords(self, value: Union[str, Iterable[str], None]) -> None:
        self.set_list(B.WD_EMAIL_KEYWORDS, value)
