"""Who may call which route: one line per route of the public API (function-level access).

Object-level access (a buyer sees only its own orders, 404 for others') is checked by each
service on the objects it loads; this table decides only which roles may call a route at all.
A route missing here is refused for everyone, and tests/security fails until it is added."""

from __future__ import annotations

from shared.service.auth.access import PUBLIC, AccessPolicy, Rule, rule

BUYER, SUPPLIER, WAREHOUSE, CARRIER = "buyer", "supplier", "warehouse", "carrier"
BANK, OPS, ANALYST = "bank", "operations", "analyst"
EVERYONE = (BUYER, SUPPLIER, WAREHOUSE, CARRIER, BANK, OPS, ANALYST)
TRADERS = (BUYER, SUPPLIER, OPS, ANALYST)
"""Roles that see the catalog and orders (each only its own part of them)."""


def access_policy(*, login_rate: str = "30/minute", order_rate: str = "120/minute") -> AccessPolicy:
    return AccessPolicy(rules(login_rate=login_rate, order_rate=order_rate))


def rules(*, login_rate: str, order_rate: str) -> dict[str, Rule]:
    return {
        "GET /health": rule(PUBLIC),
        "GET /health/live": rule(PUBLIC),
        "GET /health/ready": rule(PUBLIC),
        # operators: dead letters and projection lag (the embedded runtime)
        "GET /api/v1/ops/dead-letters": rule(OPS),
        "GET /api/v1/ops/dead-letters/{letter_id}": rule(OPS),
        "POST /api/v1/ops/dead-letters/{letter_id}/retry": rule(OPS),
        "GET /api/v1/ops/projections": rule(OPS, ANALYST),
        # identity: log in, who am I, partner keys, outbound webhook subscriptions
        "POST /api/v1/auth/token": rule(PUBLIC, rate=login_rate),
        "GET /api/v1/auth/me": rule(*EVERYONE),
        "GET /api/v1/users": rule(OPS),
        "PUT /api/v1/users/{username}": rule(OPS),
        "DELETE /api/v1/users/{username}/lockout": rule(OPS),
        "GET /api/v1/audit": rule(OPS),
        "GET /api/v1/audit/export": rule(OPS),
        "GET /api/v1/api-keys": rule(OPS),
        "POST /api/v1/api-keys": rule(OPS),
        "DELETE /api/v1/api-keys/{key_id}": rule(OPS),
        "POST /api/v1/webhooks/subscriptions": rule(BUYER, SUPPLIER, WAREHOUSE, CARRIER, OPS),
        "GET /api/v1/webhooks/subscriptions": rule(BUYER, SUPPLIER, WAREHOUSE, CARRIER, OPS),
        "DELETE /api/v1/webhooks/subscriptions/{subscription_id}": rule(
            BUYER, SUPPLIER, WAREHOUSE, CARRIER, OPS
        ),
        "GET /api/v1/webhooks/deliveries": rule(BUYER, SUPPLIER, WAREHOUSE, CARRIER, OPS),
        # e-mail: which kinds the caller's party receives at its contact address
        "GET /api/v1/notification-preferences": rule(BUYER, SUPPLIER),
        "PUT /api/v1/notification-preferences": rule(BUYER, SUPPLIER),
        # order: parties
        "POST /api/v1/buyers": rule(OPS),
        "GET /api/v1/buyers": rule(SUPPLIER, OPS, ANALYST),
        "GET /api/v1/buyers/{buyer_id}": rule(*TRADERS),
        "POST /api/v1/suppliers": rule(OPS),
        "GET /api/v1/suppliers": rule(*EVERYONE),
        "PUT /api/v1/suppliers/{supplier_id}/auto-confirm": rule(SUPPLIER, OPS),
        "POST /api/v1/imports/buyers": rule(OPS),
        "GET /api/v1/imports/buyers/{job_id}": rule(OPS),
        "GET /api/v1/suppliers/{supplier_id}/queue": rule(SUPPLIER, OPS, ANALYST),
        # order: orders
        "POST /api/v1/orders": rule(BUYER, OPS, rate=order_rate),
        "GET /api/v1/orders": rule(*TRADERS),
        "GET /api/v1/orders/{order_id}": rule(*TRADERS),
        "POST /api/v1/orders/{order_id}/confirm": rule(SUPPLIER, OPS),
        "POST /api/v1/orders/{order_id}/reject": rule(SUPPLIER, OPS),
        "POST /api/v1/orders/{order_id}/cancel": rule(BUYER, SUPPLIER, OPS),
        "POST /api/v1/orders/{order_id}/amendments": rule(SUPPLIER, OPS),
        "POST /api/v1/orders/{order_id}/amendments/{proposal_id}/accept": rule(BUYER, OPS),
        "POST /api/v1/orders/{order_id}/amendments/{proposal_id}/decline": rule(BUYER, OPS),
        # pricing
        "POST /api/v1/products": rule(SUPPLIER, OPS),
        "GET /api/v1/products": rule(*TRADERS),
        "PUT /api/v1/products/{sku}": rule(SUPPLIER, OPS),
        "PATCH /api/v1/products/{sku}": rule(SUPPLIER, OPS),
        "GET /api/v1/products/{sku}": rule(*TRADERS),
        "POST /api/v1/price-lists": rule(SUPPLIER, OPS),
        "GET /api/v1/price-lists": rule(SUPPLIER, OPS),
        "POST /api/v1/customer-prices": rule(SUPPLIER, OPS),
        "GET /api/v1/customer-prices": rule(BUYER, SUPPLIER, OPS),
        "POST /api/v1/customer-tiers": rule(SUPPLIER, OPS),
        "GET /api/v1/customer-tiers/{buyer_id}": rule(BUYER, SUPPLIER, OPS),
        "POST /api/v1/promotions": rule(SUPPLIER, OPS),
        "GET /api/v1/promotions": rule(*TRADERS),
        "POST /api/v1/coupons": rule(SUPPLIER, OPS),
        "GET /api/v1/coupons/{code}": rule(SUPPLIER, OPS),
        "GET /api/v1/catalog": rule(*TRADERS),
        "GET /api/v1/catalog/{sku}": rule(*TRADERS),
        "POST /api/v1/quotes": rule(BUYER, OPS),
        # pricing: bulk imports (a supplier its own catalog and prices)
        "POST /api/v1/imports/products": rule(SUPPLIER, OPS),
        "GET /api/v1/imports/products/{job_id}": rule(SUPPLIER, OPS),
        "POST /api/v1/imports/price-lists": rule(SUPPLIER, OPS),
        "GET /api/v1/imports/price-lists/{job_id}": rule(SUPPLIER, OPS),
        "POST /api/v1/imports/quantity-breaks": rule(SUPPLIER, OPS),
        "GET /api/v1/imports/quantity-breaks/{job_id}": rule(SUPPLIER, OPS),
        "POST /api/v1/imports/customer-prices": rule(SUPPLIER, OPS),
        "GET /api/v1/imports/customer-prices/{job_id}": rule(SUPPLIER, OPS),
        # inventory
        "POST /api/v1/warehouses": rule(SUPPLIER, OPS),
        "GET /api/v1/warehouses": rule(SUPPLIER, OPS, ANALYST),
        "POST /api/v1/stock/receipts": rule(WAREHOUSE, OPS, webhook=True),
        "POST /api/v1/stock/adjustments": rule(WAREHOUSE, OPS),
        "PUT /api/v1/stock/thresholds": rule(WAREHOUSE, OPS),
        "GET /api/v1/stock": rule(WAREHOUSE, OPS, ANALYST),
        "GET /api/v1/stock/alerts": rule(SUPPLIER, WAREHOUSE, OPS, ANALYST),
        "GET /api/v1/stock/{sku}": rule(WAREHOUSE, OPS, ANALYST),
        "GET /api/v1/reservations/{order_id}": rule(OPS, ANALYST),
        # inventory: bulk import of counted stock (a supplier for its own warehouses)
        "POST /api/v1/imports/stock": rule(SUPPLIER, OPS),
        "GET /api/v1/imports/stock/{job_id}": rule(SUPPLIER, OPS),
        # logistics
        "POST /api/v1/carriers": rule(SUPPLIER, OPS),
        "GET /api/v1/carriers": rule(*EVERYONE),
        "GET /api/v1/carriers/{carrier_id}": rule(*EVERYONE),
        "POST /api/v1/delivery-addresses": rule(BUYER, OPS),
        "GET /api/v1/delivery-addresses": rule(BUYER, OPS, ANALYST),
        "GET /api/v1/delivery-addresses/{address_id}": rule(BUYER, OPS, ANALYST),
        "POST /api/v1/shipments/{shipment_id}/ship": rule(WAREHOUSE, SUPPLIER, webhook=True),
        "POST /api/v1/shipments/{shipment_id}/tracking": rule(CARRIER, webhook=True),
        "POST /api/v1/shipments/{shipment_id}/delay": rule(CARRIER, webhook=True),
        "POST /api/v1/shipments/{shipment_id}/damage": rule(CARRIER, webhook=True),
        "POST /api/v1/shipments/{shipment_id}/delivered": rule(CARRIER, webhook=True),
        "POST /api/v1/shipments/{shipment_id}/acceptance": rule(BUYER),
        "POST /api/v1/returns/{return_id}/received": rule(WAREHOUSE, webhook=True),
        "GET /api/v1/shipments": rule(BUYER, WAREHOUSE, CARRIER, OPS, ANALYST),
        "GET /api/v1/shipments/{shipment_id}": rule(BUYER, WAREHOUSE, CARRIER, OPS, ANALYST),
        "GET /api/v1/warehouses/{warehouse_id}/shipments": rule(WAREHOUSE, OPS, ANALYST),
        "GET /api/v1/returns": rule(WAREHOUSE, OPS, ANALYST),
        "GET /api/v1/returns/{return_id}": rule(WAREHOUSE, OPS, ANALYST),
        # payment
        "PUT /api/v1/payment-terms/{supplier_id}/{buyer_id}": rule(SUPPLIER, OPS),
        "GET /api/v1/payment-terms/{supplier_id}/{buyer_id}": rule(BUYER, SUPPLIER, OPS, ANALYST),
        "PUT /api/v1/credit-limits/{supplier_id}/{buyer_id}": rule(SUPPLIER, OPS),
        "GET /api/v1/credit-limits/{supplier_id}/{buyer_id}": rule(BUYER, SUPPLIER, OPS, ANALYST),
        "POST /api/v1/invoices/{invoice_id}/payments": rule(BANK, SUPPLIER, OPS),
        "POST /api/v1/invoices/{invoice_id}/charge": rule(BUYER, OPS),
        "POST /api/v1/refunds": rule(SUPPLIER, OPS),
        "GET /api/v1/refunds": rule(BUYER, SUPPLIER, BANK, OPS, ANALYST),
        "GET /api/v1/payments": rule(BUYER, SUPPLIER, BANK, OPS, ANALYST),
        "GET /api/v1/invoices": rule(BUYER, SUPPLIER, BANK, OPS, ANALYST),
        "GET /api/v1/invoices/{invoice_id}": rule(BUYER, SUPPLIER, BANK, OPS, ANALYST),
        "GET /api/v1/receivables": rule(SUPPLIER, OPS, ANALYST),
        # exports (CSV/XLSX for a period; a buyer, supplier or warehouse only its own)
        "GET /api/v1/exports/orders": rule(BUYER, SUPPLIER, OPS, ANALYST),
        "GET /api/v1/exports/order-lines": rule(BUYER, SUPPLIER, OPS, ANALYST),
        "GET /api/v1/exports/invoices": rule(BUYER, SUPPLIER, OPS, ANALYST),
        "GET /api/v1/exports/stock": rule(SUPPLIER, WAREHOUSE, OPS, ANALYST),
    }
