"""Body texts and the caption each should become: shared by the cleaner's tests and the
comparison with the reply-parsing libraries (test_reply_libraries.py)."""

from __future__ import annotations

PLAN = "Your plan for this week:\n3 posts on Instagram\n"
QUOTED_PLAN = "> Your plan for this week:\n> 3 posts on Instagram\n"

# name → (body, forward?, expected caption text)
CASES: dict[str, tuple[str, bool, str]] = {
    "en_reply": (
        "New rye bread today #rye\n\n"
        "On Fri, 20 Nov 2026 at 10:02, Demo Bakery <bakery@localhost> wrote:\n" + QUOTED_PLAN,
        False,
        "New rye bread today #rye",
    ),
    "en_reply_wrapped": (
        "New rye bread today\n\n"
        "On Fri, 20 Nov 2026 at 10:02, Demo Bakery <bakery@localhost>\nwrote:\n" + QUOTED_PLAN,
        False,
        "New rye bread today",
    ),
    "de_reply": (
        "Neues Roggenbrot!\n\n"
        "Am 20.11.2026 um 10:02 schrieb Demo Bakery <bakery@localhost>:\n> Ihr Plan\n",
        False,
        "Neues Roggenbrot!",
    ),
    "fr_reply": (
        "Nouveau pain de seigle !\n\n"
        "Le ven. 20 nov. 2026 à 10:02, Demo Bakery <bakery@localhost> a écrit :\n> Votre plan\n",
        False,
        "Nouveau pain de seigle !",
    ),
    "outlook_block": (
        "New rye bread today\n\nFrom: Demo Bakery <bakery@localhost>\n"
        "Sent: Friday, November 20, 2026 10:02 AM\nTo: Maria Jensen <owner@example.com>\n"
        "Subject: Your plan\n\n" + PLAN,
        False,
        "New rye bread today",
    ),
    "outlook_underscores": (
        "New rye bread today\n\n________________________________\n"
        "From: Demo Bakery <bakery@localhost>\nSent: Friday, November 20, 2026 10:02 AM\n"
        "Subject: Your plan\n\n" + PLAN,
        False,
        "New rye bread today",
    ),
    "outlook_de_block": (
        "Neues Brot\n\nVon: Demo Bakery <bakery@localhost>\n"
        "Gesendet: Freitag, 20. November 2026 10:02\nAn: Maria\nBetreff: Plan\n\nIhr Plan\n",
        False,
        "Neues Brot",
    ),
    "original_message": (
        "New bread\n\n-----Original Message-----\nFrom: Demo Bakery\nSent: Friday\n\n" + PLAN,
        False,
        "New bread",
    ),
    "sig_dashdash": (
        "Cake of the week #cake\n\n-- \nMaria Jensen\nDemo Bakery\n",
        False,
        "Cake of the week #cake",
    ),
    "sent_from_iphone": ("Cake of the week\n\nSent from my iPhone", False, "Cake of the week"),
    "von_meinem_iphone": (
        "Kuchen der Woche\n\nVon meinem iPhone gesendet",
        False,
        "Kuchen der Woche",
    ),
    "get_outlook_android": (
        "Cake of the week\n\nGet Outlook for Android",
        False,
        "Cake of the week",
    ),
    "sent_from_outlook_android": (
        "Cake of the week\n\nSent from Outlook for Android",
        False,
        "Cake of the week",
    ),
    "danish_sendt_fra": ("Ugens kage\n\nSendt fra min iPhone", False, "Ugens kage"),
    "envoye_de_mon_iphone": ("Gâteau du jour\n\nEnvoyé de mon iPhone", False, "Gâteau du jour"),
    "webde_app": ("Kuchen\n\nGesendet mit der WEB.DE Mail App", False, "Kuchen"),
    "yahoo_iphone": ("Cake\n\nSent from Yahoo Mail for iPhone", False, "Cake"),
    "mail_for_windows": ("Cake\n\nSent from Mail for Windows", False, "Cake"),
    "danish_reply": (
        "Nyt rugbrød\n\nDen 20. nov. 2026 kl. 10.02 skrev Demo Bakery <bakery@localhost>:\n> Plan\n",
        False,
        "Nyt rugbrød",
    ),
    "keeps_dateless_wrote": (
        "On sale! Our baker wrote:\nthe best rye in town\nAnna skrev til os:\ntak!",
        False,
        "On sale! Our baker wrote:\nthe best rye in town\nAnna skrev til os:\ntak!",
    ),
    "keeps_offers_and_love": (
        "Get 20% off with our mobile app today\nGesendet mit Liebe aus der Backstube",
        False,
        "Get 20% off with our mobile app today\nGesendet mit Liebe aus der Backstube",
    ),
    "closing": ("Cake of the week\n\nBest,\nMaria", False, "Cake of the week"),
    "danish_closing": ("Ugens kage\n\nMvh\nMaria Jensen\nDemo Bakery", False, "Ugens kage"),
    "disclaimer": (
        "Cake of the week\n\nThis e-mail and any attachments are confidential and intended "
        "solely for the addressee. If you are not the intended recipient, please delete it.",
        False,
        "Cake of the week",
    ),
    "gmail_forward": (
        "Please post this #cake\n\n---------- Forwarded message ---------\n"
        "From: Anna Holm <anna@example.net>\nDate: Fri, 20 Nov 2026 at 18:02\n"
        "Subject: Birthday cake\nTo: <owner@example.com>\n\n\nIt was perfect!\n",
        True,
        "Please post this #cake\n\nIt was perfect!",
    ),
    "apple_forward": (
        "Please post this\n\nBegin forwarded message:\n\nFrom: Anna Holm <anna@example.net>\n"
        "Subject: Birthday cake\nDate: 20 November 2026 at 18:02:00 CET\nTo: owner@example.com\n\n"
        "It was perfect!\n",
        True,
        "Please post this\n\nIt was perfect!",
    ),
    "outlook_forward": (
        "Please post this\n\n________________________________\nFrom: Anna Holm <anna@example.net>\n"
        "Sent: Friday, November 20, 2026 6:02 PM\nTo: Maria Jensen\nSubject: Birthday cake\n\n"
        "It was perfect!\n",
        True,
        "Please post this\n\nIt was perfect!",
    ),
    "interleaved_quote": (
        "> Can you send the cake?\nHere it is! #cake\n> And the price?\n45 kr.",
        False,
        "Here it is! #cake\n45 kr.",
    ),
    "keeps_lookalikes": (
        "Sent from heaven: our new angel cake\nOn sale today, we wrote: buy it!\n"
        "Our confidential recipe, finally public.",
        False,
        "Sent from heaven: our new angel cake\nOn sale today, we wrote: buy it!\n"
        "Our confidential recipe, finally public.",
    ),
    "keeps_lists_and_hashtags": (
        "Cake - the best - #cake #bakery\n- item one\n- item two",
        False,
        "Cake - the best - #cake #bakery\n- item one\n- item two",
    ),
    "outlook_cid_placeholder": (
        "Window display\n[cid:image001.png@01DB3C2A.5E8F6A10]\nCome and see",
        False,
        "Window display\nCome and see",
    ),
}
