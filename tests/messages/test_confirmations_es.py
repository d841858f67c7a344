"""#21: the confirmations a person sees after a fulfilment step, in Spanish for a Spanish
reader, word for word as before in English."""

from __future__ import annotations

from types import SimpleNamespace as NS

from messages import fulfilment as f
from messages import i18n

ORDER = NS(ref="SO-1042", fulfilment_status="partially_shipped",
           shipments=[NS(tracking_number="1Z999")])
PICK = NS(lines=[NS(reserved=1000), NS(reserved=234)])


def confirmations() -> list[str]:
    return [
        f.shipped_text(NS(order=ORDER, tracking_url="https://t/1Z999", complete=True,
                          units=1234, notes=["a note"])),
        f.shipped_text(NS(order=NS(ref="SO-1", fulfilment_status="shipped", shipments=[]),
                          tracking_url=None, complete=False, units=1, notes=[])),
        *[f.allocated_text(NS(order=ORDER, pick=PICK, pick_request=kind, notes=[]))
          for kind in ("none", "kept current", "posted")],
        f.step_text("is marked picked", NS(order=ORDER, notes=[])),
        f.canceled_text(NS(order=ORDER, rep_id="U0REP1", released=3)),
        f.canceled_text(NS(order=ORDER, rep_id=None, released=0)),
    ]


def test_english_confirmations_are_unchanged():
    assert confirmations() == [
        ("Recorded 1234 unit(s) shipped on *SO-1042* (<https://t/1Z999|1Z999>). Everything has "
         "shipped.\n:information_source: a note"),
        ("Recorded 1 unit(s) shipped on *SO-1* (no tracking number). Now shipped; the rest can "
         "ship later."),
        "*SO-1042*: 1234 unit(s) reserved.",
        ("*SO-1042* is released to the warehouse: 1234 unit(s) reserved; its pick request is kept "
         "current."),
        ("*SO-1042* is released to the warehouse: 1234 unit(s) reserved and a pick request "
         "posted."),
        "*SO-1042* is marked picked.",
        ("*SO-1042* is canceled; 3 reserved unit(s) went back to stock. <@U0REP1> gets a DM; if "
         "it can't be delivered, the order's history says so."),
        ("*SO-1042* is canceled; 0 reserved unit(s) went back to stock. Nobody owns the account, "
         "so no rep was told."),
    ]


def test_spanish_confirmations():
    with i18n.using("es_ES"):
        shown = confirmations()
    assert shown[0] == ("Se registraron 1.234 unidad(es) enviada(s) en *SO-1042* "
                        "(<https://t/1Z999|1Z999>). Se ha enviado todo.\n:information_source: "
                        "a note")
    assert "(sin número de seguimiento)" in shown[1] and "el resto puede enviarse" in shown[1]
    assert shown[2] == "*SO-1042*: 1.234 unidad(es) reservada(s)."
    assert "se liberó al almacén" in shown[3] and "se mantiene al día" in shown[3]
    assert "se publicó una solicitud de preparación" in shown[4]
    assert shown[5] == "*SO-1042* está marcado como preparado."
    assert "está cancelado; 3 unidad(es)" in shown[6] and "<@U0REP1> recibe un mensaje" in shown[6]
    assert "no se avisó a ningún representante" in shown[7]
    assert not any(w in " ".join(shown) for w in ("Recorded", "released", "reserved", "canceled"))
