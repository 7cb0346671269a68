"""Pricing's read models: the catalog (products, terms, buyers' tiers, live stock)."""
