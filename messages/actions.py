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


class EditOrderIds:
    CALLBACK = "edit_order.submit"
    REOPEN = "edit_order.reopen"


class CustomerActions:
    OPEN = "customer.open"
    EDIT = "customer.edit"
    EDIT_CALLBACK = "customer.edit_submit"


class StockActions:
    OPEN = "stock.open"
