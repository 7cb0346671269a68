"""The sourcing service's pure domain: the RFQ and the offered quote."""
