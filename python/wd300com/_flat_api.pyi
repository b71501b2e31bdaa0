"""Types of the flat functions (wd300com/_flat_api.py), generated from
include/wd300com.h by python/gen_bindings.py. Do not edit by hand: rerun the generator.
"""

import os
from typing import Any, Optional, Union

# const char*: str (UTF-8), bytes, a path, or None for NULL.
_Text = Union[str, bytes, bytearray, memoryview, os.PathLike[str], os.PathLike[bytes], None]
# (const uint8_t* data, size_t len): bytes-like, or None for NULL.
_Data = Union[bytes, bytearray, memoryview, None]

__all__ = [
    'ErreurDetectee',
    'ErrorOccurred',
    'ErreurInfo',
    'ErrorInfo',
    'ErreurCode',
    'ErrorCode',
    'ErreurCodeTexte',
    'ErrorCodeText',
    'EmailOuvreSessionIMAP',
    'EmailStartIMAPSession',
    'EmailCree',
    'EmailCreate',
    'EmailLibere',
    'EmailFree',
    'EmailRAZ',
    'EmailReset',
    'EmailPropriete',
    'EmailGetProperty',
    'EmailModifiePropriete',
    'EmailSetProperty',
    'EmailAjoute',
    'EmailAdd',
    'EmailNb',
    'EmailCount',
    'EmailEntete',
    'EmailHeader',
    'EmailAjouteEntete',
    'EmailAddHeader',
    'EmailAjouteFichierAttache',
    'EmailAddAttachment',
    'EmailAjouteFichierAttacheMemoire',
    'EmailAddAttachmentData',
    'EmailFichierAttacheContenu',
    'EmailAttachmentContent',
    'EmailSauveFichierAttache',
    'EmailSaveAttachment',
    'EmailConstruitSource',
    'EmailBuildSource',
    'EmailSource',
    'EmailGetSource',
    'EmailImporteSource',
    'EmailImportSource',
    'EmailImporteHTML',
    'EmailImportHTML',
    'EmailOuvreMessagerie',
    'EmailOpenMail',
    'EmailLanceAppli',
    'EmailRunApp',
    'OAuth2ParametresCree',
    'OAuth2ParametersCreate',
    'OAuth2ParametresModifie',
    'OAuth2ParametersSet',
    'OAuth2ParametresPropriete',
    'OAuth2ParametersGet',
    'AuthIdentifie',
    'AuthIdentify',
    'AuthInviteFonction',
    'AuthPromptCallback',
    'AuthTokenPropriete',
    'AuthTokenGet',
    'AuthRafraichitToken',
    'AuthRefreshToken',
    'AuthVerifieAuthentification',
    'AuthVerifyAuthentication',
    'OAuth2Libere',
    'OAuth2Free',
    'EmailOuvreSessionPOP3',
    'EmailStartPOP3Session',
    'EmailOuvreSession',
    'EmailStartSession',
    'EmailLitPremier',
    'EmailReadFirst',
    'EmailLitSuivant',
    'EmailReadNext',
    'EmailLitPrecedent',
    'EmailReadPrevious',
    'EmailLitDernier',
    'EmailReadLast',
    'EmailLitPremierEntete',
    'EmailReadFirstHeader',
    'EmailLitSuivantEntete',
    'EmailReadNextHeader',
    'EmailLitPrecedentEntete',
    'EmailReadPreviousHeader',
    'EmailLitDernierEntete',
    'EmailReadLastHeader',
    'EmailNbMessage',
    'EmailTailleMessage',
    'EmailMessageSize',
    'EmailLitMessage',
    'EmailReadMessage',
    'EmailLitEnteteMessage',
    'EmailReadMessageHeader',
    'EmailRecupereTout',
    'EmailGetAll',
    'EmailListeNb',
    'EmailListCount',
    'EmailListeElement',
    'EmailListItem',
    'EmailListeEtat',
    'EmailListStatus',
    'EmailSupprimeMessage',
    'EmailDeleteMessage',
    'EmailDetruit',
    'EmailDestroy',
    'EmailListeDossier',
    'EmailListFolder',
    'EmailDossierSpecial',
    'EmailSpecialFolder',
    'EmailListeDossierRole',
    'EmailListFolderRoles',
    'EmailChangeDossier',
    'EmailChangeFolder',
    'EmailCreeDossier',
    'EmailCreateFolder',
    'EmailSupprimeDossier',
    'EmailDeleteFolder',
    'EmailRenommeDossier',
    'EmailRenameFolder',
    'EmailCopieMessage',
    'EmailCopyMessage',
    'EmailDeplaceMessage',
    'EmailMoveMessage',
    'EmailMiseAJour',
    'EmailUpdate',
    'EmailAjouteMessage',
    'EmailAppendMessage',
    'EmailRecherche',
    'EmailSearch',
    'EmailCherchePremier',
    'EmailSeekFirst',
    'EmailChercheSuivant',
    'EmailSeekNext',
    'EmailAttendMessage',
    'EmailWaitMessage',
    'EmailSessionCree',
    'EmailSessionCreate',
    'EmailSessionModifie',
    'EmailSessionSet',
    'EmailSessionPropriete',
    'EmailSessionGet',
    'EmailOuvreSessionNotes',
    'EmailStartNotesSession',
    'EmailOuvreSessionOutlook',
    'EmailStartOutlookSession',
    'EmailOuvreSessionDeclaree',
    'EmailStartDeclaredSession',
    'EmailFermeSession',
    'EmailCloseSession',
    'EmailChangeTimeOut',
    'EmailSetTimeOut',
    'EmailLitTimeOut',
    'EmailGetTimeOut',
    'EmailParametre',
    'EmailConfigure',
    'EmailTrace',
    'EmailSetTrace',
    'EmailVersion',
    'EmailJauge',
    'EmailProgressBar',
    'EmailTraceFonction',
    'EmailTraceCallback',
    'EmailOuvreSessionSMTP',
    'EmailStartSMTPSession',
    'EmailEnvoieMessage',
    'EmailSendMessage',
    'EmailEnvoie',
    'EmailSend',
    'EmailEtat',
    'EmailStatus',
    'EmailVerifieAdresse',
    'EmailCheckAddress',
]

def ErreurDetectee() -> int:
    """C: int32_t ErreurDetectee(void);"""

def ErreurInfo(info: int, /) -> Optional[str]:
    """C: const char *ErreurInfo(int32_t info);"""

def ErreurCode() -> int:
    """C: WD_E ErreurCode(void);"""

def ErreurCodeTexte(code: int, /) -> Optional[str]:
    """C: const char *ErreurCodeTexte(int32_t code);"""

def EmailOuvreSessionIMAP(user: _Text, password: _Text, server: _Text, port: int, option: int, /) -> int:
    """C: int32_t EmailOuvreSessionIMAP(const char *user, const char *password, const char *server, int32_t port, int32_t option);"""

def EmailCree() -> int:
    """C: WdEmail EmailCree(void);"""

def EmailLibere(email: int, /) -> int:
    """C: int32_t EmailLibere(WdEmail email);"""

def EmailRAZ(email: int, /) -> int:
    """C: int32_t EmailRAZ(WdEmail email);"""

def EmailPropriete(email: int, property: int, index: int, /) -> Optional[str]:
    """C: const char *EmailPropriete(WdEmail email, int32_t property, int32_t index);"""

def EmailModifiePropriete(email: int, property: int, index: int, value: _Text, /) -> int:
    """C: int32_t EmailModifiePropriete(WdEmail email, int32_t property, int32_t index, const char *value);"""

def EmailAjoute(email: int, property: int, value: _Text, /) -> int:
    """C: int32_t EmailAjoute(WdEmail email, int32_t property, const char *value);"""

def EmailNb(email: int, property: int, /) -> int:
    """C: int32_t EmailNb(WdEmail email, int32_t property);"""

def EmailEntete(email: int, header_name: _Text, index: int, /) -> Optional[str]:
    """C: const char *EmailEntete(WdEmail email, const char *header_name, int32_t index);"""

def EmailAjouteEntete(email: int, header_name: _Text, value: _Text, /) -> int:
    """C: int32_t EmailAjouteEntete(WdEmail email, const char *header_name, const char *value);"""

def EmailAjouteFichierAttache(email: int, path: _Text, /) -> int:
    """C: int32_t EmailAjouteFichierAttache(WdEmail email, const char *path);"""

def EmailAjouteFichierAttacheMemoire(email: int, name: _Text, data: _Data, content_type: _Text, /) -> int:
    """C: int32_t EmailAjouteFichierAttacheMemoire(WdEmail email, const char *name, const uint8_t *data, size_t len, const char *content_type);"""

def EmailFichierAttacheContenu(email: int, index: int, /) -> Optional[bytes]:
    """C: const uint8_t *EmailFichierAttacheContenu(WdEmail email, int32_t index, size_t *out_len);"""

def EmailSauveFichierAttache(email: int, index: int, path: _Text, /) -> int:
    """C: int32_t EmailSauveFichierAttache(WdEmail email, int32_t index, const char *path);"""

def EmailConstruitSource(email: int, options: int, /) -> int:
    """C: int32_t EmailConstruitSource(WdEmail email, int32_t options);"""

def EmailSource(email: int, /) -> Optional[bytes]:
    """C: const uint8_t *EmailSource(WdEmail email, size_t *out_len);"""

def EmailImporteSource(email: int, data: _Data, /) -> int:
    """C: int32_t EmailImporteSource(WdEmail email, const uint8_t *data, size_t len);"""

def EmailImporteHTML(email: int, html: _Text, images_dir: _Text, /) -> int:
    """C: int32_t EmailImporteHTML(WdEmail email, const char *html, const char *images_dir);"""

def EmailOuvreMessagerie(email: int, /) -> int:
    """C: int32_t EmailOuvreMessagerie(WdEmail email);"""

def EmailLanceAppli(email: int, /) -> int:
    """C: int32_t EmailLanceAppli(WdEmail email);"""

def OAuth2ParametresCree() -> int:
    """C: WdOAuth2Params OAuth2ParametresCree(void);"""

def OAuth2ParametresModifie(params: int, property: int, value: _Text, /) -> int:
    """C: int32_t OAuth2ParametresModifie(WdOAuth2Params params, int32_t property, const char *value);"""

def OAuth2ParametresPropriete(params: int, property: int, /) -> Optional[str]:
    """C: const char *OAuth2ParametresPropriete(WdOAuth2Params params, int32_t property);"""

def AuthIdentifie(params: int, /) -> int:
    """C: WdAuthToken AuthIdentifie(WdOAuth2Params params);"""

def AuthInviteFonction(callback: Any, user_data: Any, /) -> int:
    """C: int32_t AuthInviteFonction(WdPromptCallback callback, void *user_data);"""

def AuthTokenPropriete(token: int, property: int, /) -> Optional[str]:
    """C: const char *AuthTokenPropriete(WdAuthToken token, int32_t property);"""

def AuthRafraichitToken(token: int, params: int, /) -> int:
    """C: WdAuthToken AuthRafraichitToken(WdAuthToken token, WdOAuth2Params params);"""

def AuthVerifieAuthentification(token: int, params: int, /) -> int:
    """C: int32_t AuthVerifieAuthentification(WdAuthToken token, WdOAuth2Params params);"""

def OAuth2Libere(handle: int, /) -> int:
    """C: int32_t OAuth2Libere(int32_t handle);"""

def EmailOuvreSessionPOP3(user: _Text, password: _Text, server: _Text, port: int, option: int, /) -> int:
    """C: int32_t EmailOuvreSessionPOP3(const char *user, const char *password, const char *server, int32_t port, int32_t option);"""

def EmailOuvreSession(user: _Text, password: _Text, pop3_server: _Text, smtp_server: _Text, pop3_port: int, smtp_port: int, asynchronous: int, /) -> int:
    """C: int32_t EmailOuvreSession(const char *user, const char *password, const char *pop3_server, const char *smtp_server, int32_t pop3_port, int32_t smtp_port, int32_t asynchronous);"""

def EmailLitPremier(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitPremier(const char *session, WdEmail email, int32_t options);"""

def EmailLitSuivant(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitSuivant(const char *session, WdEmail email, int32_t options);"""

def EmailLitPrecedent(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitPrecedent(const char *session, WdEmail email, int32_t options);"""

def EmailLitDernier(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitDernier(const char *session, WdEmail email, int32_t options);"""

def EmailLitPremierEntete(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitPremierEntete(const char *session, WdEmail email, int32_t options);"""

def EmailLitSuivantEntete(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitSuivantEntete(const char *session, WdEmail email, int32_t options);"""

def EmailLitPrecedentEntete(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitPrecedentEntete(const char *session, WdEmail email, int32_t options);"""

def EmailLitDernierEntete(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitDernierEntete(const char *session, WdEmail email, int32_t options);"""

def EmailNbMessage(session: _Text, options: int, /) -> int:
    """C: int32_t EmailNbMessage(const char *session, int32_t options);"""

def EmailTailleMessage(session: _Text, number: int, /) -> int:
    """C: int32_t EmailTailleMessage(const char *session, int32_t number);"""

def EmailLitMessage(session: _Text, email: int, number: int, /) -> int:
    """C: int32_t EmailLitMessage(const char *session, WdEmail email, int32_t number);"""

def EmailLitEnteteMessage(session: _Text, email: int, number: int, /) -> int:
    """C: int32_t EmailLitEnteteMessage(const char *session, WdEmail email, int32_t number);"""

def EmailRecupereTout(session: _Text, options: int, /) -> int:
    """C: WdEmailList EmailRecupereTout(const char *session, int32_t options);"""

def EmailListeNb(list: int, /) -> int:
    """C: int32_t EmailListeNb(WdEmailList list);"""

def EmailListeElement(list: int, index: int, /) -> int:
    """C: WdEmail EmailListeElement(WdEmailList list, int32_t index);"""

def EmailListeEtat(list: int, /) -> int:
    """C: int32_t EmailListeEtat(WdEmailList list);"""

def EmailSupprimeMessage(session: _Text, email: int, /) -> int:
    """C: int32_t EmailSupprimeMessage(const char *session, WdEmail email);"""

def EmailDetruit(session: _Text, /) -> int:
    """C: int32_t EmailDetruit(const char *session);"""

def EmailListeDossier(session: _Text, /) -> Optional[str]:
    """C: const char *EmailListeDossier(const char *session);"""

def EmailDossierSpecial(session: _Text, role: int, /) -> Optional[str]:
    """C: const char *EmailDossierSpecial(const char *session, int32_t role);"""

def EmailListeDossierRole(session: _Text, /) -> Optional[str]:
    """C: const char *EmailListeDossierRole(const char *session);"""

def EmailChangeDossier(session: _Text, folder: _Text, /) -> int:
    """C: int32_t EmailChangeDossier(const char *session, const char *folder);"""

def EmailCreeDossier(session: _Text, folder: _Text, /) -> int:
    """C: int32_t EmailCreeDossier(const char *session, const char *folder);"""

def EmailSupprimeDossier(session: _Text, folder: _Text, /) -> int:
    """C: int32_t EmailSupprimeDossier(const char *session, const char *folder);"""

def EmailRenommeDossier(session: _Text, folder: _Text, new_name: _Text, /) -> int:
    """C: int32_t EmailRenommeDossier(const char *session, const char *folder, const char *new_name);"""

def EmailCopieMessage(session: _Text, email: int, folder: _Text, /) -> int:
    """C: int32_t EmailCopieMessage(const char *session, WdEmail email, const char *folder);"""

def EmailDeplaceMessage(session: _Text, email: int, folder: _Text, /) -> int:
    """C: int32_t EmailDeplaceMessage(const char *session, WdEmail email, const char *folder);"""

def EmailMiseAJour(session: _Text, email: int, /) -> int:
    """C: int32_t EmailMiseAJour(const char *session, WdEmail email);"""

def EmailAjouteMessage(session: _Text, folder: _Text, email: int, /) -> int:
    """C: int32_t EmailAjouteMessage(const char *session, const char *folder, WdEmail email);"""

def EmailRecherche(session: _Text, criteria: _Text, options: int, /) -> int:
    """C: WdEmailList EmailRecherche(const char *session, const char *criteria, int32_t options);"""

def EmailCherchePremier(session: _Text, email: int, criterion: int, value: _Text, /) -> int:
    """C: int32_t EmailCherchePremier(const char *session, WdEmail email, int32_t criterion, const char *value);"""

def EmailChercheSuivant(session: _Text, email: int, /) -> int:
    """C: int32_t EmailChercheSuivant(const char *session, WdEmail email);"""

def EmailAttendMessage(session: _Text, seconds: int, /) -> int:
    """C: int32_t EmailAttendMessage(const char *session, int32_t seconds);"""

def EmailSessionCree(name: _Text, session_type: int, /) -> int:
    """C: int32_t EmailSessionCree(const char *name, int32_t session_type);"""

def EmailSessionModifie(name: _Text, property: int, value: _Text, /) -> int:
    """C: int32_t EmailSessionModifie(const char *name, int32_t property, const char *value);"""

def EmailSessionPropriete(name: _Text, property: int, /) -> Optional[str]:
    """C: const char *EmailSessionPropriete(const char *name, int32_t property);"""

def EmailOuvreSessionNotes(profile: _Text, password: _Text, /) -> int:
    """C: int32_t EmailOuvreSessionNotes(const char *_profile, const char *_password);"""

def EmailOuvreSessionOutlook(profile: _Text, password: _Text, /) -> int:
    """C: int32_t EmailOuvreSessionOutlook(const char *_profile, const char *_password);"""

def EmailOuvreSessionDeclaree(name: _Text, /) -> int:
    """C: int32_t EmailOuvreSessionDeclaree(const char *name);"""

def EmailFermeSession(name: _Text, /) -> int:
    """C: int32_t EmailFermeSession(const char *name);"""

def EmailChangeTimeOut(seconds: int, /) -> int:
    """C: int32_t EmailChangeTimeOut(int32_t seconds);"""

def EmailLitTimeOut() -> int:
    """C: int32_t EmailLitTimeOut(void);"""

def EmailParametre(parameter: int, value: int, /) -> int:
    """C: int32_t EmailParametre(int32_t parameter, int32_t value);"""

def EmailTrace(path: _Text, /) -> int:
    """C: int32_t EmailTrace(const char *path);"""

def EmailVersion() -> Optional[str]:
    """C: const char *EmailVersion(void);"""

def EmailJauge(session: _Text, callback: Any, user_data: Any, /) -> int:
    """C: int32_t EmailJauge(const char *session, WdProgressCallback callback, void *user_data);"""

def EmailTraceFonction(callback: Any, user_data: Any, /) -> int:
    """C: int32_t EmailTraceFonction(WdTraceCallback callback, void *user_data);"""

def EmailOuvreSessionSMTP(user: _Text, password: _Text, server: _Text, port: int, asynchronous: int, option: int, /) -> int:
    """C: int32_t EmailOuvreSessionSMTP(const char *user, const char *password, const char *server, int32_t port, int32_t asynchronous, int32_t option);"""

def EmailEnvoieMessage(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailEnvoieMessage(const char *session, WdEmail email, int32_t options);"""

def EmailEnvoie(session: _Text, path: _Text, /) -> int:
    """C: int32_t EmailEnvoie(const char *session, const char *path);"""

def EmailEtat(mail_id: int, /) -> int:
    """C: int32_t EmailEtat(int32_t mail_id);"""

def EmailVerifieAdresse(address: _Text, session: _Text, /) -> int:
    """C: int32_t EmailVerifieAdresse(const char *address, const char *session);"""

# The English names of the functions above.
ErrorOccurred = ErreurDetectee
ErrorInfo = ErreurInfo
ErrorCode = ErreurCode
ErrorCodeText = ErreurCodeTexte
EmailStartIMAPSession = EmailOuvreSessionIMAP
EmailCreate = EmailCree
EmailFree = EmailLibere
EmailReset = EmailRAZ
EmailGetProperty = EmailPropriete
EmailSetProperty = EmailModifiePropriete
EmailAdd = EmailAjoute
EmailCount = EmailNb
EmailHeader = EmailEntete
EmailAddHeader = EmailAjouteEntete
EmailAddAttachment = EmailAjouteFichierAttache
EmailAddAttachmentData = EmailAjouteFichierAttacheMemoire
EmailAttachmentContent = EmailFichierAttacheContenu
EmailSaveAttachment = EmailSauveFichierAttache
EmailBuildSource = EmailConstruitSource
EmailGetSource = EmailSource
EmailImportSource = EmailImporteSource
EmailImportHTML = EmailImporteHTML
EmailOpenMail = EmailOuvreMessagerie
EmailRunApp = EmailLanceAppli
OAuth2ParametersCreate = OAuth2ParametresCree
OAuth2ParametersSet = OAuth2ParametresModifie
OAuth2ParametersGet = OAuth2ParametresPropriete
AuthIdentify = AuthIdentifie
AuthPromptCallback = AuthInviteFonction
AuthTokenGet = AuthTokenPropriete
AuthRefreshToken = AuthRafraichitToken
AuthVerifyAuthentication = AuthVerifieAuthentification
OAuth2Free = OAuth2Libere
EmailStartPOP3Session = EmailOuvreSessionPOP3
EmailStartSession = EmailOuvreSession
EmailReadFirst = EmailLitPremier
EmailReadNext = EmailLitSuivant
EmailReadPrevious = EmailLitPrecedent
EmailReadLast = EmailLitDernier
EmailReadFirstHeader = EmailLitPremierEntete
EmailReadNextHeader = EmailLitSuivantEntete
EmailReadPreviousHeader = EmailLitPrecedentEntete
EmailReadLastHeader = EmailLitDernierEntete
EmailMessageSize = EmailTailleMessage
EmailReadMessage = EmailLitMessage
EmailReadMessageHeader = EmailLitEnteteMessage
EmailGetAll = EmailRecupereTout
EmailListCount = EmailListeNb
EmailListItem = EmailListeElement
EmailListStatus = EmailListeEtat
EmailDeleteMessage = EmailSupprimeMessage
EmailDestroy = EmailDetruit
EmailListFolder = EmailListeDossier
EmailSpecialFolder = EmailDossierSpecial
EmailListFolderRoles = EmailListeDossierRole
EmailChangeFolder = EmailChangeDossier
EmailCreateFolder = EmailCreeDossier
EmailDeleteFolder = EmailSupprimeDossier
EmailRenameFolder = EmailRenommeDossier
EmailCopyMessage = EmailCopieMessage
EmailMoveMessage = EmailDeplaceMessage
EmailUpdate = EmailMiseAJour
EmailAppendMessage = EmailAjouteMessage
EmailSearch = EmailRecherche
EmailSeekFirst = EmailCherchePremier
EmailSeekNext = EmailChercheSuivant
EmailWaitMessage = EmailAttendMessage
EmailSessionCreate = EmailSessionCree
EmailSessionSet = EmailSessionModifie
EmailSessionGet = EmailSessionPropriete
EmailStartNotesSession = EmailOuvreSessionNotes
EmailStartOutlookSession = EmailOuvreSessionOutlook
EmailStartDeclaredSession = EmailOuvreSessionDeclaree
EmailCloseSession = EmailFermeSession
EmailSetTimeOut = EmailChangeTimeOut
EmailGetTimeOut = EmailLitTimeOut
EmailConfigure = EmailParametre
EmailSetTrace = EmailTrace
EmailProgressBar = EmailJauge
EmailTraceCallback = EmailTraceFonction
EmailStartSMTPSession = EmailOuvreSessionSMTP
EmailSendMessage = EmailEnvoieMessage
EmailSend = EmailEnvoie
EmailStatus = EmailEtat
EmailCheckAddress = EmailVerifieAdresse
