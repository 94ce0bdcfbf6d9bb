"""An href's remote id: the short way an everyday href takes gives the answer the whole parsing gives.

``member_id`` takes an href made of the collection's own path and a plain name as it stands, and sends every
other href through URL parsing. A remote id that differed between the two ways would make one card two (a
duplicate on the next sync) or let a hostile href in, so every href here is asked both ways.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contactsync.connectors.carddav import hrefs

COLLECTIONS = [
    "https://dav.example.com/alice/book/",
    "https://dav.example.com/alice/book",  # no final slash
    "https://dav.example.com/",  # the book at the root
    "https://dav.example.com/remote.php/dav/addressbooks/users/a%40b.com/contacts/",  # an encoded @
    "https://dav.example.com/users/a b/book/",  # a space, encoded by normalizing
    "https://dav.example.com/a/./book/",  # a "." segment: resolving rewrites it
    "https://dav.example.com/a/%2e%2e/book/",  # an encoded ".."
    "https://dav.example.com/a//book/",  # an empty segment: resolving removes it
    "https://dav.example.com:8443/alice/book/",
    "HTTPS://DAV.EXAMPLE.COM/alice/book/",
    "dav://dav.example.com/alice/book/",  # no scheme urljoin resolves against: no href is a member
]

# names as servers write them, and the characters that make an href anything but plain
NAME_CHARS = st.sampled_from([*"abcXYZ019_-.~@:+!$&'()*,;=%/?# \t\n", "%2F", "%2e", "..", "%40", "é", "\\"])
NAMES = st.lists(NAME_CHARS, max_size=12).map("".join)


@pytest.mark.parametrize("collection", COLLECTIONS)
@settings(max_examples=150, deadline=None)
@given(name=NAMES, spelled=st.sampled_from(["own path", "relative", "absolute URL", "other path"]))
@example(name="a.vcf", spelled="own path")
@example(name=".hidden.vcf", spelled="own path")
@example(name="..", spelled="own path")
@example(name="a.vcf ", spelled="own path")
@example(name="/evil.vcf", spelled="own path")
def test_the_short_way_gives_what_parsing_gives(collection: str, name: str, spelled: str) -> None:
    own = hrefs.collection_path(collection)
    href = {
        "own path": own + name,
        "relative": name,
        "absolute URL": "https://dav.example.com" + own + name,
        "other path": "/elsewhere/" + name,
    }[spelled]
    assert hrefs.member_id(collection, href) == hrefs._member_id_resolved(collection, href), href


def test_an_everyday_href_is_its_own_remote_id_and_one_spelled_otherwise_is_normalized() -> None:
    book = "https://dav.example.com/alice/book/"
    assert hrefs.member_id(book, "/alice/book/3f2a-uid.vcf") == "/alice/book/3f2a-uid.vcf"
    assert hrefs.member_id(book, "/alice/book/a%40b.vcf") == "/alice/book/a@b.vcf"
    assert hrefs.member_id(book, "https://dav.example.com/alice/book/x.vcf") == "/alice/book/x.vcf"
    assert hrefs.member_id(book, "/alice/book/") is None
    assert hrefs.member_id(book, "/alice/book/..") is None
    assert hrefs.member_id(book, "/alice/book/a/b.vcf") is None
    assert hrefs.member_id(book, "https://elsewhere.example.com/alice/book/x.vcf") is None
