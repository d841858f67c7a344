"""From order to doorstep and back: allocation, pick requests, shipments, approvals, cancels, returns, stock."""
