"""Building connectors on the test servers, and writing cards behind the connector's back."""

from __future__ import annotations

from contactsync.connectors.carddav import AuthType, CardDavConnector, CardDavOptions, GroupStyle

from .conftest import DavServer


def make_connector(
    server: DavServer,
    url: str,
    *,
    group_style: GroupStyle = GroupStyle.CATEGORIES,
    multiget_chunk: int = 100,
    photo_max_bytes: int = 1_000_000,
    use_sync_collection: bool = True,
) -> CardDavConnector:
    options = CardDavOptions(
        url=url,
        username=server.username,
        # a login from the first request, so the requests a test counts are the ones it is about; the 401 round of
        # `auth: auto` (paid once, then remembered) is tested in test_remembered_login.py and test_tag_counts.py
        auth=AuthType.BASIC if server.password is not None else AuthType.AUTO,
        group_style=group_style,
        multiget_chunk=multiget_chunk,
        timeout=10,
        use_sync_collection=use_sync_collection,
    )
    return CardDavConnector(f"{server.kind}-test", options, server.password, photo_max_bytes=photo_max_bytes)


def card(uid: str, given: str, family: str, *, version: str = "3.0", extra: str = "") -> str:
    """A plain card as another client would write it."""
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"UID:{uid}", f"FN:{given} {family}", f"N:{family};{given};;;"]
    lines += [line for line in extra.splitlines() if line]
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def get_raw(server: DavServer, url: str) -> str:
    """A card's text as the server holds it now."""
    with server.session() as session:
        response = session.get(url, timeout=10)
    assert response.status_code == 200, response.status_code
    return response.content.decode()
