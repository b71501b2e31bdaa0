"""Constants and C signatures of libwd300com, generated from include/wd300com.h
by python/gen_bindings.py. Do not edit by hand: rerun the generator.
"""

# fmt: off

# int32_t typedefs of the header.
INT32_TYPEDEFS = ('WD_E', 'WdAuthToken', 'WdEmail', 'WdEmailList', 'WdOAuth2Params', )

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
WD_OAUTH_CLIENT_ID = 1
WD_OAUTH_CLIENT_SECRET = 2
WD_OAUTH_AUTH_URL = 3
WD_OAUTH_TOKEN_URL = 4
WD_OAUTH_SCOPE = 5
WD_OAUTH_REDIRECT_URL = 6
WD_OAUTH_RESPONSE_TYPE = 7
WD_TOKEN_VALUE = 1
WD_TOKEN_REFRESH = 2
WD_TOKEN_EXPIRATION = 3
WD_TOKEN_VALID = 4
WD_READ_ALL = 8
WD_READ_UNREAD = 1
WD_READ_HEADER = 2
WD_READ_KEEP_UNSEEN = 4
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
WD_AUTH_AUTO = 0
WD_AUTH_PLAIN = 1
WD_AUTH_LOGIN = 2
WD_AUTH_CRAM_MD5 = 3
WD_AUTH_XOAUTH2 = 4
WD_AUTH_OAUTHBEARER = 5
WD_AUTH_APOP = 6
WD_AUTH_USER_PASS = 7
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
WD_BUILD_ENCODE_HEADER = 1
WD_BUILD_HEADER_BCC = 2
WD_PARAM_MODE = 1
WD_E_NONE = 0
WD_E_INVALID_ARGUMENT = 101
WD_E_INVALID_HANDLE = 102
WD_E_UNKNOWN_SESSION = 103
WD_E_SESSION_EXISTS = 104
WD_E_NOT_SUPPORTED = 105
WD_E_RECURSIVE_CALL = 106
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

CONSTANTS = {
    'WD300COM_VERSION_MAJOR': WD300COM_VERSION_MAJOR,
    'WD300COM_VERSION_MINOR': WD300COM_VERSION_MINOR,
    'WD300COM_VERSION_PATCH': WD300COM_VERSION_PATCH,
    'WD300COM_VERSION_NUMBER': WD300COM_VERSION_NUMBER,
    'WD300COM_VERSION_STRING': WD300COM_VERSION_STRING,
    'WD_ERR_MESSAGE': WD_ERR_MESSAGE,
    'WD_ERR_CODE': WD_ERR_CODE,
    'WD_ERR_SYSTEM_MESSAGE': WD_ERR_SYSTEM_MESSAGE,
    'WD_ERR_FULL_DETAILS': WD_ERR_FULL_DETAILS,
    'WD_OAUTH_CLIENT_ID': WD_OAUTH_CLIENT_ID,
    'WD_OAUTH_CLIENT_SECRET': WD_OAUTH_CLIENT_SECRET,
    'WD_OAUTH_AUTH_URL': WD_OAUTH_AUTH_URL,
    'WD_OAUTH_TOKEN_URL': WD_OAUTH_TOKEN_URL,
    'WD_OAUTH_SCOPE': WD_OAUTH_SCOPE,
    'WD_OAUTH_REDIRECT_URL': WD_OAUTH_REDIRECT_URL,
    'WD_OAUTH_RESPONSE_TYPE': WD_OAUTH_RESPONSE_TYPE,
    'WD_TOKEN_VALUE': WD_TOKEN_VALUE,
    'WD_TOKEN_REFRESH': WD_TOKEN_REFRESH,
    'WD_TOKEN_EXPIRATION': WD_TOKEN_EXPIRATION,
    'WD_TOKEN_VALID': WD_TOKEN_VALID,
    'WD_READ_ALL': WD_READ_ALL,
    'WD_READ_UNREAD': WD_READ_UNREAD,
    'WD_READ_HEADER': WD_READ_HEADER,
    'WD_READ_KEEP_UNSEEN': WD_READ_KEEP_UNSEEN,
    'WD_SESSION_POP3': WD_SESSION_POP3,
    'WD_SESSION_SMTP': WD_SESSION_SMTP,
    'WD_SESSION_IMAP': WD_SESSION_IMAP,
    'WD_OPTION_NONE': WD_OPTION_NONE,
    'WD_OPTION_SSL': WD_OPTION_SSL,
    'WD_OPTION_SECURED_TLS': WD_OPTION_SECURED_TLS,
    'WD_PROP_SERVER_ADDRESS': WD_PROP_SERVER_ADDRESS,
    'WD_PROP_PORT': WD_PROP_PORT,
    'WD_PROP_USER': WD_PROP_USER,
    'WD_PROP_PASSWORD': WD_PROP_PASSWORD,
    'WD_PROP_OPTION': WD_PROP_OPTION,
    'WD_PROP_AUTH_TOKEN': WD_PROP_AUTH_TOKEN,
    'WD_PROP_AUTH_METHOD': WD_PROP_AUTH_METHOD,
    'WD_PROP_IGNORE_ERROR': WD_PROP_IGNORE_ERROR,
    'WD_PROP_CA_FILE': WD_PROP_CA_FILE,
    'WD_PROP_TIMEOUT': WD_PROP_TIMEOUT,
    'WD_PROP_ASYNCHRONOUS': WD_PROP_ASYNCHRONOUS,
    'WD_PROP_CLIENT_NAME': WD_PROP_CLIENT_NAME,
    'WD_PROP_FOLDER': WD_PROP_FOLDER,
    'WD_PROP_SPOOL_DIR': WD_PROP_SPOOL_DIR,
    'WD_AUTH_AUTO': WD_AUTH_AUTO,
    'WD_AUTH_PLAIN': WD_AUTH_PLAIN,
    'WD_AUTH_LOGIN': WD_AUTH_LOGIN,
    'WD_AUTH_CRAM_MD5': WD_AUTH_CRAM_MD5,
    'WD_AUTH_XOAUTH2': WD_AUTH_XOAUTH2,
    'WD_AUTH_OAUTHBEARER': WD_AUTH_OAUTHBEARER,
    'WD_AUTH_APOP': WD_AUTH_APOP,
    'WD_AUTH_USER_PASS': WD_AUTH_USER_PASS,
    'WD_STATUS_PENDING': WD_STATUS_PENDING,
    'WD_STATUS_SENT': WD_STATUS_SENT,
    'WD_STATUS_ERROR': WD_STATUS_ERROR,
    'WD_ADDRESS_VALID': WD_ADDRESS_VALID,
    'WD_ADDRESS_INCORRECT_SYNTAX': WD_ADDRESS_INCORRECT_SYNTAX,
    'WD_ADDRESS_REFUSED': WD_ADDRESS_REFUSED,
    'WD_ADDRESS_ERROR': WD_ADDRESS_ERROR,
    'WD_EMAIL_SENDER': WD_EMAIL_SENDER,
    'WD_EMAIL_RECIPIENT': WD_EMAIL_RECIPIENT,
    'WD_EMAIL_CC': WD_EMAIL_CC,
    'WD_EMAIL_BCC': WD_EMAIL_BCC,
    'WD_EMAIL_REPLY_TO': WD_EMAIL_REPLY_TO,
    'WD_EMAIL_SUBJECT': WD_EMAIL_SUBJECT,
    'WD_EMAIL_MESSAGE': WD_EMAIL_MESSAGE,
    'WD_EMAIL_HTML': WD_EMAIL_HTML,
    'WD_EMAIL_DATE': WD_EMAIL_DATE,
    'WD_EMAIL_MESSAGE_ID': WD_EMAIL_MESSAGE_ID,
    'WD_EMAIL_PRIORITY': WD_EMAIL_PRIORITY,
    'WD_EMAIL_DISPOSITION_NOTIFICATION': WD_EMAIL_DISPOSITION_NOTIFICATION,
    'WD_EMAIL_ATTACHMENT_NAME': WD_EMAIL_ATTACHMENT_NAME,
    'WD_EMAIL_ATTACHMENT_TYPE': WD_EMAIL_ATTACHMENT_TYPE,
    'WD_EMAIL_ATTACHMENT_CONTENT_ID': WD_EMAIL_ATTACHMENT_CONTENT_ID,
    'WD_EMAIL_UID': WD_EMAIL_UID,
    'WD_EMAIL_NUMBER': WD_EMAIL_NUMBER,
    'WD_EMAIL_SIZE': WD_EMAIL_SIZE,
    'WD_EMAIL_SEEN': WD_EMAIL_SEEN,
    'WD_EMAIL_OUT': WD_EMAIL_OUT,
    'WD_EMAIL_MAIL_ID': WD_EMAIL_MAIL_ID,
    'WD_EMAIL_REFUSED': WD_EMAIL_REFUSED,
    'WD_BUILD_ENCODE_HEADER': WD_BUILD_ENCODE_HEADER,
    'WD_BUILD_HEADER_BCC': WD_BUILD_HEADER_BCC,
    'WD_PARAM_MODE': WD_PARAM_MODE,
    'WD_E_NONE': WD_E_NONE,
    'WD_E_INVALID_ARGUMENT': WD_E_INVALID_ARGUMENT,
    'WD_E_INVALID_HANDLE': WD_E_INVALID_HANDLE,
    'WD_E_UNKNOWN_SESSION': WD_E_UNKNOWN_SESSION,
    'WD_E_SESSION_EXISTS': WD_E_SESSION_EXISTS,
    'WD_E_NOT_SUPPORTED': WD_E_NOT_SUPPORTED,
    'WD_E_RECURSIVE_CALL': WD_E_RECURSIVE_CALL,
    'WD_E_CONNECT': WD_E_CONNECT,
    'WD_E_TIMEOUT': WD_E_TIMEOUT,
    'WD_E_CONNECTION_LOST': WD_E_CONNECTION_LOST,
    'WD_E_TLS': WD_E_TLS,
    'WD_E_AUTH': WD_E_AUTH,
    'WD_E_PROTOCOL': WD_E_PROTOCOL,
    'WD_E_RECIPIENT_REFUSED': WD_E_RECIPIENT_REFUSED,
    'WD_E_MESSAGE': WD_E_MESSAGE,
    'WD_E_IO': WD_E_IO,
    'WD_E_INTERNAL': WD_E_INTERNAL,
}

# name: (return kind, ((parameter, kind), ...), C prototype)
FUNCTIONS = {
    'ErreurDetectee': (
        'i32',
        (),
        'int32_t ErreurDetectee(void);',
    ),
    'ErrorOccurred': (
        'i32',
        (),
        'int32_t ErrorOccurred(void);',
    ),
    'ErreurInfo': (
        'str',
        (('info', 'i32'), ),
        'const char *ErreurInfo(int32_t info);',
    ),
    'ErrorInfo': (
        'str',
        (('info', 'i32'), ),
        'const char *ErrorInfo(int32_t info);',
    ),
    'ErreurCode': (
        'i32',
        (),
        'WD_E ErreurCode(void);',
    ),
    'ErrorCode': (
        'i32',
        (),
        'WD_E ErrorCode(void);',
    ),
    'ErreurCodeTexte': (
        'str',
        (('code', 'i32'), ),
        'const char *ErreurCodeTexte(int32_t code);',
    ),
    'ErrorCodeText': (
        'str',
        (('code', 'i32'), ),
        'const char *ErrorCodeText(int32_t code);',
    ),
    'EmailOuvreSessionIMAP': (
        'i32',
        (('user', 'str'), ('password', 'str'), ('server', 'str'), ('port', 'i32'), ('option', 'i32'), ),
        'int32_t EmailOuvreSessionIMAP(const char *user, const char *password, const char *server, int32_t port, int32_t option);',
    ),
    'EmailStartIMAPSession': (
        'i32',
        (('user', 'str'), ('password', 'str'), ('server', 'str'), ('port', 'i32'), ('option', 'i32'), ),
        'int32_t EmailStartIMAPSession(const char *user, const char *password, const char *server, int32_t port, int32_t option);',
    ),
    'EmailCree': (
        'i32',
        (),
        'WdEmail EmailCree(void);',
    ),
    'EmailCreate': (
        'i32',
        (),
        'WdEmail EmailCreate(void);',
    ),
    'EmailLibere': (
        'i32',
        (('email', 'i32'), ),
        'int32_t EmailLibere(WdEmail email);',
    ),
    'EmailFree': (
        'i32',
        (('email', 'i32'), ),
        'int32_t EmailFree(WdEmail email);',
    ),
    'EmailRAZ': (
        'i32',
        (('email', 'i32'), ),
        'int32_t EmailRAZ(WdEmail email);',
    ),
    'EmailReset': (
        'i32',
        (('email', 'i32'), ),
        'int32_t EmailReset(WdEmail email);',
    ),
    'EmailPropriete': (
        'str',
        (('email', 'i32'), ('property', 'i32'), ('index', 'i32'), ),
        'const char *EmailPropriete(WdEmail email, int32_t property, int32_t index);',
    ),
    'EmailGetProperty': (
        'str',
        (('email', 'i32'), ('property', 'i32'), ('index', 'i32'), ),
        'const char *EmailGetProperty(WdEmail email, int32_t property, int32_t index);',
    ),
    'EmailModifiePropriete': (
        'i32',
        (('email', 'i32'), ('property', 'i32'), ('index', 'i32'), ('value', 'str'), ),
        'int32_t EmailModifiePropriete(WdEmail email, int32_t property, int32_t index, const char *value);',
    ),
    'EmailSetProperty': (
        'i32',
        (('email', 'i32'), ('property', 'i32'), ('index', 'i32'), ('value', 'str'), ),
        'int32_t EmailSetProperty(WdEmail email, int32_t property, int32_t index, const char *value);',
    ),
    'EmailAjoute': (
        'i32',
        (('email', 'i32'), ('property', 'i32'), ('value', 'str'), ),
        'int32_t EmailAjoute(WdEmail email, int32_t property, const char *value);',
    ),
    'EmailAdd': (
        'i32',
        (('email', 'i32'), ('property', 'i32'), ('value', 'str'), ),
        'int32_t EmailAdd(WdEmail email, int32_t property, const char *value);',
    ),
    'EmailNb': (
        'i32',
        (('email', 'i32'), ('property', 'i32'), ),
        'int32_t EmailNb(WdEmail email, int32_t property);',
    ),
    'EmailCount': (
        'i32',
        (('email', 'i32'), ('property', 'i32'), ),
        'int32_t EmailCount(WdEmail email, int32_t property);',
    ),
    'EmailEntete': (
        'str',
        (('email', 'i32'), ('header_name', 'str'), ('index', 'i32'), ),
        'const char *EmailEntete(WdEmail email, const char *header_name, int32_t index);',
    ),
    'EmailHeader': (
        'str',
        (('email', 'i32'), ('header_name', 'str'), ('index', 'i32'), ),
        'const char *EmailHeader(WdEmail email, const char *header_name, int32_t index);',
    ),
    'EmailAjouteEntete': (
        'i32',
        (('email', 'i32'), ('header_name', 'str'), ('value', 'str'), ),
        'int32_t EmailAjouteEntete(WdEmail email, const char *header_name, const char *value);',
    ),
    'EmailAddHeader': (
        'i32',
        (('email', 'i32'), ('header_name', 'str'), ('value', 'str'), ),
        'int32_t EmailAddHeader(WdEmail email, const char *header_name, const char *value);',
    ),
    'EmailAjouteFichierAttache': (
        'i32',
        (('email', 'i32'), ('path', 'str'), ),
        'int32_t EmailAjouteFichierAttache(WdEmail email, const char *path);',
    ),
    'EmailAddAttachment': (
        'i32',
        (('email', 'i32'), ('path', 'str'), ),
        'int32_t EmailAddAttachment(WdEmail email, const char *path);',
    ),
    'EmailAjouteFichierAttacheMemoire': (
        'i32',
        (('email', 'i32'), ('name', 'str'), ('data', 'bytes'), ('len', 'size'), ('content_type', 'str'), ),
        'int32_t EmailAjouteFichierAttacheMemoire(WdEmail email, const char *name, const uint8_t *data, size_t len, const char *content_type);',
    ),
    'EmailAddAttachmentData': (
        'i32',
        (('email', 'i32'), ('name', 'str'), ('data', 'bytes'), ('len', 'size'), ('content_type', 'str'), ),
        'int32_t EmailAddAttachmentData(WdEmail email, const char *name, const uint8_t *data, size_t len, const char *content_type);',
    ),
    'EmailFichierAttacheContenu': (
        'bytes',
        (('email', 'i32'), ('index', 'i32'), ('out_len', 'size_out'), ),
        'const uint8_t *EmailFichierAttacheContenu(WdEmail email, int32_t index, size_t *out_len);',
    ),
    'EmailAttachmentContent': (
        'bytes',
        (('email', 'i32'), ('index', 'i32'), ('out_len', 'size_out'), ),
        'const uint8_t *EmailAttachmentContent(WdEmail email, int32_t index, size_t *out_len);',
    ),
    'EmailSauveFichierAttache': (
        'i32',
        (('email', 'i32'), ('index', 'i32'), ('path', 'str'), ),
        'int32_t EmailSauveFichierAttache(WdEmail email, int32_t index, const char *path);',
    ),
    'EmailSaveAttachment': (
        'i32',
        (('email', 'i32'), ('index', 'i32'), ('path', 'str'), ),
        'int32_t EmailSaveAttachment(WdEmail email, int32_t index, const char *path);',
    ),
    'EmailConstruitSource': (
        'i32',
        (('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailConstruitSource(WdEmail email, int32_t options);',
    ),
    'EmailBuildSource': (
        'i32',
        (('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailBuildSource(WdEmail email, int32_t options);',
    ),
    'EmailSource': (
        'bytes',
        (('email', 'i32'), ('out_len', 'size_out'), ),
        'const uint8_t *EmailSource(WdEmail email, size_t *out_len);',
    ),
    'EmailGetSource': (
        'bytes',
        (('email', 'i32'), ('out_len', 'size_out'), ),
        'const uint8_t *EmailGetSource(WdEmail email, size_t *out_len);',
    ),
    'EmailImporteSource': (
        'i32',
        (('email', 'i32'), ('data', 'bytes'), ('len', 'size'), ),
        'int32_t EmailImporteSource(WdEmail email, const uint8_t *data, size_t len);',
    ),
    'EmailImportSource': (
        'i32',
        (('email', 'i32'), ('data', 'bytes'), ('len', 'size'), ),
        'int32_t EmailImportSource(WdEmail email, const uint8_t *data, size_t len);',
    ),
    'EmailImporteHTML': (
        'i32',
        (('email', 'i32'), ('html', 'str'), ('images_dir', 'str'), ),
        'int32_t EmailImporteHTML(WdEmail email, const char *html, const char *images_dir);',
    ),
    'EmailImportHTML': (
        'i32',
        (('email', 'i32'), ('html', 'str'), ('images_dir', 'str'), ),
        'int32_t EmailImportHTML(WdEmail email, const char *html, const char *images_dir);',
    ),
    'OAuth2ParametresCree': (
        'i32',
        (),
        'WdOAuth2Params OAuth2ParametresCree(void);',
    ),
    'OAuth2ParametersCreate': (
        'i32',
        (),
        'WdOAuth2Params OAuth2ParametersCreate(void);',
    ),
    'OAuth2ParametresModifie': (
        'i32',
        (('params', 'i32'), ('property', 'i32'), ('value', 'str'), ),
        'int32_t OAuth2ParametresModifie(WdOAuth2Params params, int32_t property, const char *value);',
    ),
    'OAuth2ParametersSet': (
        'i32',
        (('params', 'i32'), ('property', 'i32'), ('value', 'str'), ),
        'int32_t OAuth2ParametersSet(WdOAuth2Params params, int32_t property, const char *value);',
    ),
    'OAuth2ParametresPropriete': (
        'str',
        (('params', 'i32'), ('property', 'i32'), ),
        'const char *OAuth2ParametresPropriete(WdOAuth2Params params, int32_t property);',
    ),
    'OAuth2ParametersGet': (
        'str',
        (('params', 'i32'), ('property', 'i32'), ),
        'const char *OAuth2ParametersGet(WdOAuth2Params params, int32_t property);',
    ),
    'AuthIdentifie': (
        'i32',
        (('params', 'i32'), ),
        'WdAuthToken AuthIdentifie(WdOAuth2Params params);',
    ),
    'AuthIdentify': (
        'i32',
        (('params', 'i32'), ),
        'WdAuthToken AuthIdentify(WdOAuth2Params params);',
    ),
    'AuthTokenPropriete': (
        'str',
        (('token', 'i32'), ('property', 'i32'), ),
        'const char *AuthTokenPropriete(WdAuthToken token, int32_t property);',
    ),
    'AuthTokenGet': (
        'str',
        (('token', 'i32'), ('property', 'i32'), ),
        'const char *AuthTokenGet(WdAuthToken token, int32_t property);',
    ),
    'AuthRafraichitToken': (
        'i32',
        (('token', 'i32'), ('params', 'i32'), ),
        'WdAuthToken AuthRafraichitToken(WdAuthToken token, WdOAuth2Params params);',
    ),
    'AuthRefreshToken': (
        'i32',
        (('token', 'i32'), ('params', 'i32'), ),
        'WdAuthToken AuthRefreshToken(WdAuthToken token, WdOAuth2Params params);',
    ),
    'OAuth2Libere': (
        'i32',
        (('handle', 'i32'), ),
        'int32_t OAuth2Libere(int32_t handle);',
    ),
    'OAuth2Free': (
        'i32',
        (('handle', 'i32'), ),
        'int32_t OAuth2Free(int32_t handle);',
    ),
    'EmailOuvreSessionPOP3': (
        'i32',
        (('user', 'str'), ('password', 'str'), ('server', 'str'), ('port', 'i32'), ('option', 'i32'), ),
        'int32_t EmailOuvreSessionPOP3(const char *user, const char *password, const char *server, int32_t port, int32_t option);',
    ),
    'EmailStartPOP3Session': (
        'i32',
        (('user', 'str'), ('password', 'str'), ('server', 'str'), ('port', 'i32'), ('option', 'i32'), ),
        'int32_t EmailStartPOP3Session(const char *user, const char *password, const char *server, int32_t port, int32_t option);',
    ),
    'EmailOuvreSession': (
        'i32',
        (('user', 'str'), ('password', 'str'), ('pop3_server', 'str'), ('smtp_server', 'str'), ('pop3_port', 'i32'), ('smtp_port', 'i32'), ('asynchronous', 'i32'), ),
        'int32_t EmailOuvreSession(const char *user, const char *password, const char *pop3_server, const char *smtp_server, int32_t pop3_port, int32_t smtp_port, int32_t asynchronous);',
    ),
    'EmailStartSession': (
        'i32',
        (('user', 'str'), ('password', 'str'), ('pop3_server', 'str'), ('smtp_server', 'str'), ('pop3_port', 'i32'), ('smtp_port', 'i32'), ('asynchronous', 'i32'), ),
        'int32_t EmailStartSession(const char *user, const char *password, const char *pop3_server, const char *smtp_server, int32_t pop3_port, int32_t smtp_port, int32_t asynchronous);',
    ),
    'EmailLitPremier': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailLitPremier(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailReadFirst': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailReadFirst(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailLitSuivant': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailLitSuivant(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailReadNext': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailReadNext(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailLitPrecedent': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailLitPrecedent(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailReadPrevious': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailReadPrevious(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailLitDernier': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailLitDernier(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailReadLast': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailReadLast(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailLitPremierEntete': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailLitPremierEntete(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailReadFirstHeader': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailReadFirstHeader(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailLitSuivantEntete': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailLitSuivantEntete(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailReadNextHeader': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailReadNextHeader(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailLitPrecedentEntete': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailLitPrecedentEntete(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailReadPreviousHeader': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailReadPreviousHeader(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailLitDernierEntete': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailLitDernierEntete(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailReadLastHeader': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailReadLastHeader(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailNbMessage': (
        'i32',
        (('session', 'str'), ('options', 'i32'), ),
        'int32_t EmailNbMessage(const char *session, int32_t options);',
    ),
    'EmailLitMessage': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('number', 'i32'), ),
        'int32_t EmailLitMessage(const char *session, WdEmail email, int32_t number);',
    ),
    'EmailReadMessage': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('number', 'i32'), ),
        'int32_t EmailReadMessage(const char *session, WdEmail email, int32_t number);',
    ),
    'EmailRecupereTout': (
        'i32',
        (('session', 'str'), ('options', 'i32'), ),
        'WdEmailList EmailRecupereTout(const char *session, int32_t options);',
    ),
    'EmailGetAll': (
        'i32',
        (('session', 'str'), ('options', 'i32'), ),
        'WdEmailList EmailGetAll(const char *session, int32_t options);',
    ),
    'EmailListeNb': (
        'i32',
        (('list', 'i32'), ),
        'int32_t EmailListeNb(WdEmailList list);',
    ),
    'EmailListCount': (
        'i32',
        (('list', 'i32'), ),
        'int32_t EmailListCount(WdEmailList list);',
    ),
    'EmailListeElement': (
        'i32',
        (('list', 'i32'), ('index', 'i32'), ),
        'WdEmail EmailListeElement(WdEmailList list, int32_t index);',
    ),
    'EmailListItem': (
        'i32',
        (('list', 'i32'), ('index', 'i32'), ),
        'WdEmail EmailListItem(WdEmailList list, int32_t index);',
    ),
    'EmailSupprimeMessage': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ),
        'int32_t EmailSupprimeMessage(const char *session, WdEmail email);',
    ),
    'EmailDeleteMessage': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ),
        'int32_t EmailDeleteMessage(const char *session, WdEmail email);',
    ),
    'EmailListeDossier': (
        'str',
        (('session', 'str'), ),
        'const char *EmailListeDossier(const char *session);',
    ),
    'EmailListFolder': (
        'str',
        (('session', 'str'), ),
        'const char *EmailListFolder(const char *session);',
    ),
    'EmailChangeDossier': (
        'i32',
        (('session', 'str'), ('folder', 'str'), ),
        'int32_t EmailChangeDossier(const char *session, const char *folder);',
    ),
    'EmailChangeFolder': (
        'i32',
        (('session', 'str'), ('folder', 'str'), ),
        'int32_t EmailChangeFolder(const char *session, const char *folder);',
    ),
    'EmailCreeDossier': (
        'i32',
        (('session', 'str'), ('folder', 'str'), ),
        'int32_t EmailCreeDossier(const char *session, const char *folder);',
    ),
    'EmailCreateFolder': (
        'i32',
        (('session', 'str'), ('folder', 'str'), ),
        'int32_t EmailCreateFolder(const char *session, const char *folder);',
    ),
    'EmailSupprimeDossier': (
        'i32',
        (('session', 'str'), ('folder', 'str'), ),
        'int32_t EmailSupprimeDossier(const char *session, const char *folder);',
    ),
    'EmailDeleteFolder': (
        'i32',
        (('session', 'str'), ('folder', 'str'), ),
        'int32_t EmailDeleteFolder(const char *session, const char *folder);',
    ),
    'EmailRenommeDossier': (
        'i32',
        (('session', 'str'), ('folder', 'str'), ('new_name', 'str'), ),
        'int32_t EmailRenommeDossier(const char *session, const char *folder, const char *new_name);',
    ),
    'EmailRenameFolder': (
        'i32',
        (('session', 'str'), ('folder', 'str'), ('new_name', 'str'), ),
        'int32_t EmailRenameFolder(const char *session, const char *folder, const char *new_name);',
    ),
    'EmailCopieMessage': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('folder', 'str'), ),
        'int32_t EmailCopieMessage(const char *session, WdEmail email, const char *folder);',
    ),
    'EmailCopyMessage': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('folder', 'str'), ),
        'int32_t EmailCopyMessage(const char *session, WdEmail email, const char *folder);',
    ),
    'EmailDeplaceMessage': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('folder', 'str'), ),
        'int32_t EmailDeplaceMessage(const char *session, WdEmail email, const char *folder);',
    ),
    'EmailMoveMessage': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('folder', 'str'), ),
        'int32_t EmailMoveMessage(const char *session, WdEmail email, const char *folder);',
    ),
    'EmailMiseAJour': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ),
        'int32_t EmailMiseAJour(const char *session, WdEmail email);',
    ),
    'EmailUpdate': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ),
        'int32_t EmailUpdate(const char *session, WdEmail email);',
    ),
    'EmailAjouteMessage': (
        'i32',
        (('session', 'str'), ('folder', 'str'), ('email', 'i32'), ),
        'int32_t EmailAjouteMessage(const char *session, const char *folder, WdEmail email);',
    ),
    'EmailAppendMessage': (
        'i32',
        (('session', 'str'), ('folder', 'str'), ('email', 'i32'), ),
        'int32_t EmailAppendMessage(const char *session, const char *folder, WdEmail email);',
    ),
    'EmailSessionCree': (
        'i32',
        (('name', 'str'), ('session_type', 'i32'), ),
        'int32_t EmailSessionCree(const char *name, int32_t session_type);',
    ),
    'EmailSessionCreate': (
        'i32',
        (('name', 'str'), ('session_type', 'i32'), ),
        'int32_t EmailSessionCreate(const char *name, int32_t session_type);',
    ),
    'EmailSessionModifie': (
        'i32',
        (('name', 'str'), ('property', 'i32'), ('value', 'str'), ),
        'int32_t EmailSessionModifie(const char *name, int32_t property, const char *value);',
    ),
    'EmailSessionSet': (
        'i32',
        (('name', 'str'), ('property', 'i32'), ('value', 'str'), ),
        'int32_t EmailSessionSet(const char *name, int32_t property, const char *value);',
    ),
    'EmailSessionPropriete': (
        'str',
        (('name', 'str'), ('property', 'i32'), ),
        'const char *EmailSessionPropriete(const char *name, int32_t property);',
    ),
    'EmailSessionGet': (
        'str',
        (('name', 'str'), ('property', 'i32'), ),
        'const char *EmailSessionGet(const char *name, int32_t property);',
    ),
    'EmailOuvreSessionNotes': (
        'i32',
        (('profile', 'str'), ('password', 'str'), ),
        'int32_t EmailOuvreSessionNotes(const char *_profile, const char *_password);',
    ),
    'EmailStartNotesSession': (
        'i32',
        (('profile', 'str'), ('password', 'str'), ),
        'int32_t EmailStartNotesSession(const char *profile, const char *password);',
    ),
    'EmailOuvreSessionOutlook': (
        'i32',
        (('profile', 'str'), ('password', 'str'), ),
        'int32_t EmailOuvreSessionOutlook(const char *_profile, const char *_password);',
    ),
    'EmailStartOutlookSession': (
        'i32',
        (('profile', 'str'), ('password', 'str'), ),
        'int32_t EmailStartOutlookSession(const char *profile, const char *password);',
    ),
    'EmailOuvreSessionDeclaree': (
        'i32',
        (('name', 'str'), ),
        'int32_t EmailOuvreSessionDeclaree(const char *name);',
    ),
    'EmailStartDeclaredSession': (
        'i32',
        (('name', 'str'), ),
        'int32_t EmailStartDeclaredSession(const char *name);',
    ),
    'EmailFermeSession': (
        'i32',
        (('name', 'str'), ),
        'int32_t EmailFermeSession(const char *name);',
    ),
    'EmailCloseSession': (
        'i32',
        (('name', 'str'), ),
        'int32_t EmailCloseSession(const char *name);',
    ),
    'EmailChangeTimeOut': (
        'i32',
        (('seconds', 'i32'), ),
        'int32_t EmailChangeTimeOut(int32_t seconds);',
    ),
    'EmailSetTimeOut': (
        'i32',
        (('seconds', 'i32'), ),
        'int32_t EmailSetTimeOut(int32_t seconds);',
    ),
    'EmailLitTimeOut': (
        'i32',
        (),
        'int32_t EmailLitTimeOut(void);',
    ),
    'EmailGetTimeOut': (
        'i32',
        (),
        'int32_t EmailGetTimeOut(void);',
    ),
    'EmailParametre': (
        'i32',
        (('parameter', 'i32'), ('value', 'i32'), ),
        'int32_t EmailParametre(int32_t parameter, int32_t value);',
    ),
    'EmailConfigure': (
        'i32',
        (('parameter', 'i32'), ('value', 'i32'), ),
        'int32_t EmailConfigure(int32_t parameter, int32_t value);',
    ),
    'EmailTrace': (
        'i32',
        (('path', 'str'), ),
        'int32_t EmailTrace(const char *path);',
    ),
    'EmailSetTrace': (
        'i32',
        (('path', 'str'), ),
        'int32_t EmailSetTrace(const char *path);',
    ),
    'EmailVersion': (
        'str',
        (),
        'const char *EmailVersion(void);',
    ),
    'EmailOuvreSessionSMTP': (
        'i32',
        (('user', 'str'), ('password', 'str'), ('server', 'str'), ('port', 'i32'), ('asynchronous', 'i32'), ('option', 'i32'), ),
        'int32_t EmailOuvreSessionSMTP(const char *user, const char *password, const char *server, int32_t port, int32_t asynchronous, int32_t option);',
    ),
    'EmailStartSMTPSession': (
        'i32',
        (('user', 'str'), ('password', 'str'), ('server', 'str'), ('port', 'i32'), ('asynchronous', 'i32'), ('option', 'i32'), ),
        'int32_t EmailStartSMTPSession(const char *user, const char *password, const char *server, int32_t port, int32_t asynchronous, int32_t option);',
    ),
    'EmailEnvoieMessage': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailEnvoieMessage(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailSendMessage': (
        'i32',
        (('session', 'str'), ('email', 'i32'), ('options', 'i32'), ),
        'int32_t EmailSendMessage(const char *session, WdEmail email, int32_t options);',
    ),
    'EmailEtat': (
        'i32',
        (('mail_id', 'i32'), ),
        'int32_t EmailEtat(int32_t mail_id);',
    ),
    'EmailStatus': (
        'i32',
        (('mail_id', 'i32'), ),
        'int32_t EmailStatus(int32_t mail_id);',
    ),
    'EmailVerifieAdresse': (
        'i32',
        (('address', 'str'), ('session', 'str'), ),
        'int32_t EmailVerifieAdresse(const char *address, const char *session);',
    ),
    'EmailCheckAddress': (
        'i32',
        (('address', 'str'), ('session', 'str'), ),
        'int32_t EmailCheckAddress(const char *address, const char *session);',
    ),
}
