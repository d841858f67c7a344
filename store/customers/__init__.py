"""Customers: look one up, edit contact details and the shipping address (logged);
the address rules orders' ship-to shares.
"""

from __future__ import annotations

from store.customers.addresses import address_problems, clean_address
from store.customers.operations import CUSTOMER_EDITED, edit_customer, get_customer
from store.customers.view import CREDIT_STATUSES, UNPAID, address_view, default_shipping

__all__ = [
    "CREDIT_STATUSES",
    "CUSTOMER_EDITED",
    "UNPAID",
    "address_problems",
    "address_view",
    "clean_address",
    "default_shipping",
    "edit_customer",
    "get_customer",
]
