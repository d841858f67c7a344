"""Typed domain errors. Each carries a message a person can act on: what, where, what to do."""


class OrderdeskError(Exception):
    """Base of every error a user may see. `str(err)` is safe to show them. `mentions`: the
    Slack user or channel ids the message names as <@id> / <#id>; shown as mentions, while
    everything else in it is shown as text."""

    mentions: tuple[str, ...] = ()

    def __init__(self, message: str, *, mentions: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.mentions = tuple(mentions)


class NotFound(OrderdeskError):
    pass


class OrderNotFound(NotFound):
    def __init__(self, ref: str):
        # What was asked, as far as anyone reads it back (a workflow may pass pages of text).
        self.ref = ref if len(ref) <= 80 else ref[:79] + "…"
        super().__init__(
            f"No order `{self.ref}` found. Try `/order <customer name, PO or SKU>` to search."
        )


class AmbiguousRef(OrderdeskError):
    """A ref typed without its prefix ('1001') that names several orders (WEB-1001, #1001)."""

    def __init__(self, ref: str, refs: list[str]):
        self.ref, self.refs = ref, list(refs)
        shown = ", ".join(f"`{r}`" for r in self.refs[:5])
        super().__init__(f"`{ref}` could be {shown}. Say which, e.g. `{self.refs[0]}`.")


class CustomerNotFound(NotFound):
    def __init__(self, query: str):
        super().__init__(f"No customer matches `{query}`. Try part of the name or the code.")
        self.query = query


class ProductNotFound(NotFound):
    def __init__(self, sku: str):
        super().__init__(f"No product with SKU `{sku}`. Try `/stock <part of the name>`.")
        self.sku = sku


class ValidationFailed(OrderdeskError):
    """One or more fields are wrong. `errors` maps a field name to what is wrong with it;
    `mentions`: the people and channels it names as <@id> / <#id>."""

    def __init__(self, errors: dict[str, str], *, mentions: tuple[str, ...] = ()):
        self.errors = dict(errors)
        summary = "; ".join(f"{field}: {msg}" for field, msg in self.errors.items())
        super().__init__(f"Please fix: {summary}", mentions=mentions)


class StaleEdit(OrderdeskError):
    """Someone saved the record after this edit started; nothing was overwritten."""

    def __init__(self, what: str, changes: list[str] | None = None):
        self.what, self.changes = what, list(changes or [])
        detail = f" Changed meanwhile: {', '.join(self.changes)}." if self.changes else ""
        super().__init__(
            f"{what} was changed by someone else after you opened it, so nothing was saved."
            f"{detail} Reopen it to see the current values."
        )


class NotAllowed(OrderdeskError):
    """The user's role does not permit the action."""

    def __init__(self, action: str, role: str, allowed_roles: list[str]):
        self.action = action
        self.role = role
        self.allowed_roles = list(allowed_roles)
        who = " or ".join(allowed_roles)
        super().__init__(
            f"You can't {action}: your role is {role}; it needs {who}. "
            "Ask an Orderdesk admin to change your role with `/orders role`."
        )


class NotVisible(OrderdeskError):
    """The viewer may see this order's status only (store.workspace.visibility)."""

    def __init__(self, ref: str, what: str):
        self.ref, self.what = ref, what
        super().__init__(f"{what} of `{ref}` are for its account's rep and the order desk; "
                         f"`/order {ref}` shows its status.")


class Outsider(OrderdeskError):
    """A guest or someone of another organisation: no desk role, no access by default."""

    def __init__(self, *, linked: bool = False):
        self.linked = linked
        where = ("Here you can ask about your own account's orders: mention @orderdesk with "
                 "an order number or question, or use `/order <ref or PO>`." if linked else
                 "If your company shares a channel with the desk, ask there.")
        super().__init__("Sorry, Orderdesk works for the order desk's own team, and guests "
                         f"and people from other organisations can't use that here. {where}")


class NotForThisChannel(OrderdeskError):
    """A post into a channel another organisation reads, about an order not theirs."""

    def __init__(self, ref: str):
        self.ref = ref
        super().__init__(f"This channel is shared with another organisation, so only the "
                         f"orders of the account linked to it can be shown here, and `{ref}` "
                         "is not one of them. (Admins link it with `/orders connect`.)")


class InvalidTransition(OrderdeskError):
    pass


class SchemaOutOfDate(OrderdeskError):
    def __init__(self, current: str | None, head: str):
        super().__init__(
            f"The database schema is at revision {current or 'none'} but this version of "
            f"Orderdesk needs {head}. Run `orderdesk db upgrade` (back up first), then start again."
        )


# --- lookup / edit / customers (store.lookup.find, store.orders.operations, store.customers.operations) ---


class CustomerUnclear(CustomerNotFound):
    """No customer matched clearly; `candidates` holds (code, name) of the closest ones."""

    def __init__(self, query: str, candidates: list[tuple[str, str]]):
        super().__init__(query)
        self.candidates = list(candidates)
        shown = "; ".join(f"{name} (`{code}`)" for code, name in self.candidates[:5])
        self.message = (f"No customer matches `{query}` clearly. Closest: {shown}. "
                        "Use the code to pick one, e.g. `/customer "
                        f"{self.candidates[0][0]}`.")
        self.args = (self.message,)


# --- triage (store.triage.operations, store.orders.intake) ---


class DiscrepancyNotFound(NotFound):
    def __init__(self, discrepancy_id):
        super().__init__(f"No discrepancy #{discrepancy_id}. Try `/orders queue` for the open ones.")
        self.discrepancy_id = discrepancy_id


class IntakeRejected(OrderdeskError):
    """An intake request that can't be taken; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.field = field
        self.status = status


# --- fulfilment (store.fulfilment.allocation, store.fulfilment.shipments, store.fulfilment.returns, store.fulfilment.approvals, store.fulfilment.cancel) ---


class NotReady(OrderdeskError):
    """The order can't go to the warehouse yet; `reasons` says what stops it."""

    def __init__(self, ref: str, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__(f"{ref} is not ready for the warehouse: {'; '.join(self.reasons)}.")


class WrongStage(OrderdeskError):
    """A pick/pack/ship step that doesn't fit where the order is."""


class NothingToShip(OrderdeskError):
    pass


class FixNotApplied(OrderdeskError):
    """An item's automatic fix that the order refuses, or that it has none of; `reason` says
    which, as the person can act on it."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(f"Couldn't apply the fix: {reason}")


class NothingToReturn(OrderdeskError):
    pass


class CannotCancel(OrderdeskError):
    pass


class ApprovalNotFound(NotFound):
    def __init__(self, approval_id):
        super().__init__(f"No approval request #{approval_id}.")
        self.approval_id = approval_id


class ApprovalRefused(OrderdeskError):
    """Deciding this approval isn't possible: your own request, already decided, or stale."""


# --- digests (store.metrics.subscriptions, store.metrics.runs, store.metrics.digest) ---


class DigestSubscriptionNotFound(NotFound):
    def __init__(self, what: str, *, channel_id: str | None = None):
        super().__init__(f"No digest subscription {what}. `/orders digest list` shows them.",
                         mentions=(channel_id,) if channel_id else ())
        self.what = what


class DigestAlreadyPosted(OrderdeskError):
    def __init__(self, subscription_id: int, period: str):
        super().__init__(
            f"The digest of subscription #{subscription_id} for {period} was already posted; "
            "each period is posted once. Use `--period ... --channel ...` for an extra copy.")
        self.subscription_id = subscription_id


class PeriodNotOver(OrderdeskError):
    def __init__(self, period: str):
        super().__init__(
            f"{period} is not over yet, so its digest is not due. Pick an earlier `--at` "
            "date, or use `--period ... --channel ...` to post the figures so far.")


# --- bounds on input (store.lookup.plan, store.questions) ---


class InputTooLong(OrderdeskError):
    """A lookup or question longer than anyone types: refused before any work is done."""

    def __init__(self, what: str, length: int, limit: int):
        super().__init__(
            f"That {what} is {length:,} characters long; Orderdesk reads at most {limit:,}. "
            "Send just the ref, PO, tracking number, SKU or customer name.")
        self.length = length
        self.limit = limit


class OutOfRange(OrderdeskError):
    """A number beyond what Orderdesk stores or adds up (store.money.MAX_ORDER_TOTAL, 64-bit
    integers): a problem with the input or the data, not with the database's availability."""

    def __init__(self, message: str | None = None):
        super().__init__(message or (
            "A number here is too large for Orderdesk to store or add up (an order may total "
            "at most 100,000,000,000.00); nothing was saved. Check the quantities and prices."))
