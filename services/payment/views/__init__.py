"""Payment's read models: the invoice book, and the ledger invoicing reads."""
