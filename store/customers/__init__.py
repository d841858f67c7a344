"""Customers: look one up, edit contact details and the shipping address (logged)."""
