"""The inventory service's read models: stock levels, warehouses, reservations, alerts."""
