"""Emulators of the Google People API and Microsoft Graph, as strict as the real services, for tests and the demo.

Run one standalone with ``python -m contactsync.emulators.google`` or ``python -m contactsync.emulators.outlook``.
"""
