"""A faithful Microsoft Graph (Outlook contacts) and Entra ID emulator over HTTPS, for tests and benchmarks.

    from contactsync.emulators.outlook import GraphEmulator

    with GraphEmulator() as emu:
        emu.add_tenant("contoso.test")
        emu.add_app("contoso.test", CLIENT_ID, secret="s3cret")
        emu.add_mailbox("contoso.test", "ana@contoso.test")
        # msal: ConfidentialClientApplication(CLIENT_ID, client_credential="s3cret",
        #       authority=emu.authority("contoso.test"), instance_discovery=False, http_client=session)
        # with session = requests.Session(); session.trust_env = False; session.verify = emu.ca_file

An app holds the Graph permissions an admin granted (``add_app(permissions=…)``, ``grant()``; default: what the
README asks for); every call checks the token's roles or scopes against Microsoft's API reference
(``permissions``). ``python -m contactsync.emulators.outlook --grant Contacts.ReadWrite`` runs it standalone.

Modules: ``server`` (HTTPS + control API), ``identity`` (tenants, apps, tokens), ``permissions`` (what each call
needs), ``graph`` (routing, query options, delta, $batch), ``mailbox`` (contacts, folders, categories, change
log), ``limits`` (throttling per app and mailbox, faults).
"""

from .graph import RequestKind
from .server import GraphEmulator

__all__ = ["GraphEmulator", "RequestKind"]
