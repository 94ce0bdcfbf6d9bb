"""phone_extensions: every item holding a phone is read again and compared once, its extension kept

Until this version a number's extension was dropped when read (``+1 212-555-0101 ext. 123`` was stored as
+12125550101) and a number dialable only locally became a wrong E.164 (``555-0199`` in US: +15550199). Now both are
kept (normalize.phone_number), but a book synced before holds them without in its bases: the platform's item, read
again only when someone edits it, would then differ from its base only when it happens to be listed, and a write
made meanwhile for another field (a note edited on a card) would be matched against the base's number and could
put the number back on the platform without its extension.

So the first run after the update reads every such item again: each link whose base holds a phone forgets its etag
(it gets one no platform gives, so the listing finds the item changed, and a write checked against it is refused
as stale and read again, never made without a check), and its account forgets its sync state (its next listing is
a full one compared against the bases, as after an expired state). An item whose numbers read as before changes
nothing and only gets its etag back; one holding an extension or a local number brings it to the store and from
there to every other account, once. An account reset (``sync --reset-account``) keeps its state: it is listed in
full anyway. Each distribution's source is read in full once as well.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: the etag a link gets here: no platform's (Google's, Graph's, a CardDAV server's, a vdir file's) looks like it
REREAD_ETAG = "contactsync:reread-phones"
#: store/links.py's RESET_STATE (not imported: a migration stays what it was when it shipped)
_RESET_STATE = "contactsync:reset"


def upgrade() -> None:
    conn = op.get_bind()
    # a base is the contact as the store encodes it: JSON whose phones are under "phones" (store/contacts.py).
    # Both statements can run again: a migration stopped between them is finished by the next start
    conn.execute(
        sa.text("update links set etag = :etag where base like :phones"),
        {"etag": REREAD_ETAG, "phones": '%"phones"%'},
    )
    conn.execute(
        sa.text(
            "update sync_state set token = null where token is not null and token <> :reset"
            " and account in (select distinct account from links where etag = :etag)"
        ),
        {"reset": _RESET_STATE, "etag": REREAD_ETAG},
    )
    # a distribution's source (a directory's telephoneNumber "… x1234") is read in full once too: its targets get
    # what changed of each entry, by content, so only the entries whose numbers read otherwise now are sent again
    conn.execute(sa.text("update distributions set source_state = null where source_state is not null"))


def downgrade() -> None:
    # nothing to undo: the etags and states are the platforms' again after the next run
    pass
