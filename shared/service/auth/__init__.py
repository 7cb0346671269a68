"""Identity and access: who sends a request (tokens, API keys, sessions, signed webhooks) and
whether that role may call that route. Every credential resolves to one ``Actor(role, party)``."""
