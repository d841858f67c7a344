"""Every private_metadata and button value goes through messages.metadata.Metadata: JSON
written compactly, read back into the same dataclass, numbers and tuples restored."""

from __future__ import annotations

import json

import pytest

from messages.approvals import RejectMetadata
from messages.customers import CustomerMetadata
from messages.digest import DrillRef
from messages.edit_order import EditMetadata
from messages.fulfilment import ShipMetadata
from messages.metadata import OrderModalMetadata
from messages.returns import ReturnMetadata
from messages.triage_modals import ModalMetadata

EXAMPLES = [
    EditMetadata(ref="SO-1042", version=3, channel_id="C1", line_nos=(1, 2)),
    ModalMetadata(discrepancy_id=7, channel_id=None),
    ModalMetadata(),
    ShipMetadata(ref="SO-1042", keys=("1", "2:EAST"), channel_id="C1"),
    ReturnMetadata(ref="SO-1042", line_nos=(3,)),
    CustomerMetadata(code="ACME", version="6ca4f4a54640ef65", channel_id="C1"),
    RejectMetadata(approval_id=12, channel_id="C1"),
    OrderModalMetadata(ref="SO-1042", channel_id="C1"),
    DrillRef("late", "weekly", "2026-11-02", "2026-11-08", "UTC"),
]


@pytest.mark.parametrize("metadata", EXAMPLES, ids=lambda m: type(m).__name__)
def test_metadata_reads_back_what_it_wrote(metadata):
    text = metadata.dumps()
    assert " " not in text and json.loads(text)
    assert type(metadata).loads(text) == metadata


def test_numbers_and_lists_come_back_typed_as_the_fields_say():
    meta = EditMetadata.loads('{"ref":"SO-1","version":"4","line_nos":["1",2]}')
    assert meta == EditMetadata(ref="SO-1", version=4, line_nos=(1, 2))
    assert ModalMetadata.loads(None) == ModalMetadata()


def test_a_drill_buttons_value_keeps_the_short_keys_posted_digests_carry():
    posted = '{"k":"late","p":"weekly","s":"2026-11-02","e":"2026-11-08","z":"UTC"}'
    assert DrillRef.loads(posted).dumps() == posted
