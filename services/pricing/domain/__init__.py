"""Pricing's pure domain: catalog and terms deciders, the pricing function, order pricing."""
