"""The sourcing service: requests for quotation across suppliers, quotes, awards and offers."""
