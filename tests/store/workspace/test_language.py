"""The language a person chose: kept, changed, forgotten with auto, refused when unknown."""

import pytest

from store.errors import ValidationFailed
from store.workspace import language_of, set_language

OFFERED = ("en", "es")


def test_a_choice_is_kept_changed_and_forgotten_with_auto(db):
    assert language_of(db, user_id="U0SALES1") is None
    assert set_language(db, user_id="U0SALES1", language="ES", offered=OFFERED) == "es"
    assert language_of(db, user_id="U0SALES1") == "es"
    set_language(db, user_id="U0SALES1", language="en", offered=OFFERED)
    assert language_of(db, user_id="U0SALES1") == "en"
    assert set_language(db, user_id="U0SALES1", language="auto", offered=OFFERED) is None
    assert language_of(db, user_id="U0SALES1") is None
    assert language_of(db, user_id="U0SALES2") is None


@pytest.mark.parametrize("language", ["fr", "", "español"])
def test_a_language_not_offered_is_refused_naming_the_choices(db, language):
    with pytest.raises(ValidationFailed, match=r"en \| es \| auto"):
        set_language(db, user_id="U0SALES1", language=language, offered=OFFERED)
    assert language_of(db, user_id="U0SALES1") is None
