"""A book's data rules: what a contact must hold before it is written elsewhere, and how phones are written.

A contact that breaks a rule is kept in the store and listed in ``status`` as needing attention; it is not
written to the other accounts until someone fixes it, so a half-filled contact never spreads silently.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Contact
from .normalize import national_format
from .settings import DataRules, PhoneFormat, Requirement

_WHY = {
    Requirement.NAME: "has no name",
    Requirement.EMAIL: "has no email address",
    Requirement.PHONE: "has no phone number",
    Requirement.EMAIL_OR_PHONE: "has neither an email address nor a phone number",
    Requirement.ORGANIZATION: "has no organization",
}


def broken_rules(contact: Contact, rules: DataRules) -> tuple[str, ...]:
    """Why ``contact`` may not be written elsewhere (empty: it may). Reasons name fields, never values."""
    held = {
        Requirement.NAME: not contact.name.is_empty() or bool(contact.display_name),
        Requirement.EMAIL: bool(contact.emails),
        Requirement.PHONE: bool(contact.phones),
        Requirement.EMAIL_OR_PHONE: bool(contact.emails or contact.phones),
        Requirement.ORGANIZATION: bool(contact.organization),
    }
    return tuple(_WHY[r] for r in rules.required if not held[r])


def as_written(contact: Contact, rules: DataRules, region: str) -> Contact:
    """The contact as it is sent to a platform: phones in the book's format. Reading normalizes them back to
    E.164, so the written form is never mistaken for a change."""
    if rules.phone_format is PhoneFormat.E164 or not contact.phones:
        return contact
    # only the number's spelling changes: the kind and a custom label ("Boat") go as they are
    return replace(contact, phones=tuple(replace(p, number=_national(p.number, region)) for p in contact.phones))


def _national(number: str, region: str) -> str:
    if not number.startswith("+"):
        return number
    import phonenumbers  # here: a run that writes no phone never needs it (#18)

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    # a foreign number written nationally would be read back in the wrong country: keep it international
    if phonenumbers.region_code_for_number(parsed) != region:
        return number
    return national_format(number)
