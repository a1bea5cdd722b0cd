"""Talking with the client by email (SPEC): mail out, replies in.

    smarthost  the one send call (aiosmtplib) to `service.outgoing_mail`
    compose    a draft → bytes: multipart/alternative, inline cid: images, threading
    outbox     the Mailer: claim due mails from the `mails` table, send, mark (store_mail)
    views      plain values each mail shows;  build: views from plans and store rows
    render     views → drafts (Jinja2 templates in templates/, i18n words, css-inline)
    notify     who gets what (no backscatter), one mail per event key
    commands   a reply's text → typed commands (pure)
    replies    a stored reply → the actions (TEAM.md API) → an answer mail
    wiring     what `serve` calls: after processing, the held sweep, the replies

Outgoing mail imports only the kernel (config, domain, tokens, store_mail);
`replies`/`wiring` sit over the application layer's actions.
"""
