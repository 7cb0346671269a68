"""The logistics service's read models: shipments, returns, carriers, addresses, payment terms."""
