"""Constants and C signatures of libwd300com, generated from include/wd300com.h and
src/message/properties.tsv by python/gen_bindings.py. Do not edit by hand: rerun the
generator.
"""

from typing import Dict, Tuple, Union

# fmt: off

# A C signature: (return kind, ((parameter, kind), ...)); kinds in gen_bindings.py.
Signature = Tuple[str, Tuple[Tuple[str, str], ...]]

# int32_t typedefs of the header.
INT32_TYPEDEFS: Tuple[str, ...] = ('WD_E', 'WdAuthToken', 'WdEmail', 'WdEmailList', 'WdOAuth2Params', )

# WD_* #defines and WD_E enum values, in header order.
WD300COM_VERSION_MAJOR = 0
WD300COM_VERSION_MINOR = 1
WD300COM_VERSION_PATCH = 0
WD300COM_VERSION_NUMBER = 100
WD300COM_VERSION_STRING = '0.1.0'
WD_ERR_MESSAGE = 1
WD_ERR_CODE = 2
WD_ERR_SYSTEM_MESSAGE = 3
WD_ERR_FULL_DETAILS = 4
WD_ERR_DEFAULT = 0
WD_OAUTH_CLIENT_ID = 1
WD_OAUTH_CLIENT_SECRET = 2
WD_OAUTH_AUTH_URL = 3
WD_OAUTH_TOKEN_URL = 4
WD_OAUTH_SCOPE = 5
WD_OAUTH_REDIRECT_URL = 6
WD_OAUTH_RESPONSE_TYPE = 7
WD_OAUTH_GRANT_TYPE = 8
WD_OAUTH_ADDITIONAL_PARAMETERS = 9
WD_OAUTH_CA_FILE = 10
WD_TOKEN_VALUE = 1
WD_TOKEN_REFRESH = 2
WD_TOKEN_EXPIRATION = 3
WD_TOKEN_VALID = 4
WD_READ_ALL = 8
WD_READ_UNREAD = 1
WD_READ_HEADER = 2
WD_READ_KEEP_UNSEEN = 4
WD_READ_ASYNC = 16
WD_SESSION_POP3 = 1
WD_SESSION_SMTP = 2
WD_SESSION_IMAP = 3
WD_OPTION_NONE = 0
WD_OPTION_SSL = 1
WD_OPTION_SECURED_TLS = 2
WD_PROP_SERVER_ADDRESS = 1
WD_PROP_PORT = 2
WD_PROP_USER = 3
WD_PROP_PASSWORD = 4
WD_PROP_OPTION = 5
WD_PROP_AUTH_TOKEN = 6
WD_PROP_AUTH_METHOD = 7
WD_PROP_IGNORE_ERROR = 8
WD_PROP_CA_FILE = 9
WD_PROP_TIMEOUT = 10
WD_PROP_ASYNCHRONOUS = 11
WD_PROP_CLIENT_NAME = 12
WD_PROP_FOLDER = 13
WD_PROP_SPOOL_DIR = 14
WD_PROP_CONNECTIONS = 15
WD_PROP_MAX_MESSAGE_SIZE = 16
WD_PROP_OAUTH_TOKEN = 17
WD_PROP_PROXY = 18
WD_PROP_KEEPALIVE = 19
WD_AUTH_AUTO = 0
WD_AUTH_PLAIN = 1
WD_AUTH_LOGIN = 2
WD_AUTH_CRAM_MD5 = 3
WD_AUTH_XOAUTH2 = 4
WD_AUTH_OAUTHBEARER = 5
WD_AUTH_APOP = 6
WD_AUTH_USER_PASS = 7
WD_AUTH_SCRAM_SHA_256 = 8
WD_AUTH_SCRAM_SHA_1 = 9
WD_STATUS_PENDING = 1
WD_STATUS_SENT = 2
WD_STATUS_ERROR = 3
WD_ADDRESS_VALID = 1
WD_ADDRESS_INCORRECT_SYNTAX = 2
WD_ADDRESS_REFUSED = 3
WD_ADDRESS_ERROR = 4
WD_EMAIL_SENDER = 1
WD_EMAIL_RECIPIENT = 2
WD_EMAIL_CC = 3
WD_EMAIL_BCC = 4
WD_EMAIL_REPLY_TO = 5
WD_EMAIL_SUBJECT = 6
WD_EMAIL_MESSAGE = 7
WD_EMAIL_HTML = 8
WD_EMAIL_DATE = 9
WD_EMAIL_MESSAGE_ID = 10
WD_EMAIL_PRIORITY = 11
WD_EMAIL_DISPOSITION_NOTIFICATION = 12
WD_EMAIL_ATTACHMENT_NAME = 13
WD_EMAIL_ATTACHMENT_TYPE = 14
WD_EMAIL_ATTACHMENT_CONTENT_ID = 15
WD_EMAIL_UID = 16
WD_EMAIL_NUMBER = 17
WD_EMAIL_SIZE = 18
WD_EMAIL_SEEN = 19
WD_EMAIL_OUT = 20
WD_EMAIL_MAIL_ID = 21
WD_EMAIL_REFUSED = 22
WD_EMAIL_ATTACHMENT_RAW_NAME = 23
WD_EMAIL_DISPOSITION_NOTIFICATION_TO = 24
WD_EMAIL_NB_RECIPIENT = 25
WD_EMAIL_NB_ATTACHMENT = 26
WD_EMAIL_ERROR = 27
WD_EMAIL_CONFIDENTIALITY = 28
WD_EMAIL_SENDER_ADDRESS = 29
WD_EMAIL_FLAGGED = 30
WD_EMAIL_ANSWERED = 31
WD_EMAIL_DRAFT = 32
WD_EMAIL_DELETED = 33
WD_EMAIL_KEYWORDS = 34
WD_BUILD_ENCODE_HEADER = 1
WD_BUILD_HEADER_BCC = 2
WD_PARAM_MODE = 1
WD_PARAM_MIN_SPEED = 2
WD_PARAM_DATE_FORMAT = 3
WD_DATE_RFC3339 = 0
WD_DATE_WLANGAGE = 1
WD_SEND_ENCODE_HEADER = 1
WD_SEND_HEADER_BCC = 2
WD_SEND_DSN_SUCCESS = 4
WD_SEND_DSN_FAILURE = 8
WD_SEND_DSN_DELAY = 16
WD_SEND_DSN_HEADERS = 32
WD_PRIORITY_HIGH = '1'
WD_PRIORITY_NORMAL = '3'
WD_PRIORITY_LOW = '5'
WD_CONFIDENTIALITY_NORMAL = ''
WD_CONFIDENTIALITY_PERSONAL = 'personal'
WD_CONFIDENTIALITY_PRIVATE = 'private'
WD_CONFIDENTIALITY_COMPANY = 'company-confidential'
WD_SENDING_SYNCHRONOUS = 0
WD_SENDING_ASYNCHRONOUS = 1
WD_OAUTH_RESPONSE_TYPE_CODE = 'code'
WD_SEEK_BODY = 1
WD_SEEK_MESSAGE_ID = 2
WD_SEEK_SUBJECT = 3
WD_SEEK_SENDER = 4
WD_FOLDER_SENT = 1
WD_FOLDER_DRAFTS = 2
WD_FOLDER_TRASH = 3
WD_FOLDER_JUNK = 4
WD_FOLDER_ARCHIVE = 5
WD_FOLDER_ALL = 6
WD_TRACE_INFO = 0
WD_TRACE_CLIENT = 1
WD_TRACE_SERVER = 2
WD_LIST_FILLING = 1
WD_LIST_COMPLETE = 2
WD_LIST_ERROR = 3
WD_E_NONE = 0
WD_E_INVALID_ARGUMENT = 101
WD_E_INVALID_HANDLE = 102
WD_E_UNKNOWN_SESSION = 103
WD_E_SESSION_EXISTS = 104
WD_E_NOT_SUPPORTED = 105
WD_E_RECURSIVE_CALL = 106
WD_E_CANCELLED = 107
WD_E_CONNECT = 201
WD_E_TIMEOUT = 202
WD_E_CONNECTION_LOST = 203
WD_E_TLS = 301
WD_E_AUTH = 401
WD_E_PROTOCOL = 501
WD_E_RECIPIENT_REFUSED = 502
WD_E_MESSAGE = 601
WD_E_IO = 701
WD_E_INTERNAL = 901

CONSTANTS: Dict[str, Union[int, str]] = {
    k: v for k, v in globals().items() if k.startswith(("WD_", "WD300COM_"))
}

# The distinct signatures.
_SIGNATURES: Tuple[Signature, ...] = (
    ('i32', ()),
    ('str', (('info', 'i32'), )),
    ('str', (('code', 'i32'), )),
    ('i32', (('user', 'str'), ('password', 'str'), ('server', 'str'), ('port', 'i32'), ('option', 'i32'), )),
    ('i32', (('email', 'i32'), )),
    ('str', (('email', 'i32'), ('property', 'i32'), ('index', 'i32'), )),
    ('i32', (('email', 'i32'), ('property', 'i32'), ('index', 'i32'), ('value', 'str'), )),
    ('i32', (('email', 'i32'), ('property', 'i32'), ('value', 'str'), )),
    ('i32', (('email', 'i32'), ('property', 'i32'), )),
    ('str', (('email', 'i32'), ('header_name', 'str'), ('index', 'i32'), )),
    ('i32', (('email', 'i32'), ('header_name', 'str'), ('value', 'str'), )),
    ('i32', (('email', 'i32'), ('path', 'str'), )),
    ('i32', (('email', 'i32'), ('name', 'str'), ('data', 'bytes'), ('len', 'size'), ('content_type', 'str'), )),
    ('bytes', (('email', 'i32'), ('index', 'i32'), ('out_len', 'size_out'), )),
    ('i32', (('email', 'i32'), ('index', 'i32'), ('path', 'str'), )),
    ('i32', (('email', 'i32'), ('options', 'i32'), )),
    ('bytes', (('email', 'i32'), ('out_len', 'size_out'), )),
    ('i32', (('email', 'i32'), ('data', 'bytes'), ('len', 'size'), )),
    ('i32', (('email', 'i32'), ('html', 'str'), ('images_dir', 'str'), )),
    ('i32', (('params', 'i32'), ('property', 'i32'), ('value', 'str'), )),
    ('str', (('params', 'i32'), ('property', 'i32'), )),
    ('i32', (('params', 'i32'), )),
    ('i32', (('callback', 'fnptr'), ('user_data', 'ptr'), )),
    ('str', (('token', 'i32'), ('property', 'i32'), )),
    ('i32', (('token', 'i32'), ('params', 'i32'), )),
    ('i32', (('handle', 'i32'), )),
    ('i32', (('user', 'str'), ('password', 'str'), ('pop3_server', 'str'), ('smtp_server', 'str'), ('pop3_port', 'i32'), ('smtp_port', 'i32'), ('asynchronous', 'i32'), )),
    ('i32', (('session', 'str'), ('email', 'i32'), ('options', 'i32'), )),
    ('i32', (('session', 'str'), ('options', 'i32'), )),
    ('i32', (('session', 'str'), ('number', 'i32'), )),
    ('i32', (('session', 'str'), ('email', 'i32'), ('number', 'i32'), )),
    ('i32', (('list', 'i32'), )),
    ('i32', (('list', 'i32'), ('index', 'i32'), )),
    ('i32', (('session', 'str'), ('email', 'i32'), )),
    ('i32', (('session', 'str'), )),
    ('str', (('session', 'str'), )),
    ('str', (('session', 'str'), ('role', 'i32'), )),
    ('i32', (('session', 'str'), ('folder', 'str'), )),
    ('i32', (('session', 'str'), ('folder', 'str'), ('new_name', 'str'), )),
    ('i32', (('session', 'str'), ('email', 'i32'), ('folder', 'str'), )),
    ('i32', (('session', 'str'), ('folder', 'str'), ('email', 'i32'), )),
    ('i32', (('session', 'str'), ('criteria', 'str'), ('options', 'i32'), )),
    ('i32', (('session', 'str'), ('email', 'i32'), ('criterion', 'i32'), ('value', 'str'), )),
    ('i32', (('session', 'str'), ('seconds', 'i32'), )),
    ('i32', (('name', 'str'), ('session_type', 'i32'), )),
    ('i32', (('name', 'str'), ('property', 'i32'), ('value', 'str'), )),
    ('str', (('name', 'str'), ('property', 'i32'), )),
    ('i32', (('profile', 'str'), ('password', 'str'), )),
    ('i32', (('name', 'str'), )),
    ('i32', (('seconds', 'i32'), )),
    ('i32', (('parameter', 'i32'), ('value', 'i32'), )),
    ('i32', (('path', 'str'), )),
    ('str', ()),
    ('i32', (('session', 'str'), ('callback', 'fnptr'), ('user_data', 'ptr'), )),
    ('i32', (('user', 'str'), ('password', 'str'), ('server', 'str'), ('port', 'i32'), ('asynchronous', 'i32'), ('option', 'i32'), )),
    ('i32', (('session', 'str'), ('path', 'str'), )),
    ('i32', (('mail_id', 'i32'), )),
    ('i32', (('address', 'str'), ('session', 'str'), )),
)

# (name, index in _SIGNATURES, C prototype), in header order.
_FUNCTIONS: Tuple[Tuple[str, int, str], ...] = (
    ('ErreurDetectee', 0, 'int32_t ErreurDetectee(void);'),
    ('ErrorOccurred', 0, 'int32_t ErrorOccurred(void);'),
    ('ErreurInfo', 1, 'const char *ErreurInfo(int32_t info);'),
    ('ErrorInfo', 1, 'const char *ErrorInfo(int32_t info);'),
    ('ErreurCode', 0, 'WD_E ErreurCode(void);'),
    ('ErrorCode', 0, 'WD_E ErrorCode(void);'),
    ('ErreurCodeTexte', 2, 'const char *ErreurCodeTexte(int32_t code);'),
    ('ErrorCodeText', 2, 'const char *ErrorCodeText(int32_t code);'),
    ('EmailOuvreSessionIMAP', 3, 'int32_t EmailOuvreSessionIMAP(const char *user, const char *password, const char *server, int32_t port, int32_t option);'),
    ('EmailStartIMAPSession', 3, 'int32_t EmailStartIMAPSession(const char *user, const char *password, const char *server, int32_t port, int32_t option);'),
    ('EmailCree', 0, 'WdEmail EmailCree(void);'),
    ('EmailCreate', 0, 'WdEmail EmailCreate(void);'),
    ('EmailLibere', 4, 'int32_t EmailLibere(WdEmail email);'),
    ('EmailFree', 4, 'int32_t EmailFree(WdEmail email);'),
    ('EmailRAZ', 4, 'int32_t EmailRAZ(WdEmail email);'),
    ('EmailReset', 4, 'int32_t EmailReset(WdEmail email);'),
    ('EmailPropriete', 5, 'const char *EmailPropriete(WdEmail email, int32_t property, int32_t index);'),
    ('EmailGetProperty', 5, 'const char *EmailGetProperty(WdEmail email, int32_t property, int32_t index);'),
    ('EmailModifiePropriete', 6, 'int32_t EmailModifiePropriete(WdEmail email, int32_t property, int32_t index, const char *value);'),
    ('EmailSetProperty', 6, 'int32_t EmailSetProperty(WdEmail email, int32_t property, int32_t index, const char *value);'),
    ('EmailAjoute', 7, 'int32_t EmailAjoute(WdEmail email, int32_t property, const char *value);'),
    ('EmailAdd', 7, 'int32_t EmailAdd(WdEmail email, int32_t property, const char *value);'),
    ('EmailNb', 8, 'int32_t EmailNb(WdEmail email, int32_t property);'),
    ('EmailCount', 8, 'int32_t EmailCount(WdEmail email, int32_t property);'),
    ('EmailEntete', 9, 'const char *EmailEntete(WdEmail email, const char *header_name, int32_t index);'),
    ('EmailHeader', 9, 'const char *EmailHeader(WdEmail email, const char *header_name, int32_t index);'),
    ('EmailAjouteEntete', 10, 'int32_t EmailAjouteEntete(WdEmail email, const char *header_name, const char *value);'),
    ('EmailAddHeader', 10, 'int32_t EmailAddHeader(WdEmail email, const char *header_name, const char *value);'),
    ('EmailAjouteFichierAttache', 11, 'int32_t EmailAjouteFichierAttache(WdEmail email, const char *path);'),
    ('EmailAddAttachment', 11, 'int32_t EmailAddAttachment(WdEmail email, const char *path);'),
    ('EmailAjouteFichierAttacheMemoire', 12, 'int32_t EmailAjouteFichierAttacheMemoire(WdEmail email, const char *name, const uint8_t *data, size_t len, const char *content_type);'),
    ('EmailAddAttachmentData', 12, 'int32_t EmailAddAttachmentData(WdEmail email, const char *name, const uint8_t *data, size_t len, const char *content_type);'),
    ('EmailFichierAttacheContenu', 13, 'const uint8_t *EmailFichierAttacheContenu(WdEmail email, int32_t index, size_t *out_len);'),
    ('EmailAttachmentContent', 13, 'const uint8_t *EmailAttachmentContent(WdEmail email, int32_t index, size_t *out_len);'),
    ('EmailSauveFichierAttache', 14, 'int32_t EmailSauveFichierAttache(WdEmail email, int32_t index, const char *path);'),
    ('EmailSaveAttachment', 14, 'int32_t EmailSaveAttachment(WdEmail email, int32_t index, const char *path);'),
    ('EmailConstruitSource', 15, 'int32_t EmailConstruitSource(WdEmail email, int32_t options);'),
    ('EmailBuildSource', 15, 'int32_t EmailBuildSource(WdEmail email, int32_t options);'),
    ('EmailSource', 16, 'const uint8_t *EmailSource(WdEmail email, size_t *out_len);'),
    ('EmailGetSource', 16, 'const uint8_t *EmailGetSource(WdEmail email, size_t *out_len);'),
    ('EmailImporteSource', 17, 'int32_t EmailImporteSource(WdEmail email, const uint8_t *data, size_t len);'),
    ('EmailImportSource', 17, 'int32_t EmailImportSource(WdEmail email, const uint8_t *data, size_t len);'),
    ('EmailImporteHTML', 18, 'int32_t EmailImporteHTML(WdEmail email, const char *html, const char *images_dir);'),
    ('EmailImportHTML', 18, 'int32_t EmailImportHTML(WdEmail email, const char *html, const char *images_dir);'),
    ('EmailOuvreMessagerie', 4, 'int32_t EmailOuvreMessagerie(WdEmail email);'),
    ('EmailOpenMail', 4, 'int32_t EmailOpenMail(WdEmail email);'),
    ('EmailLanceAppli', 4, 'int32_t EmailLanceAppli(WdEmail email);'),
    ('EmailRunApp', 4, 'int32_t EmailRunApp(WdEmail email);'),
    ('OAuth2ParametresCree', 0, 'WdOAuth2Params OAuth2ParametresCree(void);'),
    ('OAuth2ParametersCreate', 0, 'WdOAuth2Params OAuth2ParametersCreate(void);'),
    ('OAuth2ParametresModifie', 19, 'int32_t OAuth2ParametresModifie(WdOAuth2Params params, int32_t property, const char *value);'),
    ('OAuth2ParametersSet', 19, 'int32_t OAuth2ParametersSet(WdOAuth2Params params, int32_t property, const char *value);'),
    ('OAuth2ParametresPropriete', 20, 'const char *OAuth2ParametresPropriete(WdOAuth2Params params, int32_t property);'),
    ('OAuth2ParametersGet', 20, 'const char *OAuth2ParametersGet(WdOAuth2Params params, int32_t property);'),
    ('AuthIdentifie', 21, 'WdAuthToken AuthIdentifie(WdOAuth2Params params);'),
    ('AuthIdentify', 21, 'WdAuthToken AuthIdentify(WdOAuth2Params params);'),
    ('AuthInviteFonction', 22, 'int32_t AuthInviteFonction(WdPromptCallback callback, void *user_data);'),
    ('AuthPromptCallback', 22, 'int32_t AuthPromptCallback(WdPromptCallback callback, void *user_data);'),
    ('AuthTokenPropriete', 23, 'const char *AuthTokenPropriete(WdAuthToken token, int32_t property);'),
    ('AuthTokenGet', 23, 'const char *AuthTokenGet(WdAuthToken token, int32_t property);'),
    ('AuthRafraichitToken', 24, 'WdAuthToken AuthRafraichitToken(WdAuthToken token, WdOAuth2Params params);'),
    ('AuthRefreshToken', 24, 'WdAuthToken AuthRefreshToken(WdAuthToken token, WdOAuth2Params params);'),
    ('AuthVerifieAuthentification', 24, 'int32_t AuthVerifieAuthentification(WdAuthToken token, WdOAuth2Params params);'),
    ('AuthVerifyAuthentication', 24, 'int32_t AuthVerifyAuthentication(WdAuthToken token, WdOAuth2Params params);'),
    ('OAuth2Libere', 25, 'int32_t OAuth2Libere(int32_t handle);'),
    ('OAuth2Free', 25, 'int32_t OAuth2Free(int32_t handle);'),
    ('EmailOuvreSessionPOP3', 3, 'int32_t EmailOuvreSessionPOP3(const char *user, const char *password, const char *server, int32_t port, int32_t option);'),
    ('EmailStartPOP3Session', 3, 'int32_t EmailStartPOP3Session(const char *user, const char *password, const char *server, int32_t port, int32_t option);'),
    ('EmailOuvreSession', 26, 'int32_t EmailOuvreSession(const char *user, const char *password, const char *pop3_server, const char *smtp_server, int32_t pop3_port, int32_t smtp_port, int32_t asynchronous);'),
    ('EmailStartSession', 26, 'int32_t EmailStartSession(const char *user, const char *password, const char *pop3_server, const char *smtp_server, int32_t pop3_port, int32_t smtp_port, int32_t asynchronous);'),
    ('EmailLitPremier', 27, 'int32_t EmailLitPremier(const char *session, WdEmail email, int32_t options);'),
    ('EmailReadFirst', 27, 'int32_t EmailReadFirst(const char *session, WdEmail email, int32_t options);'),
    ('EmailLitSuivant', 27, 'int32_t EmailLitSuivant(const char *session, WdEmail email, int32_t options);'),
    ('EmailReadNext', 27, 'int32_t EmailReadNext(const char *session, WdEmail email, int32_t options);'),
    ('EmailLitPrecedent', 27, 'int32_t EmailLitPrecedent(const char *session, WdEmail email, int32_t options);'),
    ('EmailReadPrevious', 27, 'int32_t EmailReadPrevious(const char *session, WdEmail email, int32_t options);'),
    ('EmailLitDernier', 27, 'int32_t EmailLitDernier(const char *session, WdEmail email, int32_t options);'),
    ('EmailReadLast', 27, 'int32_t EmailReadLast(const char *session, WdEmail email, int32_t options);'),
    ('EmailLitPremierEntete', 27, 'int32_t EmailLitPremierEntete(const char *session, WdEmail email, int32_t options);'),
    ('EmailReadFirstHeader', 27, 'int32_t EmailReadFirstHeader(const char *session, WdEmail email, int32_t options);'),
    ('EmailLitSuivantEntete', 27, 'int32_t EmailLitSuivantEntete(const char *session, WdEmail email, int32_t options);'),
    ('EmailReadNextHeader', 27, 'int32_t EmailReadNextHeader(const char *session, WdEmail email, int32_t options);'),
    ('EmailLitPrecedentEntete', 27, 'int32_t EmailLitPrecedentEntete(const char *session, WdEmail email, int32_t options);'),
    ('EmailReadPreviousHeader', 27, 'int32_t EmailReadPreviousHeader(const char *session, WdEmail email, int32_t options);'),
    ('EmailLitDernierEntete', 27, 'int32_t EmailLitDernierEntete(const char *session, WdEmail email, int32_t options);'),
    ('EmailReadLastHeader', 27, 'int32_t EmailReadLastHeader(const char *session, WdEmail email, int32_t options);'),
    ('EmailNbMessage', 28, 'int32_t EmailNbMessage(const char *session, int32_t options);'),
    ('EmailTailleMessage', 29, 'int32_t EmailTailleMessage(const char *session, int32_t number);'),
    ('EmailMessageSize', 29, 'int32_t EmailMessageSize(const char *session, int32_t number);'),
    ('EmailLitMessage', 30, 'int32_t EmailLitMessage(const char *session, WdEmail email, int32_t number);'),
    ('EmailReadMessage', 30, 'int32_t EmailReadMessage(const char *session, WdEmail email, int32_t number);'),
    ('EmailLitEnteteMessage', 30, 'int32_t EmailLitEnteteMessage(const char *session, WdEmail email, int32_t number);'),
    ('EmailReadMessageHeader', 30, 'int32_t EmailReadMessageHeader(const char *session, WdEmail email, int32_t number);'),
    ('EmailRecupereTout', 28, 'WdEmailList EmailRecupereTout(const char *session, int32_t options);'),
    ('EmailGetAll', 28, 'WdEmailList EmailGetAll(const char *session, int32_t options);'),
    ('EmailListeNb', 31, 'int32_t EmailListeNb(WdEmailList list);'),
    ('EmailListCount', 31, 'int32_t EmailListCount(WdEmailList list);'),
    ('EmailListeElement', 32, 'WdEmail EmailListeElement(WdEmailList list, int32_t index);'),
    ('EmailListItem', 32, 'WdEmail EmailListItem(WdEmailList list, int32_t index);'),
    ('EmailListeEtat', 31, 'int32_t EmailListeEtat(WdEmailList list);'),
    ('EmailListStatus', 31, 'int32_t EmailListStatus(WdEmailList list);'),
    ('EmailSupprimeMessage', 33, 'int32_t EmailSupprimeMessage(const char *session, WdEmail email);'),
    ('EmailDeleteMessage', 33, 'int32_t EmailDeleteMessage(const char *session, WdEmail email);'),
    ('EmailDetruit', 34, 'int32_t EmailDetruit(const char *session);'),
    ('EmailDestroy', 34, 'int32_t EmailDestroy(const char *session);'),
    ('EmailListeDossier', 35, 'const char *EmailListeDossier(const char *session);'),
    ('EmailListFolder', 35, 'const char *EmailListFolder(const char *session);'),
    ('EmailDossierSpecial', 36, 'const char *EmailDossierSpecial(const char *session, int32_t role);'),
    ('EmailSpecialFolder', 36, 'const char *EmailSpecialFolder(const char *session, int32_t role);'),
    ('EmailListeDossierRole', 35, 'const char *EmailListeDossierRole(const char *session);'),
    ('EmailListFolderRoles', 35, 'const char *EmailListFolderRoles(const char *session);'),
    ('EmailChangeDossier', 37, 'int32_t EmailChangeDossier(const char *session, const char *folder);'),
    ('EmailChangeFolder', 37, 'int32_t EmailChangeFolder(const char *session, const char *folder);'),
    ('EmailCreeDossier', 37, 'int32_t EmailCreeDossier(const char *session, const char *folder);'),
    ('EmailCreateFolder', 37, 'int32_t EmailCreateFolder(const char *session, const char *folder);'),
    ('EmailSupprimeDossier', 37, 'int32_t EmailSupprimeDossier(const char *session, const char *folder);'),
    ('EmailDeleteFolder', 37, 'int32_t EmailDeleteFolder(const char *session, const char *folder);'),
    ('EmailRenommeDossier', 38, 'int32_t EmailRenommeDossier(const char *session, const char *folder, const char *new_name);'),
    ('EmailRenameFolder', 38, 'int32_t EmailRenameFolder(const char *session, const char *folder, const char *new_name);'),
    ('EmailCopieMessage', 39, 'int32_t EmailCopieMessage(const char *session, WdEmail email, const char *folder);'),
    ('EmailCopyMessage', 39, 'int32_t EmailCopyMessage(const char *session, WdEmail email, const char *folder);'),
    ('EmailDeplaceMessage', 39, 'int32_t EmailDeplaceMessage(const char *session, WdEmail email, const char *folder);'),
    ('EmailMoveMessage', 39, 'int32_t EmailMoveMessage(const char *session, WdEmail email, const char *folder);'),
    ('EmailMiseAJour', 33, 'int32_t EmailMiseAJour(const char *session, WdEmail email);'),
    ('EmailUpdate', 33, 'int32_t EmailUpdate(const char *session, WdEmail email);'),
    ('EmailAjouteMessage', 40, 'int32_t EmailAjouteMessage(const char *session, const char *folder, WdEmail email);'),
    ('EmailAppendMessage', 40, 'int32_t EmailAppendMessage(const char *session, const char *folder, WdEmail email);'),
    ('EmailRecherche', 41, 'WdEmailList EmailRecherche(const char *session, const char *criteria, int32_t options);'),
    ('EmailSearch', 41, 'WdEmailList EmailSearch(const char *session, const char *criteria, int32_t options);'),
    ('EmailCherchePremier', 42, 'int32_t EmailCherchePremier(const char *session, WdEmail email, int32_t criterion, const char *value);'),
    ('EmailSeekFirst', 42, 'int32_t EmailSeekFirst(const char *session, WdEmail email, int32_t criterion, const char *value);'),
    ('EmailChercheSuivant', 33, 'int32_t EmailChercheSuivant(const char *session, WdEmail email);'),
    ('EmailSeekNext', 33, 'int32_t EmailSeekNext(const char *session, WdEmail email);'),
    ('EmailAttendMessage', 43, 'int32_t EmailAttendMessage(const char *session, int32_t seconds);'),
    ('EmailWaitMessage', 43, 'int32_t EmailWaitMessage(const char *session, int32_t seconds);'),
    ('EmailSessionCree', 44, 'int32_t EmailSessionCree(const char *name, int32_t session_type);'),
    ('EmailSessionCreate', 44, 'int32_t EmailSessionCreate(const char *name, int32_t session_type);'),
    ('EmailSessionModifie', 45, 'int32_t EmailSessionModifie(const char *name, int32_t property, const char *value);'),
    ('EmailSessionSet', 45, 'int32_t EmailSessionSet(const char *name, int32_t property, const char *value);'),
    ('EmailSessionPropriete', 46, 'const char *EmailSessionPropriete(const char *name, int32_t property);'),
    ('EmailSessionGet', 46, 'const char *EmailSessionGet(const char *name, int32_t property);'),
    ('EmailOuvreSessionNotes', 47, 'int32_t EmailOuvreSessionNotes(const char *_profile, const char *_password);'),
    ('EmailStartNotesSession', 47, 'int32_t EmailStartNotesSession(const char *profile, const char *password);'),
    ('EmailOuvreSessionOutlook', 47, 'int32_t EmailOuvreSessionOutlook(const char *_profile, const char *_password);'),
    ('EmailStartOutlookSession', 47, 'int32_t EmailStartOutlookSession(const char *profile, const char *password);'),
    ('EmailOuvreSessionDeclaree', 48, 'int32_t EmailOuvreSessionDeclaree(const char *name);'),
    ('EmailStartDeclaredSession', 48, 'int32_t EmailStartDeclaredSession(const char *name);'),
    ('EmailFermeSession', 48, 'int32_t EmailFermeSession(const char *name);'),
    ('EmailCloseSession', 48, 'int32_t EmailCloseSession(const char *name);'),
    ('EmailChangeTimeOut', 49, 'int32_t EmailChangeTimeOut(int32_t seconds);'),
    ('EmailSetTimeOut', 49, 'int32_t EmailSetTimeOut(int32_t seconds);'),
    ('EmailLitTimeOut', 0, 'int32_t EmailLitTimeOut(void);'),
    ('EmailGetTimeOut', 0, 'int32_t EmailGetTimeOut(void);'),
    ('EmailParametre', 50, 'int32_t EmailParametre(int32_t parameter, int32_t value);'),
    ('EmailConfigure', 50, 'int32_t EmailConfigure(int32_t parameter, int32_t value);'),
    ('EmailTrace', 51, 'int32_t EmailTrace(const char *path);'),
    ('EmailSetTrace', 51, 'int32_t EmailSetTrace(const char *path);'),
    ('EmailVersion', 52, 'const char *EmailVersion(void);'),
    ('EmailJauge', 53, 'int32_t EmailJauge(const char *session, WdProgressCallback callback, void *user_data);'),
    ('EmailProgressBar', 53, 'int32_t EmailProgressBar(const char *session, WdProgressCallback callback, void *user_data);'),
    ('EmailTraceFonction', 22, 'int32_t EmailTraceFonction(WdTraceCallback callback, void *user_data);'),
    ('EmailTraceCallback', 22, 'int32_t EmailTraceCallback(WdTraceCallback callback, void *user_data);'),
    ('EmailOuvreSessionSMTP', 54, 'int32_t EmailOuvreSessionSMTP(const char *user, const char *password, const char *server, int32_t port, int32_t asynchronous, int32_t option);'),
    ('EmailStartSMTPSession', 54, 'int32_t EmailStartSMTPSession(const char *user, const char *password, const char *server, int32_t port, int32_t asynchronous, int32_t option);'),
    ('EmailEnvoieMessage', 27, 'int32_t EmailEnvoieMessage(const char *session, WdEmail email, int32_t options);'),
    ('EmailSendMessage', 27, 'int32_t EmailSendMessage(const char *session, WdEmail email, int32_t options);'),
    ('EmailEnvoie', 55, 'int32_t EmailEnvoie(const char *session, const char *path);'),
    ('EmailSend', 55, 'int32_t EmailSend(const char *session, const char *path);'),
    ('EmailEtat', 56, 'int32_t EmailEtat(int32_t mail_id);'),
    ('EmailStatus', 56, 'int32_t EmailStatus(int32_t mail_id);'),
    ('EmailVerifieAdresse', 57, 'int32_t EmailVerifieAdresse(const char *address, const char *session);'),
    ('EmailCheckAddress', 57, 'int32_t EmailCheckAddress(const char *address, const char *session);'),
)

# name: (return kind, ((parameter, kind), ...), C prototype)
FUNCTIONS: Dict[str, Tuple[str, Tuple[Tuple[str, str], ...], str]] = {
    name: _SIGNATURES[sig] + (proto,) for name, sig, proto in _FUNCTIONS
}

# The session properties: keyword name (WD_PROP_* in lower case): value.
SESSION_PROPERTIES: Dict[str, int] = {
    'server_address': WD_PROP_SERVER_ADDRESS,
    'port': WD_PROP_PORT,
    'user': WD_PROP_USER,
    'password': WD_PROP_PASSWORD,
    'option': WD_PROP_OPTION,
    'auth_token': WD_PROP_AUTH_TOKEN,
    'auth_method': WD_PROP_AUTH_METHOD,
    'ignore_error': WD_PROP_IGNORE_ERROR,
    'ca_file': WD_PROP_CA_FILE,
    'timeout': WD_PROP_TIMEOUT,
    'asynchronous': WD_PROP_ASYNCHRONOUS,
    'client_name': WD_PROP_CLIENT_NAME,
    'folder': WD_PROP_FOLDER,
    'spool_dir': WD_PROP_SPOOL_DIR,
    'connections': WD_PROP_CONNECTIONS,
    'max_message_size': WD_PROP_MAX_MESSAGE_SIZE,
    'oauth_token': WD_PROP_OAUTH_TOKEN,
    'proxy': WD_PROP_PROXY,
    'keepalive': WD_PROP_KEEPALIVE,
}

# The message properties (src/message/properties.rs): (Python attribute or "",
# WD_EMAIL_* value, "single" or "array", "text"/"number"/"flag", writable, doc).
EMAIL_PROPERTIES: Tuple[Tuple[str, int, str, str, bool, str], ...] = (
    ('sender', WD_EMAIL_SENDER, 'single', 'text', True, 'Sender address (`Email.Expediteur`).'),
    ('to', WD_EMAIL_RECIPIENT, 'array', 'text', True, 'Array: To recipients (`Email.Destinataire`).'),
    ('cc', WD_EMAIL_CC, 'array', 'text', True, 'Array: Cc recipients (`Email.Cc`).'),
    ('bcc', WD_EMAIL_BCC, 'array', 'text', True, 'Array: Bcc recipients (`Email.Cci`).'),
    ('reply_to', WD_EMAIL_REPLY_TO, 'single', 'text', True, 'Reply-To address.'),
    ('subject', WD_EMAIL_SUBJECT, 'single', 'text', True, 'Subject (`Email.Sujet`).'),
    ('body', WD_EMAIL_MESSAGE, 'single', 'text', True, 'Text body (`Email.Message`).'),
    ('html', WD_EMAIL_HTML, 'single', 'text', True, 'HTML body (`Email.HTML`).'),
    ('date', WD_EMAIL_DATE, 'single', 'text', True, 'Date: RFC 3339 (or a WLangage DateHeure `AAAAMMJJHHMMSS` in local time after `EmailParametre(WD_PARAM_DATE_FORMAT, WD_DATE_WLANGAGE)`); set as RFC 3339, DateHeure (8, 14, 16 or 17 digits, local time) or RFC 5322 (`Email.Date`).'),
    ('message_id', WD_EMAIL_MESSAGE_ID, 'single', 'text', True, 'Message-ID without angle brackets (`Email.MessageID`).'),
    ('priority', WD_EMAIL_PRIORITY, 'single', 'number', True, 'Priority 1 (high) .. 5 (low), 0 unset; `WD_PRIORITY_HIGH`, `_NORMAL`, `_LOW` (`Email.Priorité`).'),
    ('disposition_notification', WD_EMAIL_DISPOSITION_NOTIFICATION, 'single', 'flag', True, 'Read receipt asked, "1" or "0" (set: 1/0, or the address to send it to) (`Email.AccuséRéception`).'),
    ('', WD_EMAIL_ATTACHMENT_NAME, 'array', 'text', True, 'Array: attachment file names (`Email.Attache[i].Nom`).'),
    ('', WD_EMAIL_ATTACHMENT_TYPE, 'array', 'text', True, 'Array: attachment MIME types (`Email.Attache[i].Type`).'),
    ('', WD_EMAIL_ATTACHMENT_CONTENT_ID, 'array', 'text', True, 'Array: attachment Content-IDs, empty for non-inline parts (`Email.Attache[i].Identifiant`).'),
    ('uid', WD_EMAIL_UID, 'single', 'text', False, 'POP3 UIDL or IMAP UID (`Email.Identifiant`), read-only.'),
    ('number', WD_EMAIL_NUMBER, 'single', 'number', False, 'Message number in the mailbox, 1-based (`Email.Numéro`), read-only.'),
    ('size', WD_EMAIL_SIZE, 'single', 'number', False, 'Size in bytes (`Email.Taille`), read-only.'),
    ('seen', WD_EMAIL_SEEN, 'single', 'flag', True, 'IMAP \\Seen flag, "1" or "0" (`Email.Lu`).'),
    ('out', WD_EMAIL_OUT, 'single', 'flag', False, '"1" when a read function found no message (`Email.EnDehors`), read-only.'),
    ('mail_id', WD_EMAIL_MAIL_ID, 'single', 'number', False, 'Asynchronous send identifier for `EmailEtat` (`Email.IdentifiantMail`), read-only.'),
    ('refused', WD_EMAIL_REFUSED, 'array', 'text', False, 'Array: recipients refused at the last send, `addr: server reply`, read-only.'),
    ('', WD_EMAIL_ATTACHMENT_RAW_NAME, 'array', 'text', False, 'Array: attachment file names as the message carries them (decoded, before `WD_EMAIL_ATTACHMENT_NAME` made them safe; "" for a part sent without a name), read-only.'),
    ('', WD_EMAIL_DISPOSITION_NOTIFICATION_TO, 'single', 'text', True, 'Address the read receipt goes to ("": the sender\'s); setting one asks a receipt.'),
    ('', WD_EMAIL_NB_RECIPIENT, 'single', 'number', True, 'Number of To recipients (set: keeps the first N, as WinDev uses only those) (`Email.NbDestinataire`).'),
    ('', WD_EMAIL_NB_ATTACHMENT, 'single', 'number', True, 'Number of attachments (set: keeps the first N) (`Email.NbAttache`).'),
    ('', WD_EMAIL_ERROR, 'single', 'text', False, 'Message of the last read or send of this message that failed, "" after a success (`Email.Erreur`), read-only.'),
    ('', WD_EMAIL_CONFIDENTIALITY, 'single', 'text', True, 'Sensitivity: "" (normal), "personal", "private" or "company-confidential" (`WD_CONFIDENTIALITY_*`) (`Email.Confidentialité`).'),
    ('', WD_EMAIL_SENDER_ADDRESS, 'single', 'text', True, 'Address replies go to: Reply-To, else the sender (set: Reply-To) (`Email.AdresseExpéditeur`).'),
    ('flagged', WD_EMAIL_FLAGGED, 'single', 'flag', True, 'IMAP `\\Flagged` flag, "1" or "0" (written by `EmailMiseAJour`).'),
    ('answered', WD_EMAIL_ANSWERED, 'single', 'flag', True, 'IMAP `\\Answered` flag, "1" or "0" (written by `EmailMiseAJour`).'),
    ('draft', WD_EMAIL_DRAFT, 'single', 'flag', True, 'IMAP `\\Draft` flag, "1" or "0" (written by `EmailMiseAJour`).'),
    ('deleted', WD_EMAIL_DELETED, 'single', 'flag', True, 'IMAP `\\Deleted` flag, "1" or "0"; "1" after `EmailSupprimeMessage`; written by `EmailMiseAJour` as a deletion (carried out at `EmailDetruit`, a folder change or the close; "0" takes it back before).'),
    ('keywords', WD_EMAIL_KEYWORDS, 'array', 'text', True, 'Array: IMAP keywords (flags without a backslash, e.g. `$Forwarded`), written by `EmailMiseAJour`.'),
)
