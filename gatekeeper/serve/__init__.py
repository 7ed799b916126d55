"""The gate review service (`gatekeeper serve`): sign-in, the portfolio, each alliance's brief, and decisions recorded in the ledger."""
