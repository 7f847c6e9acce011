"""Hand-written queries, one module per area of the bot."""
