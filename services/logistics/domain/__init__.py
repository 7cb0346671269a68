"""The logistics domain: carriers, delivery addresses and each order's fulfilment (pure)."""
