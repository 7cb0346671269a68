"""The order service's pure domain: the Order aggregate and the parties (buyers, suppliers)."""
