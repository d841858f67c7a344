"""The page renders what Orderdesk sends the way Slack shows it: every Block Kit block and
element kind Orderdesk uses, on /gallery (each one visible, non-empty and the right element),
and mrkdwn posted through the sandbox's Web API (bold, italics, code, links, mentions, dates in
the viewer's zone, escaping). The gallery's screenshot is kept as a test artefact."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from slack_sdk import WebClient

from tests.support.browser import VIEWER_ZONE, Steps, artefact_folder, new_page

BLOCKS = ("section", "context", "divider", "header", "actions", "input", "image", "rich_text")
ELEMENTS = ("button", "static_select", "multi_static_select", "external_select", "overflow",
            "datepicker", "checkboxes", "radio_buttons", "plain_text_input", "number_input")


def kind(page, name: str):
    return page.locator(f"[data-testid=gallery] [data-testid=gallery-item][data-kind={name}]")


def element(item, name: str):
    """The item's `name` element, whether the item wraps it or is it."""
    return item.locator(f"xpath=self::*[@data-element-type='{name}'] | "
                        f".//*[@data-element-type='{name}']")


@pytest.fixture(scope="module")
def gallery(browser, bare_web):
    """The gallery, opened once for the module's checks; its screenshot kept."""
    page = new_page(browser)
    page.goto(bare_web.url.rstrip("/") + "/gallery")
    expect(page.locator("[data-testid=gallery]")).to_be_visible()
    page.wait_for_load_state("load")  # images included
    Steps(artefact_folder("gallery"))(page, "gallery", full_page=True)
    yield page
    page.context.close()


@pytest.mark.parametrize("name", BLOCKS)
def test_each_block_kind_renders(gallery, name):
    item = kind(gallery, name).first
    expect(item).to_be_visible()
    block = item.locator(f"[data-block-type={name}]").first
    expect(block).to_be_visible()
    if name == "divider":
        return  # a rule: nothing to read, but it is there and visible
    if name == "image":
        _loaded(block.locator("img").first)
        return
    assert block.inner_text().strip(), f"{name} block shows nothing"


@pytest.mark.parametrize("name", ELEMENTS)
def test_each_element_kind_renders_as_the_right_control(gallery, name):
    item = kind(gallery, name).first
    expect(item).to_be_visible()
    control = element(item, name).first
    expect(control).to_be_visible()
    tag = control.evaluate("el => el.tagName")
    if name == "button":
        assert tag == "BUTTON" and control.inner_text().strip()
    elif name in ("static_select", "external_select"):
        _has_options(gallery, control, external=name == "external_select")
    elif name == "multi_static_select":
        _has_options(gallery, control, external=False)
        assert control.evaluate("el => el.tagName !== 'SELECT' || el.multiple"), "picks one only"
    elif name == "number_input":
        assert control.locator("xpath=self::input | .//input").first.get_attribute("type") in (
            "number", "text"), "a number input is a text box"
    elif name == "overflow":
        assert tag == "BUTTON" or control.locator("button").count(), "overflow opens on a button"
    elif name == "datepicker":
        assert control.locator("xpath=self::input[@type='date'] | .//input[@type='date']").count()
    elif name in ("checkboxes", "radio_buttons"):
        box = "checkbox" if name == "checkboxes" else "radio"
        choices = control.locator(f"input[type={box}]")
        assert choices.count() >= 2, f"{name} offers {choices.count()} choices"
        assert control.inner_text().strip(), f"{name} choices have no labels"
    else:  # plain_text_input: a text box, multiline ones a textarea
        assert tag in ("INPUT", "TEXTAREA") or control.locator("input, textarea").count()


def test_a_file_the_app_uploads_shows_as_an_image(gallery):
    item = kind(gallery, "file").first
    expect(item).to_be_visible()
    _loaded(item.locator("img").first)


def test_mrkdwn_in_the_gallery_shows_as_slack_shows_it(gallery):
    item = kind(gallery, "mrkdwn").first
    expect(item).to_be_visible()
    for tags in ("b, strong", "i, em", "s, del, strike", "code", "a[href]", "blockquote", "pre"):
        expect(item.locator(tags).first).to_be_visible()
    text = item.inner_text()
    assert "@priya" in text and "#order-triage" in text, text  # names, never raw ids
    assert "<@U" not in text and "<#C" not in text and "<!date" not in text, text
    assert "&amp;" not in text and "&lt;" not in text, text  # entities decoded once
    assert "<b>not bold</b>" in text, text  # escaped markup shows as typed
    expect(item.locator("b, strong").filter(has_text="not bold")).to_have_count(0)


def _loaded(image) -> None:
    expect(image).to_be_visible()
    assert image.evaluate("el => el.complete && el.naturalWidth") > 0, "image not loaded"


def test_buttons_show_their_styles_and_inputs_their_multiline_form(gallery):
    buttons = gallery.locator("[data-testid=gallery] button[data-element-type=button]")
    expect(buttons.and_(gallery.locator("[data-style=primary]")).first).to_be_visible()
    expect(buttons.and_(gallery.locator("[data-style=danger]")).first).to_be_visible()
    boxes = gallery.locator("[data-testid=gallery] [data-element-type=plain_text_input]")
    multiline = boxes.locator("xpath=self::textarea | .//textarea")
    expect(multiline.first).to_be_visible()


def _has_options(page, control, *, external: bool) -> None:
    """A <select> lists its options; a menu shows them once opened. An external select's
    options come from the app, which the gallery has none of: it only has to be a control."""
    if control.evaluate("el => el.tagName") == "SELECT":
        if not external:
            labels = control.evaluate("el => [...el.options].map(o => o.text.trim())")
            assert len([t for t in labels if t]) >= 2, f"select offers {labels}"
        return
    if external:
        return
    control.click()
    expect(page.get_by_role("option").first).to_be_visible()
    page.keyboard.press("Escape")


# Posted by the app through chat.postMessage, as Orderdesk's templates write it.
WHEN = datetime(2027, 1, 1, 6, 30, tzinfo=ZoneInfo("UTC"))  # still Dec 31 in the viewer's zone
MRKDWN = "\n".join([
    "*bold words* _italic words_ ~struck words~ `inline code`",
    "<https://orders.example.com/o/SO-1042|order SO-1042> for <@U0PROC1> in <#C0TRIAGE>",
    f"due <!date^{int(WHEN.timestamp())}^{{date_short}}|1 Jan 2027 (UTC)>",
    "&lt;b&gt;not bold&lt;/b&gt; &amp; *Bold* &amp; Co",
    ">a quoted line",
    "```pre  formatted\n  block```",
])


def test_mrkdwn_shows_as_slack_shows_it(page, bare_web, step):
    box = bare_web.sb
    WebClient(base_url=box.api_url, token=box.bot_token).chat_postMessage(
        channel="C0ORDERS", text="mrkdwn sample",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": MRKDWN}}])
    page.goto(bare_web.url)
    page.locator("[data-testid=channel][data-channel-name=orders]").click()
    shown = page.locator("[data-testid=message]", has_text="bold words").last
    expect(shown).to_be_visible()
    step(page, "mrkdwn")
    section = shown.locator("[data-block-type=section]")
    expect(section.locator("b, strong").filter(has_text="bold words")).to_have_count(1)
    expect(section.locator("i, em").filter(has_text="italic words")).to_have_count(1)
    expect(section.locator("s, del, strike").filter(has_text="struck words")).to_have_count(1)
    expect(section.locator("code").filter(has_text="inline code")).to_have_count(1)
    link = section.locator("a[href='https://orders.example.com/o/SO-1042']")
    expect(link).to_have_text("order SO-1042")
    text = section.inner_text()
    assert "@priya" in text and "#order-triage" in text, text  # names, never raw ids
    assert "<@U0PROC1>" not in text and "C0TRIAGE" not in text, text
    # the date in the viewer's zone (Dec 31 there), not UTC's Jan 1 nor the fallback
    assert "Dec 31" in text and "2026" in text and "(UTC)" not in text, (VIEWER_ZONE, text)
    # escaped text shows as typed, never as markup
    assert "<b>not bold</b> & " in text, text
    expect(section.locator("b, strong").filter(has_text="not bold")).to_have_count(0)
    expect(section.locator("blockquote").filter(has_text="a quoted line")).to_have_count(1)
    expect(section.locator("pre").filter(has_text="pre  formatted")).to_have_count(1)
