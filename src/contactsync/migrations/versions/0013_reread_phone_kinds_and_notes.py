"""reread_phone_kinds_and_notes: every item holding a phone or a note is read again and compared once

Until this version a phone's identity was its number alone, so one number held as an office's voice line and as
its fax (vCard ``TYPE=work,voice`` and ``TYPE=work,fax``, Google ``work`` and ``workFax``) was read as one phone,
and a note's leading indentation was trimmed when read. Both are now read as the platforms hold them
(model.Phone.key holds the medium; normalize.note keeps the first line's indentation), but a book synced before
holds its bases as read then: an item nobody edits since is not read again, and a write made for another field (a
job title edited on Google) is matched against what the item reads as now. The fax entry, or the fax line of the
card, was then deleted from the item where the user keeps it, and the note written back there without its
indentation, in silence.

So the first run after the update reads such items again, as migration 0012 does for phones (its etag and state
handling, the same statements): each link whose base holds a phone or a note forgets its etag, and its account
forgets its sync state. An item that reads as before changes nothing; one holding a fax and the voice line of one
number, or an indented note, brings them to the store and from there to every other account, once. A book that
runs 0012 in the same upgrade pays nothing more for the links with phones.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: 0012's etag (not imported: a migration stays what it was when it shipped)
REREAD_ETAG = "contactsync:reread-phones"
_RESET_STATE = "contactsync:reset"


def upgrade() -> None:
    conn = op.get_bind()
    # a base is the contact as the store encodes it: JSON with "phones" and "note" keys when it holds them
    conn.execute(
        sa.text("update links set etag = :etag where base like :phones or base like :note"),
        {"etag": REREAD_ETAG, "phones": '%"phones"%', "note": '%"note"%'},
    )
    conn.execute(
        sa.text(
            "update sync_state set token = null where token is not null and token <> :reset"
            " and account in (select distinct account from links where etag = :etag)"
        ),
        {"reset": _RESET_STATE, "etag": REREAD_ETAG},
    )
    # a distribution's source is read in full once too (a directory entry's telephoneNumber and
    # facsimileTelephoneNumber of one switchboard number reach the targets as two phones)
    conn.execute(sa.text("update distributions set source_state = null where source_state is not null"))


def downgrade() -> None:
    pass
