"""The words of a typed domain error in the reader's language.

store/errors.py phrases each error in English and keeps what it is about (a ref, a role, the
fields); English readers get that message as it was. Other readers get it worded here from the
error's data, or, for an error whose message carries no data, its catalogue translation.
"""

from __future__ import annotations

from messages import i18n
from messages.i18n import N_, _
from store import errors as E

# store.workspace.roles.ACTION_PHRASES and the roles, as NotAllowed carries them.
ACTIONS = (
    N_("look up orders"), N_("ask about orders"), N_("flag problems"), N_("follow orders"),
    N_("edit orders"), N_("edit customers"), N_("claim discrepancies"),
    N_("resolve discrepancies"), N_("approve changes"), N_("subscribe channels to digests"),
    N_("see reports"), N_("set roles"), N_("route channels"), N_("assign discrepancies"),
    N_("escalate discrepancies"), N_("snooze discrepancies"), N_("apply fixes to orders"),
    N_("enter orders"), N_("record shipments"), N_("update pick requests"),
    N_("release orders to the warehouse"), N_("record returns"), N_("cancel orders"),
)
ROLES = (N_("sales"), N_("processor"), N_("manager"), N_("admin"))
# What NotVisible and StaleEdit name, as the store and the handlers pass it.
SUBJECTS = (N_("The lines"), N_("The history and changes"), N_("The order"))


def error_text(error: E.OrderdeskError) -> str:
    """The error's message for the reader: the store's own in English."""
    if i18n.language() == i18n.ENGLISH:
        return error.message
    for kind, words in _WORDS:
        if isinstance(error, kind):
            return words(error)
    return _(error.message)


def field_error(message: str) -> str:
    """A field's error under a modal input: translated when its catalogue has it."""
    return _(message)


def _quoted(refs: list[str]) -> str:
    return ", ".join(f"`{r}`" for r in refs[:5])


def _stale(error: E.StaleEdit) -> str:
    kind, _space, key = error.what.partition(" ")
    what = {"Order": _("Order %(ref)s"), "Customer": _("Customer %(ref)s")}.get(kind)
    subject = what % {"ref": key} if what and key else _(error.what)
    detail = (" " + _("Changed meanwhile: %(fields)s.") % {"fields": ", ".join(error.changes)}
              if error.changes else "")
    return (_("%(what)s was changed by someone else after you opened it, so nothing was saved.")
            % {"what": subject} + detail + " " + _("Reopen it to see the current values."))


def _not_allowed(error: E.NotAllowed) -> str:
    return _("You can't %(action)s: your role is %(role)s; it needs %(roles)s. Ask an "
             "Orderdesk admin to change your role with `/orders role`.") % {
        "action": _(error.action), "role": _(error.role),
        "roles": _(" or ").join(_(r) for r in error.allowed_roles)}


def _outsider(error: E.Outsider) -> str:
    where = (_("Here you can ask about your own account's orders: mention @orderdesk with an "
               "order number or question, or use `/order <ref or PO>`.") if error.linked else
             _("If your company shares a channel with the desk, ask there."))
    return _("Sorry, Orderdesk works for the order desk's own team, and guests and people "
             "from other organisations can't use that here.") + " " + where


def _validation(error: E.ValidationFailed) -> str:
    return _("Please fix: %(fields)s") % {"fields": "; ".join(
        f"{field}: {field_error(message)}" for field, message in error.errors.items())}


# Most specific first: CustomerUnclear is a CustomerNotFound.
_WORDS = (
    (E.OrderNotFound, lambda e: _("No order `%(ref)s` found. Try `/order <customer name, PO or "
                                  "SKU>` to search.") % {"ref": e.ref}),
    (E.AmbiguousRef, lambda e: _("`%(ref)s` could be %(refs)s. Say which, e.g. `%(first)s`.")
     % {"ref": e.ref, "refs": _quoted(e.refs), "first": e.refs[0]}),
    (E.CustomerUnclear, lambda e: _("No customer matches `%(query)s` clearly. Closest: "
                                    "%(shown)s. Use the code to pick one, e.g. `/customer "
                                    "%(code)s`.") % {
        "query": e.query, "code": e.candidates[0][0],
        "shown": "; ".join(f"{name} (`{code}`)" for code, name in e.candidates[:5])}),
    (E.CustomerNotFound, lambda e: _("No customer matches `%(query)s`. Try part of the name "
                                     "or the code.") % {"query": e.query}),
    (E.ProductNotFound, lambda e: _("No product with SKU `%(sku)s`. Try `/stock <part of the "
                                    "name>`.") % {"sku": e.sku}),
    (E.ValidationFailed, _validation),
    # The reason is the store's English (the editor's refusal, or no fix): said as it is.
    (E.FixNotApplied, lambda e: _("Couldn't apply the fix: %(why)s") % {"why": e.reason}),
    (E.StaleEdit, _stale),
    (E.NotAllowed, _not_allowed),
    (E.NotVisible, lambda e: _("%(what)s of `%(ref)s` are for its account's rep and the order "
                               "desk; `/order %(ref)s` shows its status.") % {
        "what": _(e.what), "ref": e.ref}),
    (E.Outsider, _outsider),
    (E.NotForThisChannel, lambda e: _(
        "This channel is shared with another organisation, so only the orders of the account "
        "linked to it can be shown here, and `%(ref)s` is not one of them. (Admins link it "
        "with `/orders connect`.)") % {"ref": e.ref}),
    (E.DiscrepancyNotFound, lambda e: _("No discrepancy #%(id)s. Try `/orders queue` for the "
                                        "open ones.") % {"id": e.discrepancy_id}),
    (E.ApprovalNotFound, lambda e: _("No approval request #%(id)s.") % {"id": e.approval_id}),
    (E.InputTooLong, lambda e: _("That text is %(length)s characters long; Orderdesk reads at "
                                 "most %(limit)s. Send just the ref, PO, tracking number, SKU "
                                 "or customer name.") % {"length": e.length, "limit": e.limit}),
)
