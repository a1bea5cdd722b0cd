"""Intake: SMTP/LMTP listener, stdin, MIME parsing, sender checks. Imports only the kernel."""
