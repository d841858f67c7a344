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
from messages.metadata import OrderModalMetadata, submission_token, with_submission_token
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


def test_a_modal_opens_with_a_fresh_submission_token_its_metadata_ignores():
    meta = ShipMetadata(ref="SO-1042", keys=("l1",), channel_id="C1")
    view = {"type": "modal", "submit": {"type": "plain_text", "text": "Save"},
            "private_metadata": meta.dumps()}
    first, second = with_submission_token(view), with_submission_token(view)
    assert submission_token(first) and submission_token(first) != submission_token(second)
    assert ShipMetadata.loads(first["private_metadata"]) == meta
    notice = {"type": "modal", "private_metadata": meta.dumps()}  # no Submit: nothing to submit
    assert with_submission_token(notice) is notice


def test_a_modal_opened_before_tokens_is_known_by_its_view_id_and_hash():
    assert submission_token({"id": "V1", "hash": "h.1", "private_metadata": "{}"}) == "view:V1:h.1"
    assert submission_token({"private_metadata": ""}) is None
