"""A Google person with every field contactsync maps set, plus what Google holds that the model does not map (a
nickname's type, an address's countryCode, a gender's addressMeAs, a second anniversary, an organization's
symbol…): what the round trips and the write-back tests start from."""

from __future__ import annotations

from typing import Any

#: every person field the mapping reads, each with values Google holds the way its UI writes them
EVERY_FIELD: dict[str, Any] = {
    "names": [
        {
            "givenName": "Yuki",
            "familyName": "Tanaka",
            "middleName": "Ann",
            "honorificPrefix": "Dr.",
            "honorificSuffix": "PhD",
            "unstructuredName": "Dr. Yuki Ann Tanaka PhD",
            "phoneticGivenName": "ユキ",
            "phoneticMiddleName": "アン",
            "phoneticFamilyName": "タナカ",
            "phoneticFullName": "タナカ ユキ",  # not mapped: stays
        }
    ],
    "nicknames": [{"value": "Yu"}, {"value": "Sato", "type": "MAIDEN_NAME"}],
    "emailAddresses": [
        {"value": "yuki@example.org", "type": "work"},
        {"value": "yuki.t@example.net", "type": "Alumni"},
    ],
    "phoneNumbers": [
        {"value": "+1 202-555-0101", "type": "mobile"},
        {"value": "(202) 555-0102", "type": "workMobile"},
        {"value": "+1 202 555 0103", "type": "Boat"},
    ],
    "addresses": [
        {
            "streetAddress": "1 Main St",
            "city": "Springfield",
            "region": "IL",
            "postalCode": "62701",
            "country": "USA",
            "countryCode": "US",  # not mapped: stays
            "type": "home",
        },
        {
            "streetAddress": "2 Side Rd",
            "city": "Shelbyville",
            "formattedValue": "Back door, 2 Side Rd\nShelbyville",
            "type": "Studio",
        },
    ],
    "organizations": [
        {
            "name": "Acme",
            "department": "Research",
            "title": "Chemist",
            "jobDescription": "Makes rockets",
            "phoneticName": "アクメ",
            "symbol": "ACME",  # not mapped: stays
            "type": "work",
            "current": True,
        },
        {"name": "Old School", "type": "school"},
    ],
    "birthdays": [{"date": {"year": 1980, "month": 4, "day": 15}}],
    "events": [
        {"date": {"year": 2005, "month": 6, "day": 2}, "type": "anniversary"},
        {"date": {"month": 9, "day": 1}, "type": "First met"},
        {"date": {"year": 2019, "month": 3, "day": 3}, "type": "other"},
    ],
    "urls": [{"value": "https://yuki.example/", "type": "blog"}, {"value": "https://acme.example/y"}],
    "biographies": [{"value": "Likes tea.\nAnd rockets.", "contentType": "TEXT_PLAIN"}],
    "userDefined": [{"key": "Employee ID", "value": "E-42"}, {"key": "X-SHOE", "value": "39"}],
    "genders": [{"value": "female", "addressMeAs": "she/her"}],
    "imClients": [
        {"username": "yuki@jabber.example", "protocol": "jabber", "type": "work"},
        {"username": "yuki.skype", "protocol": "skype"},
        {"username": "yt", "protocol": "Teams"},
    ],
    "sipAddresses": [{"value": "sip:yuki@voip.example", "type": "work"}],
    "relations": [
        {"person": "Ken Tanaka", "type": "spouse"},
        {"person": "Mia", "type": "child"},
        {"person": "Aunt Rei", "type": "Godmother"},
        {"person": "Sam", "type": "domesticPartner"},
    ],
    "locales": [{"value": "ja-JP"}, {"value": "en"}],
    "clientData": [{"key": "other-app", "value": "7"}],
}

#: what a second anniversary looks like on Google: not mapped (the model has one), kept on write-back
SECOND_ANNIVERSARY = {"date": {"year": 2010, "month": 1, "day": 1}, "type": "anniversary"}
