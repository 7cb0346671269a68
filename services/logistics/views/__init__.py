"""Read models of the logistics service: carriers, addresses, shipments with tracking, returns."""
