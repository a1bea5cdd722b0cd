"""Drip planning (pure) and the dispatcher that runs due posts. Imports only the kernel."""
