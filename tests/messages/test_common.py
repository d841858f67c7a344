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


def test_usage_placeholders_are_worded_for_the_reader_and_keywords_stay_as_typed():
    from messages import i18n
    from messages.common import usage_message
    entries = [("/order cancel <ref> [reason]", "cancel"),
               ("/order flag <ref> [what is wrong]", "flag"),
               ("/orders queue [mine|unassigned|<type>]", "queue"),
               ("/orders report [me] daily [from YYYY-MM-DD]", "report"),
               ("/orders route <type|default> #channel [lang es|en|auto]", "route")]
    english = usage_message("/order", entries)["blocks"][0]["text"]["text"]
    assert english == "\n".join(f"`{u}`  {s}" for u, s in entries).replace("<", "&lt;") \
        .replace(">", "&gt;")
    with i18n.using("es_ES"):
        spanish = usage_message("/order", entries)["blocks"][0]["text"]["text"]
    for words in ("cancel &lt;ref&gt; [motivo]", "flag &lt;ref&gt; [qué está mal]",
                  "[mine|unassigned|&lt;tipo&gt;]", "[me] daily [from AAAA-MM-DD]",
                  "&lt;tipo|default&gt; #canal [lang es|en|auto]"):
        assert words in spanish
    assert "reason" not in spanish and "what is wrong" not in spanish
