"""Pricing's pure domain: products and terms, the pricing function, the pricing of an order."""
