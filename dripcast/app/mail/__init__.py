"""Outgoing client mail, an application service (SPEC "Talking with the client by email").

    smarthost  the one send call (aiosmtplib) to `service.outgoing_mail`
    compose    a draft → bytes: multipart/alternative, inline cid: images, threading
    outbox     the Mailer: claim due mails from the `mails` table, send, mark (store.mails)
    views      plain values each mail shows;  build: views from plans and store rows
    render     views → drafts (Jinja2 templates in templates/, i18n words, css-inline)
    notify     who gets what (no backscatter), one mail per event key
    notices    what the service mails by itself: confirmation, refusal, held digest

It imports core and store only (import contracts in pyproject); replies, which act
through `dripcast.app.actions`, are the adapter `dripcast.mail`.
"""
