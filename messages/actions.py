"""Action and callback ids, one class per feature, shared by templates and handlers so they
never drift apart. Values are `feature.verb` (STYLE.md)."""


class OrderActions:
    OPEN = "order.open"
    SHARE = "order.share"
    EDIT = "order.edit"
    FLAG = "order.flag"
    HISTORY = "order.history"
    FOLLOW = "order.follow"
    ALL_LINES = "order.all_lines"
    HISTORY_PAGE = "order.history_page"
    DISMISS = "order.dismiss"
    PAGE = "order.page"  # "Next" on a list of candidates: value "<offset>|<query>"
    PAGE_BACK = "order.page_back"  # "Previous"


class EditOrderIds:
    CALLBACK = "edit_order.submit"
    REOPEN = "edit_order.reopen"


class CustomerActions:
    OPEN = "customer.open"
    EDIT = "customer.edit"
    EDIT_CALLBACK = "customer.edit_submit"


class StockActions:
    OPEN = "stock.open"


class TriageActions:
    """Buttons on a discrepancy's parent message and the queue (handlers/triage*.py). Each is
    suffixed ":<discrepancy id>" so a queue listing several items keeps action ids unique."""

    ASSIGN_ME = "triage.assign_me"
    ASSIGN = "triage.assign"
    RESOLVE = "triage.resolve"
    FIX = "triage.fix"
    ESCALATE = "triage.escalate"
    SNOOZE = "triage.snooze"
    QUEUE = "triage.queue"  # "Open these in the queue" on a batch summary; "Next" in the queue
    QUEUE_BACK = "triage.queue_back"  # "Previous" in the queue
    RESOLVE_CALLBACK = "triage.resolve_submit"
    FLAG_CALLBACK = "flag.submit"
    FLAG_SHORTCUT = "flag.shortcut"


class MailActions:
    """"Email customer": on a triage item (suffixed ":<discrepancy id>") or an order card
    (value: the ref), the modal's template picker, and its submission."""

    ITEM = "mail.item"
    ORDER = "mail.order"
    TEMPLATE = "mail.template"
    CALLBACK = "mail.submit"


class NewOrderIds:
    CALLBACK = "new_order.submit"
    SHORTCUT = "new_order.shortcut"
    CUSTOMER = "new_order.customer"
    SKU = "new_order.sku"  # suffixed ".<line n>"
    ADD_LINES = "new_order.add_lines"  # "Add lines": the modal again, with more line inputs


class ThreadActions:
    """Buttons on answers in threads (handlers/threads.py)."""

    FOLLOW = "threads.follow"
    UNFOLLOW = "threads.unfollow"
    SHOW = "threads.show"  # "Details" / "This one"; suffixed ":<n>" to stay unique per message
    PAGE = "threads.page"  # "Next" on a list answer: value "<offset>|<question>"
    PAGE_BACK = "threads.page_back"  # "Previous"


class FulfilmentActions:
    """Shipping and the warehouse's pick request (handlers/fulfilment.py). SHIP is the order
    card's Ship button and the pick request's Shipped button: both open the ship modal."""

    SHIP = "fulfilment.ship"
    PICKED = "fulfilment.picked"
    PACKED = "fulfilment.packed"
    SHIP_CALLBACK = "fulfilment.ship_submit"


class ReturnActions:
    """The order card's Return button and the return modal (handlers/returns.py)."""

    START = "returns.start"
    CALLBACK = "returns.submit"


class ApprovalActions:
    """Approve / Reject on a manager post, and the reject-reason modal (handlers/approvals.py)."""

    APPROVE = "approval.approve"
    REJECT = "approval.reject"
    REJECT_CALLBACK = "approval.reject_submit"


class CancelActions:
    """The cancel-reason modal of /order cancel (handlers/cancel.py)."""

    CALLBACK = "cancel.submit"


class DigestActions:
    """Drill-down buttons on digests and reports (handlers/digests.py); suffixed ":<kind>" so
    each button of one digest keeps a unique action id."""

    DRILL = "digest.drill"


class HomeActions:
    """Buttons on the App Home tab (handlers/home.py)."""

    QUEUE = "home.queue"  # "Open the queue": value is the queue filter
    REFRESH = "home.refresh"
    NEW_ORDER = "home.new_order"
    RETRY = "home.retry"  # admins: send a dead post again; value: its id, or "all"
