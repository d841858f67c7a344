"""The error notice: the error's own mentions are mentions, everything else stays text."""

import json

from messages.common import error_message


def test_only_the_ids_the_error_names_become_mentions():
    told = json.dumps(error_message(
        "Approval #1 was already rejected by <@U0MGR1> (note: <!channel> <@U0SALES1>).",
        mentions=("U0MGR1",)))
    assert "by <@U0MGR1>" in told
    assert "&lt;!channel&gt;" in told and "&lt;@U0SALES1&gt;" in told


def test_a_channel_is_linked_and_a_malformed_id_is_not():
    told = json.dumps(error_message("No digest subscription weekly in <#C0WH>.",
                                    mentions=("C0WH", "<!here>")))
    assert "in <#C0WH>" in told and "<!here>" not in told
