"""Finding orders, customers and products from whatever a person typed."""
