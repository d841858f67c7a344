"""Customers: look one up, edit contact details and the shipping address (logged);
the address rules orders' ship-to shares.
"""

from __future__ import annotations

from store.customers.addresses import address_problems, clean_address
from store.customers.operations import edit_customer, get_customer
from store.customers.view import CREDIT_STATUSES, UNPAID

__all__ = [
    "CREDIT_STATUSES",
    "UNPAID",
    "address_problems",
    "clean_address",
    "edit_customer",
    "get_customer",
]
