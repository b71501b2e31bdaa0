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

ErrorOccurred = ErreurDetectee

def ErreurInfo(info: int, /) -> Optional[str]:
    """C: const char *ErreurInfo(int32_t info);"""

ErrorInfo = ErreurInfo

def ErreurCode() -> int:
    """C: WD_E ErreurCode(void);"""

ErrorCode = ErreurCode

def ErreurCodeTexte(code: int, /) -> Optional[str]:
    """C: const char *ErreurCodeTexte(int32_t code);"""

ErrorCodeText = ErreurCodeTexte

def EmailOuvreSessionIMAP(user: _Text, password: _Text, server: _Text, port: int, option: int, /) -> int:
    """C: int32_t EmailOuvreSessionIMAP(const char *user, const char *password, const char *server, int32_t port, int32_t option);"""

EmailStartIMAPSession = EmailOuvreSessionIMAP

def EmailCree() -> int:
    """C: WdEmail EmailCree(void);"""

EmailCreate = EmailCree

def EmailLibere(email: int, /) -> int:
    """C: int32_t EmailLibere(WdEmail email);"""

EmailFree = EmailLibere

def EmailRAZ(email: int, /) -> int:
    """C: int32_t EmailRAZ(WdEmail email);"""

EmailReset = EmailRAZ

def EmailPropriete(email: int, property: int, index: int, /) -> Optional[str]:
    """C: const char *EmailPropriete(WdEmail email, int32_t property, int32_t index);"""

EmailGetProperty = EmailPropriete

def EmailModifiePropriete(email: int, property: int, index: int, value: _Text, /) -> int:
    """C: int32_t EmailModifiePropriete(WdEmail email, int32_t property, int32_t index, const char *value);"""

EmailSetProperty = EmailModifiePropriete

def EmailAjoute(email: int, property: int, value: _Text, /) -> int:
    """C: int32_t EmailAjoute(WdEmail email, int32_t property, const char *value);"""

EmailAdd = EmailAjoute

def EmailNb(email: int, property: int, /) -> int:
    """C: int32_t EmailNb(WdEmail email, int32_t property);"""

EmailCount = EmailNb

def EmailEntete(email: int, header_name: _Text, index: int, /) -> Optional[str]:
    """C: const char *EmailEntete(WdEmail email, const char *header_name, int32_t index);"""

EmailHeader = EmailEntete

def EmailAjouteEntete(email: int, header_name: _Text, value: _Text, /) -> int:
    """C: int32_t EmailAjouteEntete(WdEmail email, const char *header_name, const char *value);"""

EmailAddHeader = EmailAjouteEntete

def EmailAjouteFichierAttache(email: int, path: _Text, /) -> int:
    """C: int32_t EmailAjouteFichierAttache(WdEmail email, const char *path);"""

EmailAddAttachment = EmailAjouteFichierAttache

def EmailAjouteFichierAttacheMemoire(email: int, name: _Text, data: _Data, content_type: _Text, /) -> int:
    """C: int32_t EmailAjouteFichierAttacheMemoire(WdEmail email, const char *name, const uint8_t *data, size_t len, const char *content_type);"""

EmailAddAttachmentData = EmailAjouteFichierAttacheMemoire

def EmailFichierAttacheContenu(email: int, index: int, /) -> Optional[bytes]:
    """C: const uint8_t *EmailFichierAttacheContenu(WdEmail email, int32_t index, size_t *out_len);"""

EmailAttachmentContent = EmailFichierAttacheContenu

def EmailSauveFichierAttache(email: int, index: int, path: _Text, /) -> int:
    """C: int32_t EmailSauveFichierAttache(WdEmail email, int32_t index, const char *path);"""

EmailSaveAttachment = EmailSauveFichierAttache

def EmailConstruitSource(email: int, options: int, /) -> int:
    """C: int32_t EmailConstruitSource(WdEmail email, int32_t options);"""

EmailBuildSource = EmailConstruitSource

def EmailSource(email: int, /) -> Optional[bytes]:
    """C: const uint8_t *EmailSource(WdEmail email, size_t *out_len);"""

EmailGetSource = EmailSource

def EmailImporteSource(email: int, data: _Data, /) -> int:
    """C: int32_t EmailImporteSource(WdEmail email, const uint8_t *data, size_t len);"""

EmailImportSource = EmailImporteSource

def EmailImporteHTML(email: int, html: _Text, images_dir: _Text, /) -> int:
    """C: int32_t EmailImporteHTML(WdEmail email, const char *html, const char *images_dir);"""

EmailImportHTML = EmailImporteHTML

def EmailOuvreMessagerie(email: int, /) -> int:
    """C: int32_t EmailOuvreMessagerie(WdEmail email);"""

EmailOpenMail = EmailOuvreMessagerie

def EmailLanceAppli(email: int, /) -> int:
    """C: int32_t EmailLanceAppli(WdEmail email);"""

EmailRunApp = EmailLanceAppli

def OAuth2ParametresCree() -> int:
    """C: WdOAuth2Params OAuth2ParametresCree(void);"""

OAuth2ParametersCreate = OAuth2ParametresCree

def OAuth2ParametresModifie(params: int, property: int, value: _Text, /) -> int:
    """C: int32_t OAuth2ParametresModifie(WdOAuth2Params params, int32_t property, const char *value);"""

OAuth2ParametersSet = OAuth2ParametresModifie

def OAuth2ParametresPropriete(params: int, property: int, /) -> Optional[str]:
    """C: const char *OAuth2ParametresPropriete(WdOAuth2Params params, int32_t property);"""

OAuth2ParametersGet = OAuth2ParametresPropriete

def AuthIdentifie(params: int, /) -> int:
    """C: WdAuthToken AuthIdentifie(WdOAuth2Params params);"""

AuthIdentify = AuthIdentifie

def AuthInviteFonction(callback: Any, user_data: Any, /) -> int:
    """C: int32_t AuthInviteFonction(WdPromptCallback callback, void *user_data);"""

AuthPromptCallback = AuthInviteFonction

def AuthTokenPropriete(token: int, property: int, /) -> Optional[str]:
    """C: const char *AuthTokenPropriete(WdAuthToken token, int32_t property);"""

AuthTokenGet = AuthTokenPropriete

def AuthRafraichitToken(token: int, params: int, /) -> int:
    """C: WdAuthToken AuthRafraichitToken(WdAuthToken token, WdOAuth2Params params);"""

AuthRefreshToken = AuthRafraichitToken

def AuthVerifieAuthentification(token: int, params: int, /) -> int:
    """C: int32_t AuthVerifieAuthentification(WdAuthToken token, WdOAuth2Params params);"""

AuthVerifyAuthentication = AuthVerifieAuthentification

def OAuth2Libere(handle: int, /) -> int:
    """C: int32_t OAuth2Libere(int32_t handle);"""

OAuth2Free = OAuth2Libere

def EmailOuvreSessionPOP3(user: _Text, password: _Text, server: _Text, port: int, option: int, /) -> int:
    """C: int32_t EmailOuvreSessionPOP3(const char *user, const char *password, const char *server, int32_t port, int32_t option);"""

EmailStartPOP3Session = EmailOuvreSessionPOP3

def EmailOuvreSession(user: _Text, password: _Text, pop3_server: _Text, smtp_server: _Text, pop3_port: int, smtp_port: int, asynchronous: int, /) -> int:
    """C: int32_t EmailOuvreSession(const char *user, const char *password, const char *pop3_server, const char *smtp_server, int32_t pop3_port, int32_t smtp_port, int32_t asynchronous);"""

EmailStartSession = EmailOuvreSession

def EmailLitPremier(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitPremier(const char *session, WdEmail email, int32_t options);"""

EmailReadFirst = EmailLitPremier

def EmailLitSuivant(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitSuivant(const char *session, WdEmail email, int32_t options);"""

EmailReadNext = EmailLitSuivant

def EmailLitPrecedent(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitPrecedent(const char *session, WdEmail email, int32_t options);"""

EmailReadPrevious = EmailLitPrecedent

def EmailLitDernier(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitDernier(const char *session, WdEmail email, int32_t options);"""

EmailReadLast = EmailLitDernier

def EmailLitPremierEntete(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitPremierEntete(const char *session, WdEmail email, int32_t options);"""

EmailReadFirstHeader = EmailLitPremierEntete

def EmailLitSuivantEntete(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitSuivantEntete(const char *session, WdEmail email, int32_t options);"""

EmailReadNextHeader = EmailLitSuivantEntete

def EmailLitPrecedentEntete(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitPrecedentEntete(const char *session, WdEmail email, int32_t options);"""

EmailReadPreviousHeader = EmailLitPrecedentEntete

def EmailLitDernierEntete(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailLitDernierEntete(const char *session, WdEmail email, int32_t options);"""

EmailReadLastHeader = EmailLitDernierEntete

def EmailNbMessage(session: _Text, options: int, /) -> int:
    """C: int32_t EmailNbMessage(const char *session, int32_t options);"""

def EmailTailleMessage(session: _Text, number: int, /) -> int:
    """C: int32_t EmailTailleMessage(const char *session, int32_t number);"""

EmailMessageSize = EmailTailleMessage

def EmailLitMessage(session: _Text, email: int, number: int, /) -> int:
    """C: int32_t EmailLitMessage(const char *session, WdEmail email, int32_t number);"""

EmailReadMessage = EmailLitMessage

def EmailLitEnteteMessage(session: _Text, email: int, number: int, /) -> int:
    """C: int32_t EmailLitEnteteMessage(const char *session, WdEmail email, int32_t number);"""

EmailReadMessageHeader = EmailLitEnteteMessage

def EmailRecupereTout(session: _Text, options: int, /) -> int:
    """C: WdEmailList EmailRecupereTout(const char *session, int32_t options);"""

EmailGetAll = EmailRecupereTout

def EmailListeNb(list: int, /) -> int:
    """C: int32_t EmailListeNb(WdEmailList list);"""

EmailListCount = EmailListeNb

def EmailListeElement(list: int, index: int, /) -> int:
    """C: WdEmail EmailListeElement(WdEmailList list, int32_t index);"""

EmailListItem = EmailListeElement

def EmailListeEtat(list: int, /) -> int:
    """C: int32_t EmailListeEtat(WdEmailList list);"""

EmailListStatus = EmailListeEtat

def EmailSupprimeMessage(session: _Text, email: int, /) -> int:
    """C: int32_t EmailSupprimeMessage(const char *session, WdEmail email);"""

EmailDeleteMessage = EmailSupprimeMessage

def EmailDetruit(session: _Text, /) -> int:
    """C: int32_t EmailDetruit(const char *session);"""

EmailDestroy = EmailDetruit

def EmailListeDossier(session: _Text, /) -> Optional[str]:
    """C: const char *EmailListeDossier(const char *session);"""

EmailListFolder = EmailListeDossier

def EmailDossierSpecial(session: _Text, role: int, /) -> Optional[str]:
    """C: const char *EmailDossierSpecial(const char *session, int32_t role);"""

EmailSpecialFolder = EmailDossierSpecial

def EmailListeDossierRole(session: _Text, /) -> Optional[str]:
    """C: const char *EmailListeDossierRole(const char *session);"""

EmailListFolderRoles = EmailListeDossierRole

def EmailChangeDossier(session: _Text, folder: _Text, /) -> int:
    """C: int32_t EmailChangeDossier(const char *session, const char *folder);"""

EmailChangeFolder = EmailChangeDossier

def EmailCreeDossier(session: _Text, folder: _Text, /) -> int:
    """C: int32_t EmailCreeDossier(const char *session, const char *folder);"""

EmailCreateFolder = EmailCreeDossier

def EmailSupprimeDossier(session: _Text, folder: _Text, /) -> int:
    """C: int32_t EmailSupprimeDossier(const char *session, const char *folder);"""

EmailDeleteFolder = EmailSupprimeDossier

def EmailRenommeDossier(session: _Text, folder: _Text, new_name: _Text, /) -> int:
    """C: int32_t EmailRenommeDossier(const char *session, const char *folder, const char *new_name);"""

EmailRenameFolder = EmailRenommeDossier

def EmailCopieMessage(session: _Text, email: int, folder: _Text, /) -> int:
    """C: int32_t EmailCopieMessage(const char *session, WdEmail email, const char *folder);"""

EmailCopyMessage = EmailCopieMessage

def EmailDeplaceMessage(session: _Text, email: int, folder: _Text, /) -> int:
    """C: int32_t EmailDeplaceMessage(const char *session, WdEmail email, const char *folder);"""

EmailMoveMessage = EmailDeplaceMessage

def EmailMiseAJour(session: _Text, email: int, /) -> int:
    """C: int32_t EmailMiseAJour(const char *session, WdEmail email);"""

EmailUpdate = EmailMiseAJour

def EmailAjouteMessage(session: _Text, folder: _Text, email: int, /) -> int:
    """C: int32_t EmailAjouteMessage(const char *session, const char *folder, WdEmail email);"""

EmailAppendMessage = EmailAjouteMessage

def EmailRecherche(session: _Text, criteria: _Text, options: int, /) -> int:
    """C: WdEmailList EmailRecherche(const char *session, const char *criteria, int32_t options);"""

EmailSearch = EmailRecherche

def EmailCherchePremier(session: _Text, email: int, criterion: int, value: _Text, /) -> int:
    """C: int32_t EmailCherchePremier(const char *session, WdEmail email, int32_t criterion, const char *value);"""

EmailSeekFirst = EmailCherchePremier

def EmailChercheSuivant(session: _Text, email: int, /) -> int:
    """C: int32_t EmailChercheSuivant(const char *session, WdEmail email);"""

EmailSeekNext = EmailChercheSuivant

def EmailAttendMessage(session: _Text, seconds: int, /) -> int:
    """C: int32_t EmailAttendMessage(const char *session, int32_t seconds);"""

EmailWaitMessage = EmailAttendMessage

def EmailSessionCree(name: _Text, session_type: int, /) -> int:
    """C: int32_t EmailSessionCree(const char *name, int32_t session_type);"""

EmailSessionCreate = EmailSessionCree

def EmailSessionModifie(name: _Text, property: int, value: _Text, /) -> int:
    """C: int32_t EmailSessionModifie(const char *name, int32_t property, const char *value);"""

EmailSessionSet = EmailSessionModifie

def EmailSessionPropriete(name: _Text, property: int, /) -> Optional[str]:
    """C: const char *EmailSessionPropriete(const char *name, int32_t property);"""

EmailSessionGet = EmailSessionPropriete

def EmailOuvreSessionNotes(profile: _Text, password: _Text, /) -> int:
    """C: int32_t EmailOuvreSessionNotes(const char *_profile, const char *_password);"""

EmailStartNotesSession = EmailOuvreSessionNotes

def EmailOuvreSessionOutlook(profile: _Text, password: _Text, /) -> int:
    """C: int32_t EmailOuvreSessionOutlook(const char *_profile, const char *_password);"""

EmailStartOutlookSession = EmailOuvreSessionOutlook

def EmailOuvreSessionDeclaree(name: _Text, /) -> int:
    """C: int32_t EmailOuvreSessionDeclaree(const char *name);"""

EmailStartDeclaredSession = EmailOuvreSessionDeclaree

def EmailFermeSession(name: _Text, /) -> int:
    """C: int32_t EmailFermeSession(const char *name);"""

EmailCloseSession = EmailFermeSession

def EmailChangeTimeOut(seconds: int, /) -> int:
    """C: int32_t EmailChangeTimeOut(int32_t seconds);"""

EmailSetTimeOut = EmailChangeTimeOut

def EmailLitTimeOut() -> int:
    """C: int32_t EmailLitTimeOut(void);"""

EmailGetTimeOut = EmailLitTimeOut

def EmailParametre(parameter: int, value: int, /) -> int:
    """C: int32_t EmailParametre(int32_t parameter, int32_t value);"""

EmailConfigure = EmailParametre

def EmailTrace(path: _Text, /) -> int:
    """C: int32_t EmailTrace(const char *path);"""

EmailSetTrace = EmailTrace

def EmailVersion() -> Optional[str]:
    """C: const char *EmailVersion(void);"""

def EmailJauge(session: _Text, callback: Any, user_data: Any, /) -> int:
    """C: int32_t EmailJauge(const char *session, WdProgressCallback callback, void *user_data);"""

EmailProgressBar = EmailJauge

def EmailTraceFonction(callback: Any, user_data: Any, /) -> int:
    """C: int32_t EmailTraceFonction(WdTraceCallback callback, void *user_data);"""

EmailTraceCallback = EmailTraceFonction

def EmailOuvreSessionSMTP(user: _Text, password: _Text, server: _Text, port: int, asynchronous: int, option: int, /) -> int:
    """C: int32_t EmailOuvreSessionSMTP(const char *user, const char *password, const char *server, int32_t port, int32_t asynchronous, int32_t option);"""

EmailStartSMTPSession = EmailOuvreSessionSMTP

def EmailEnvoieMessage(session: _Text, email: int, options: int, /) -> int:
    """C: int32_t EmailEnvoieMessage(const char *session, WdEmail email, int32_t options);"""

EmailSendMessage = EmailEnvoieMessage

def EmailEnvoie(session: _Text, path: _Text, /) -> int:
    """C: int32_t EmailEnvoie(const char *session, const char *path);"""

EmailSend = EmailEnvoie

def EmailEtat(mail_id: int, /) -> int:
    """C: int32_t EmailEtat(int32_t mail_id);"""

EmailStatus = EmailEtat

def EmailVerifieAdresse(address: _Text, session: _Text, /) -> int:
    """C: int32_t EmailVerifieAdresse(const char *address, const char *session);"""

EmailCheckAddress = EmailVerifieAdresse
