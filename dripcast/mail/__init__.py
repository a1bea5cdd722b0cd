"""Replies by email: an adapter over the application layer, like the CLI.

    commands   a reply's text → typed commands (pure)
    replies    a stored reply → `dripcast.app.actions` (sender as actor) → an answer mail
    wiring     `ClientMail`: the service's notices plus the replies; `dripcast serve`
               hands it to the service

Mail going out (confirmations, notices, summaries, the outbox) is the application
service `dripcast.app.mail`.
"""
