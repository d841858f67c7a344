"""The rules every door applies to control characters (store.control_chars)."""

from store.control_chars import has_nul, nul_fields, strip_controls, strip_controls_in


def test_control_characters_go_but_tab_newline_and_return_stay():
    assert strip_controls("SO-\x001042\x01\x1b[31m\x7f\t\r\n ok") == "SO-1042[31m\t\r\n ok"


def test_a_payload_is_cleaned_in_place_keys_and_order_kept():
    event = {"text": "a\x00b", "k\x00": ["x\x00", {"y": "\x1fz"}], "n": 3, "last": None}
    body = {"event": event}
    assert strip_controls_in(body) is body
    assert body["event"] is event and list(event) == ["text", "k", "n", "last"]
    assert event == {"text": "ab", "k": ["x", {"y": "z"}], "n": 3, "last": None}


def test_nul_fields_names_only_text_holding_a_nul():
    assert nul_fields({"a": "x\x00", "b": "\x01", "c": 0, "d": None, "e": "\x00"}) == ["a", "e"]
    assert has_nul("\x00") and not has_nul(b"\x00") and not has_nul("\x01")


def test_spreadsheet_cells_never_start_a_formula():
    from store.control_chars import spreadsheet_cell

    for text in ("=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_cell(text) == "'" + text
    assert spreadsheet_cell("Acme = best") == "Acme = best"
    assert spreadsheet_cell(-5) == -5 and spreadsheet_cell(None) is None


def test_identifiers_with_invisible_characters_are_refused_naming_the_field():
    from store.control_chars import identifier_problem

    problem = identifier_problem("SO-1\u202e\u200b99", "order_ref")
    assert problem.startswith("order_ref contains an invisible character (U+202E RIGHT-TO-LEFT")
    assert "position 5" in problem
    for text in ("SO\u00a01042", "WID\u200d1", "A\u2066B", "X\u0085", "\ufeffACME", "A\u2028"):
        assert identifier_problem(text, "sku") is not None, repr(text)
    for text in ("SO-1099", "PO 7781", "Café-1", "中文-7", "O'Neil & Co", None, 5):
        assert identifier_problem(text, "sku") is None, repr(text)
