"""The payment domain: customer accounts (terms, credit limits) and invoices. Pure: no I/O."""
