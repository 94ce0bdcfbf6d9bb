"""The demo's people: one small organization as three platforms each hold it, overlapping and inconsistent.

- Ana is on Google and Outlook, spelled differently, her phone in two formats, her note different on each
  (the ``manual`` rule on notes queues that for the admin);
- Bruno's email is upper-cased on Outlook and his phone typed as E.164 there; his tags differ;
- Carla is "Carla Díaz" on Google and "Carla Diaz" on CardDAV (a vCard 4 ``tel:`` URI phone);
- Davi has no email: Outlook and CardDAV agree on him by his phone alone;
- Fernanda is twice on Google (another address, same name and company) and Joana twice on CardDAV (same phone):
  duplicates the sync keeps apart, for ``contactsync duplicates`` to show;
- Igor's card on CardDAV carries a 1.5 MB photo, over the account's ``max_response_mb``: it is quarantined,
  never deleted, never fatal.

Every name, address and number is fictitious (555-01xx numbers are reserved for fiction).
"""

from __future__ import annotations

import base64
from typing import Any

DOMAIN = "acme.example"
GOOGLE_USER = f"office@{DOMAIN}"
OUTLOOK_TENANT = "acme.example"
OUTLOOK_USER = f"reception@{DOMAIN}"
OUTLOOK_CLIENT_ID = "0d5c2f38-6c9a-4a8e-9d8c-3f1d2a7b9e10"


def google_people(groups: dict[str, str], *, short: bool) -> list[dict[str, Any]]:
    """People API bodies; ``groups`` maps a label to its resource name."""

    def member(*labels: str) -> list[dict[str, Any]]:
        return [{"contactGroupMembership": {"contactGroupResourceName": groups[label]}} for label in labels]

    people: list[dict[str, Any]] = [
        {
            "names": [{"givenName": "Ana", "familyName": "Souza"}],
            "emailAddresses": [{"value": "ana.souza@Acme.EXAMPLE", "type": "work"}],
            "phoneNumbers": [{"value": "(415) 555-0101", "type": "mobile"}],
            "organizations": [{"name": "Acme", "title": "Account Manager"}],
            "biographies": [{"value": "Prefers calls in the morning."}],
            "memberships": member("Staff", "Sales"),
        },
        {
            "names": [{"givenName": "Bruno", "familyName": "Lima"}],
            "emailAddresses": [{"value": "bruno.lima@acme.example", "type": "work"}],
            "phoneNumbers": [{"value": "+1 415 555 0102", "type": "work"}],
            "organizations": [{"name": "Acme", "title": "Engineer"}],
            "memberships": member("Staff"),
        },
        {
            "names": [{"givenName": "Carla", "familyName": "Díaz"}],
            "emailAddresses": [{"value": "carla.diaz@acme.example", "type": "work"}],
            "birthdays": [{"date": {"month": 4, "day": 15}}],
            "memberships": member("Staff", "Board"),
        },
        {
            "names": [{"givenName": "Fernanda", "familyName": "Rocha"}],
            "emailAddresses": [{"value": "fernanda@supplier.example", "type": "work"}],
            "phoneNumbers": [{"value": "415.555.0106", "type": "work"}],
            "organizations": [{"name": "Supplier Co"}],
            "memberships": member("Vendors"),
        },
        {
            "names": [{"givenName": "Fernanda", "familyName": "Rocha"}],
            "emailAddresses": [{"value": "f.rocha@mail.example", "type": "home"}],
            "organizations": [{"name": "Supplier Co"}],
            "memberships": member("Vendors"),
        },
    ]
    if not short:
        people += [
            {
                "names": [{"givenName": f"Colleague{n:02d}", "familyName": "Santos"}],
                "emailAddresses": [{"value": f"colleague{n:02d}@acme.example", "type": "work"}],
                "memberships": member("Staff"),
            }
            for n in range(12)
        ]
    return people


GOOGLE_LABELS = ("Staff", "Sales", "Board", "Vendors")


def outlook_contacts() -> list[dict[str, Any]]:
    return [
        {
            "givenName": "Ana",
            "middleName": "M.",
            "surname": "Souza",
            "displayName": "Ana M. Souza",
            "emailAddresses": [{"address": "ana.souza@acme.example", "name": "Ana M. Souza"}],
            "mobilePhone": "415-555-0101",
            "categories": ["Friends"],
            "personalNotes": "Met at the fair.",
        },
        {
            "givenName": "Bruno",
            "surname": "Lima",
            "emailAddresses": [{"address": "Bruno.Lima@ACME.example"}],
            "businessPhones": ["+14155550102"],
            "categories": ["Staff", "Board"],
        },
        {"givenName": "Davi", "surname": "Costa", "mobilePhone": "4155550104", "categories": ["Friends"]},
        {
            "givenName": "Gabriel",
            "surname": "Alves",
            "companyName": "Acme",
            "emailAddresses": [{"address": "gabriel.alves@acme.example"}],
            "businessPhones": ["+1 (415) 555-0107"],
            "categories": ["Staff"],
        },
    ]


def _card(uid: str, lines: str, version: str = "3.0") -> bytes:
    return (
        f"BEGIN:VCARD\r\nVERSION:{version}\r\nUID:{uid}\r\n{lines.strip()}\r\nEND:VCARD\r\n".replace("\n", "\r\n")
        .replace("\r\r\n", "\r\n")
        .encode()
    )


def carddav_cards() -> dict[str, bytes]:
    photo = base64.b64encode(bytes(range(256)) * 6000).decode()  # 1.5 MB: over the demo's 1 MiB limit
    return {
        "carla.vcf": _card(
            "dav-carla",
            """N:Diaz;Carla;;;
FN:Carla Diaz
EMAIL;TYPE=work:carla.diaz@acme.example
TEL;TYPE=cell;VALUE=uri:tel:+1-415-555-0103
CATEGORIES:Staff,Board""",
            "4.0",
        ),
        "davi.vcf": _card(
            "dav-davi",
            """N:Costa;Davi;;;
FN:Davi Costa
EMAIL;TYPE=HOME:davi@costa.example
TEL;TYPE=CELL:+1 415-555-0104
CATEGORIES:Friends,Family""",
        ),
        "helena.vcf": _card(
            "dav-helena",
            """N:Prado;Helena;;;
FN:Helena Prado
EMAIL;TYPE=WORK:helena.prado@acme.example
ORG:Acme;Sales
CATEGORIES:Sales""",
        ),
        "joana.vcf": _card(
            "dav-joana",
            """N:Nunes;Joana;;;
FN:Joana Nunes
TEL;TYPE=CELL:415 555 0110
CATEGORIES:Family""",
        ),
        "jo.vcf": _card(
            "dav-jo",
            """N:Nunes;Jo;;;
FN:Jo Nunes
EMAIL;TYPE=HOME:jo@nunes.example
TEL;TYPE=CELL:(415) 555-0110""",
        ),
        "igor.vcf": _card(
            "dav-igor",
            f"""N:Nunes;Igor;;;
FN:Igor Nunes
PHOTO;ENCODING=b;TYPE=JPEG:{photo}""",
        ),
    }


# ------------------------------------------------------------------------------- the distribution demo
#: the company directory: Entra ID users of the tenant (on the Graph emulator), as an admin keeps them
DIRECTORY_USERS: tuple[dict[str, Any], ...] = (
    {"givenName": "Ana", "surname": "Souza", "jobTitle": "Head of Sales", "department": "Sales",
     "businessPhones": ["+1 212 555 0101"], "mobilePhone": "+1 917 555 0101"},
    {"givenName": "Bruno", "surname": "Lima", "jobTitle": "Account Manager", "department": "Sales",
     "businessPhones": ["+1 212 555 0102"]},
    {"givenName": "Carla", "surname": "Mendes", "jobTitle": "Engineer", "department": "Platform",
     "businessPhones": ["+1 212 555 0103"]},
    {"givenName": "Davi", "surname": "Rocha", "jobTitle": "Engineer", "department": "Platform",
     "businessPhones": ["+1 212 555 0104"]},
    {"givenName": "Elisa", "surname": "Prado", "jobTitle": "Office Manager", "department": "Operations",
     "businessPhones": ["+1 212 555 0105"]},
    {"givenName": "Fabio", "surname": "Costa", "jobTitle": "Accountant", "department": "Finance",
     "businessPhones": ["+1 212 555 0106"]},
)  # fmt: skip
#: a supplier the whole company calls: an organizational contact of the tenant, distributed with the staff
DIRECTORY_SUPPLIER: dict[str, Any] = {
    "displayName": "Northwind Facilities",
    "companyName": "Northwind Facilities",
    "mail": "service@northwind.example",
    "phones": [{"type": "business", "number": "+1 212 555 0199"}],
}
#: who joins, who changes, who leaves between the cycles
DIRECTORY_JOINER: dict[str, Any] = {
    "givenName": "Gil", "surname": "Araujo", "jobTitle": "Designer", "department": "Product",
    "businessPhones": ["+1 212 555 0107"],
}  # fmt: skip
DIRECTORY_CHANGED = "carla"  # her desk phone changes
DIRECTORY_LEAVER = "fabio"
#: the employees whose own contacts get the directory: (account, platform, their user name)
DIRECTORY_TARGETS = (
    ("ana-outlook", "outlook", "ana"),
    ("bruno-google", "google", "bruno"),
    ("carla-carddav", "carddav", "carla"),
    ("davi-outlook", "outlook", "davi"),
    ("elisa-vdir", "vdir", "elisa"),
)


def directory_upn(user: str) -> str:
    return f"{user}@{DOMAIN}"
