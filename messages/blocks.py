"""Block ids of modal inputs, one class per modal, shared the way messages/actions.py shares
action ids: templates name their inputs with them, handlers read the submitted values by them
(handlers.kit.ModalState), and a store error is keyed by them (ValidationFailed), so Slack
shows it under its field. Each input's action id is its block id.

store/ cannot import messages/, so its error keys are these same strings written out;
tests/messages/test_block_ids.py renders every modal and holds the two sides together.
"""


class EditOrderBlocks:
    REQUESTED_DATE = "requested_date"
    SHIPPING_INSTRUCTIONS = "shipping_instructions"
    REMOVE_LINES = "lines.remove"
    NEW_SKU = "lines.new.sku"
    NEW_QUANTITY = "lines.new.quantity"
    NEW_UNIT_PRICE = "lines.new.unit_price"
    TRANSITION = "transition"
    PAYMENT = "payment"
    RELEASE_HOLDS = "release_holds"
    HOLD = "hold"
    HOLD_NOTE = "hold_note"

    @staticmethod
    def ship_to(field: str) -> str:
        return f"ship_to.{field}"

    @staticmethod
    def quantity(line_no: int) -> str:
        return f"lines.{line_no}.quantity"

    @staticmethod
    def unit_price(line_no: int) -> str:
        return f"lines.{line_no}.unit_price"


class NewOrderBlocks:
    CUSTOMER = "customer"
    PO_NUMBER = "po_number"
    REQUESTED_DATE = "requested_date"
    SHIPPING = "shipping"
    NOTES = "notes"

    @staticmethod
    def ship_to(field: str) -> str:
        return f"ship_to.{field}"

    @staticmethod
    def sku(n: int) -> str:
        return f"line.{n}.sku"

    @staticmethod
    def quantity(n: int) -> str:
        return f"line.{n}.quantity"

    @staticmethod
    def unit_price(n: int) -> str:
        return f"line.{n}.unit_price"


class ShipBlocks:
    CARRIER = "carrier"
    SERVICE = "service"
    SHIP_DATE = "ship_date"
    TRACKING = "tracking"

    @staticmethod
    def quantity(key: str) -> str:
        return f"qty.{key}"


class ReturnBlocks:
    NOTE = "note"

    @staticmethod
    def quantity(line_no: int) -> str:
        return f"ret.{line_no}.quantity"

    @staticmethod
    def outcome(line_no: int) -> str:
        return f"ret.{line_no}.outcome"

    @staticmethod
    def reason(line_no: int) -> str:
        return f"ret.{line_no}.reason"

    @staticmethod
    def sku(line_no: int) -> str:
        return f"ret.{line_no}.sku"


class CustomerBlocks:
    EMAIL = "email"
    PHONE = "phone"
    NOTICES = "notices"  # automatic customer mail, each opt-in (store.mail)
    LANGUAGE = "language"  # the customer's mail language
    DEFAULT_LANGUAGE = "default"  # the option meaning "the workspace's"
    CONTACT_FIELDS = ("name", "email", "phone", "role")

    @staticmethod
    def contact(field: str) -> str:
        return f"contact.{field}"

    @staticmethod
    def address(field: str) -> str:
        return f"address.{field}"


class FlagBlocks:
    REF = "ref"
    REASON = "reason"


class ResolveBlocks:
    REASON = "reason"
    NOTE = "note"


class ReasonBlocks:
    """The one-field modals that ask why: cancel an order, reject an approval."""

    REASON = "reason"


class MailBlocks:
    """The Email customer modal. Subject and body carry the template in their block id, so
    picking another template refills them (Slack keeps what was typed in a block it knows)."""

    TEMPLATE = "mail_template"
    TO = "to"
    SUBJECT = "subject"
    BODY = "body"
