"""The message model through ctypes: build -> source -> import, attachments, non-ASCII."""

import datetime

import pytest

import wd300com as wd
from wd300com import Message, WdError

BINARY = bytes(range(256)) + b"\x00\x00end\x00"


def make_message():
    msg = Message()
    msg.sender = "Zoë Écrivain <zoe@wd.test>"
    msg.to = ["bob@wd.test", "Ünïcödé Person <carol@wd.test>"]
    msg.cc = ["dave@wd.test"]
    msg.bcc = ["hidden@wd.test"]
    msg.subject = "Ça marche — 日本語 ✓"
    msg.body = "Bonjour,\nligne 2 : €uro\n.\nfin"
    msg.html = "<p>Bonjour <b>€</b> 日本</p>"
    msg.add_header("X-Wd-Test", "valeur é")
    msg.add_attachment_data("données.bin", BINARY, "application/octet-stream")
    msg.add_attachment_data("note.txt", "texte é\n".encode("utf-8"), "text/plain")
    return msg


def test_fields_read_back_before_build():
    with make_message() as msg:
        assert msg.subject == "Ça marche — 日本語 ✓"
        assert msg.to == ["bob@wd.test", "Ünïcödé Person <carol@wd.test>"]
        assert msg.bcc == ["hidden@wd.test"]
        atts = msg.attachments
        assert [a.name for a in atts] == ["données.bin", "note.txt"]
        assert atts[0].content == BINARY
        name, type_, content = atts[1]
        assert (name, type_, content) == ("note.txt", "text/plain", "texte é\n".encode())


def test_build_source_import_round_trip():
    with make_message() as msg:
        source = msg.build()
        assert isinstance(source, bytes) and source == msg.source
        assert source.isascii(), "non-ASCII must be encoded in the built source"
        assert b"hidden@wd.test" not in source, "Bcc must not be written by default"
        assert msg.message_id and msg.date, "build fills Message-ID and Date"
        with Message.from_source(source) as back:
            assert back.subject == msg.subject
            assert back.sender == "Zoë Écrivain <zoe@wd.test>"
            assert back.to == ["bob@wd.test", "Ünïcödé Person <carol@wd.test>"]
            assert back.cc == ["dave@wd.test"]
            assert back.bcc == []
            assert back.body.replace("\r\n", "\n").rstrip("\n") == msg.body
            assert "Bonjour <b>€</b> 日本" in back.html
            assert back.message_id == msg.message_id
            assert back.header("X-Wd-Test") == "valeur é"
            assert back.header("x-wd-test") == "valeur é"
            assert back.header("X-Wd-Test", 1) is None
            assert back.header("X-Absent") is None
            assert back.headers("Subject") == [msg.subject]
            atts = back.attachments
            assert [(a.name, a.type) for a in atts] == [
                ("données.bin", "application/octet-stream"),
                ("note.txt", "text/plain"),
            ]
            assert atts[0].content == BINARY
            assert atts[1].content == "texte é\n".encode("utf-8")
            assert back.source == source


def test_bcc_header_option():
    with make_message() as msg:
        assert b"hidden@wd.test" in msg.build(bcc_header=True)


def test_flat_functions_round_trip():
    h = wd.EmailCree()
    assert h > 0
    try:
        assert wd.EmailModifiePropriete(h, wd.WD_EMAIL_SUBJECT, 0, "Résumé") == 1
        assert wd.EmailSetProperty(h, wd.WD_EMAIL_SENDER, 0, b"a@wd.test") == 1
        assert wd.EmailAjoute(h, wd.WD_EMAIL_RECIPIENT, "b@wd.test") == 1
        assert wd.EmailAjouteFichierAttacheMemoire(h, "z.bin", b"\x00a\x00", None) == 1
        assert wd.EmailNb(h, wd.WD_EMAIL_ATTACHMENT_NAME) == 1
        assert wd.EmailFichierAttacheContenu(h, 0) == b"\x00a\x00"
        assert wd.EmailConstruitSource(h, 0) == 1
        src = wd.EmailSource(h)
        assert isinstance(src, bytes) and b"Subject:" in src
        h2 = wd.EmailCreate()
        assert wd.EmailImportSource(h2, src) == 1
        assert wd.EmailGetProperty(h2, wd.WD_EMAIL_SUBJECT, 0) == "Résumé"
        assert wd.EmailAttachmentContent(h2, 0) == b"\x00a\x00"
        assert wd.EmailFree(h2) == 1
    finally:
        assert wd.EmailLibere(h) == 1


def test_attachment_files(tmp_path):
    src = tmp_path / "pièce.bin"
    src.write_bytes(BINARY)
    with Message() as msg:
        msg.sender = "a@wd.test"
        msg.to = ["b@wd.test"]
        msg.add_attachment(src)
        with Message.from_source(msg.build()) as back:
            assert back.attachments[0].name == "pièce.bin"
            out = tmp_path / "out.bin"
            back.save_attachment(0, out)
            assert out.read_bytes() == BINARY


def test_missing_attachment_file_raises_io(tmp_path):
    with Message() as msg:
        with pytest.raises(WdError) as ei:
            msg.add_attachment(tmp_path / "absent.bin")
        assert ei.value.code == wd.WD_E_IO
        assert ei.value.server_reply  # the OS error


def test_date_and_flags():
    with Message() as msg:
        msg.date = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)
        assert msg.date.startswith("2024-05-06T07:08:09")
        assert msg.seen is False
        msg.seen = True
        assert msg.seen is True
        assert msg.out is False
        msg.priority = 1
        assert msg.priority == 1


def test_list_setters_replace_and_clear():
    with Message() as msg:
        msg.to = ["a@wd.test", "b@wd.test", "c@wd.test"]
        msg.to = ["d@wd.test"]
        assert msg.to == ["d@wd.test"]
        msg.to = []
        assert msg.to == []
        msg.add(wd.WD_EMAIL_CC, "e@wd.test")
        assert msg.cc == ["e@wd.test"]


def test_reset_and_legacy_structure():
    leg = Message.legacy()
    assert leg.handle == 0
    leg.subject = "legacy"
    assert wd.EmailPropriete(0, wd.WD_EMAIL_SUBJECT, 0) == "legacy"
    leg.reset()
    assert leg.subject == ""
    leg.close()  # never frees handle 0
    leg.subject = "still usable"
    leg.reset()


def test_import_garbage_is_tolerated_or_message_error():
    with Message() as msg:
        try:
            msg.import_source(b"\x00\xff\xfe not a message")
        except WdError as e:
            assert e.code == wd.WD_E_MESSAGE


def test_many_messages_freed_by_gc():
    import gc

    for _ in range(200):
        m = Message()
        m.subject = "x"
        del m
    gc.collect()
    # Pending frees run at the next call; the next call must still work.
    with Message() as m:
        m.subject = "ok"
        assert m.subject == "ok"


def test_attributes_follow_the_property_table():
    """Every property of the table (src/message/properties.rs) with a Python name is a
    Message attribute: typed from the table, read-only ones without a setter."""
    constants = [n for n in wd.CONSTANTS if n.startswith("WD_EMAIL_")]
    assert [row[1] for row in wd.EMAIL_PROPERTIES] == [wd.CONSTANTS[n] for n in constants]
    with Message() as msg:
        for attr, _prop, kind, type_, writable, _doc in wd.EMAIL_PROPERTIES:
            if not attr:
                continue
            descriptor = getattr(Message, attr)
            assert (descriptor.fset is not None) == writable, attr
            value = getattr(msg, attr)
            expected = {"number": int, "flag": bool}.get(type_, str)
            assert isinstance(value, list if kind == "array" else expected), attr
        with pytest.raises(AttributeError):
            msg.uid = "1"
        assert msg.mail_id == 0 and msg.text == msg.body == ""
