"""The portal's pages, one module per area (buyer catalog and cart, orders, invoices, supplier,
operations, analytics); each exposes ``router``."""
