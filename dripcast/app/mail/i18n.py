"""The words of the mails, per brand `language` (ISO 639-1). English is the fallback."""

from __future__ import annotations

from datetime import datetime
from typing import Final

DAYS: Final = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "da": ("man", "tir", "ons", "tor", "fre", "lør", "søn"),
}
MONTHS: Final = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "da": ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
}

WORDS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "confirm_subject": "Planned: {n} posts from “{subject}”",
        "confirm_subject_one": "Planned: 1 post from “{subject}”",
        "confirm_intro": "Thank you! Your photos are planned as these posts:",
        "confirm_approval": "Nothing goes out until you approve: reply “yes” to this mail.",
        "confirm_agency": "Your agency looks the posts over before they go out.",
        "held": "held",
        "skipped": "Photos left out",
        "notes": "Notes from the planner",
        "commands": "To change the plan, reply to this mail with one of these lines:",
        "cmd_approve": "approve the posts, they go out as planned",
        "cmd_cancel": "cancel every post that has not gone out",
        "cmd_cancel_n": "cancel post 2, or posts 2 to 4",
        "cmd_cancel_net": "cancel everything on one network",
        "cmd_move": "move post 3 to another time",
        "cmd_when": "move the whole plan, keeping its gaps",
        "cmd_caption": "a new caption for the posts not yet out",
        "refusal_subject": "Not posted: “{subject}”",
        "refusal_intro": "We received your mail “{subject}” but could not make posts from it:",
        "refusal_do": "What to do",
        "do_no_photo": "Send the photos again as attachments (JPEG, PNG or HEIC, as your phone takes them).",
        "do_duplicate": "You sent these photos in the last 90 days, so they are not planned twice. Send new photos, or ask your agency to post them again.",
        "do_too_old": "Send the mail again: it was too old to be trusted as new.",
        "do_not_understood": "Send a photo with the caption as the subject and text, or reply to a confirmation with a command.",
        "do_other": "Send the mail again; if it fails again, your agency has the details.",
        "held_subject": "{brand}: {n} posts wait for you",
        "held_subject_one": "{brand}: a post waits for you",
        "held_intro": "These posts are held and will not go out until someone acts:",
        "held_commands": "Reply with “approve” to let them go out, “cancel” to drop them, or “cancel 2” for one.",
        "answer_subject": "Re: {subject}",
        "answer_none": "We did not understand any command in your reply. Nothing was changed.",
        "answer_ignored": "Not understood",
        "summary_subject": "{brand}: {n} posts went out this week",
        "summary_subject_one": "{brand}: 1 post went out this week",
        "summary_nothing": "Nothing was published this week.",
        "summary_published": "Published",
        "summary_folder": "(published to a folder)",
        "summary_refused": "Mails that made no posts",
        "summary_held": "Waiting for you",
        "summary_held_cmd": "Reply “approve 1” or “cancel 1” to act on number 1, “approve” for all.",
        "summary_upcoming": "{n} posts are planned for the next 7 days.",
        "footer": "Sent by dripcast for {brand}.",
        "confirm_link": "See the plan with its pictures, and change it",
        "comment_subject": "{brand}: a comment on {network} needs your answer",
        "draft_subject": "{brand}: an answer to a comment on {network} waits for approval",
        "comment_intro": "{author} wrote on {network} ({channel}):",
        "comment_why": "Why it comes to you",
        "comment_on": "The comment",
        "comment_post": "On the post",
        "comment_draft": "The FAQ answer, not yet posted",
        "comment_answer": "Reply to this mail with your answer: your first lines (not the quoted text) are posted as {brand}'s public reply to the comment, once.",
        "draft_answer": "Reply “approve” to post it as it is, or write the answer to post instead.",
    },
    "da": {
        "confirm_subject": "Planlagt: {n} opslag fra “{subject}”",
        "confirm_subject_one": "Planlagt: 1 opslag fra “{subject}”",
        "confirm_intro": "Tak! Dine billeder er planlagt som disse opslag:",
        "confirm_approval": "Intet bliver udgivet, før du godkender: svar “ja” på denne mail.",
        "confirm_agency": "Dit bureau ser opslagene igennem, før de bliver udgivet.",
        "held": "tilbageholdt",
        "skipped": "Billeder der ikke kom med",
        "notes": "Bemærkninger fra planlæggeren",
        "commands": "Svar på denne mail med en af disse linjer for at ændre planen:",
        "cmd_approve": "godkend opslagene, de udgives som planlagt",
        "cmd_cancel": "annullér alle opslag, der ikke er udgivet",
        "cmd_cancel_n": "annullér opslag 2, eller opslag 2 til 4",
        "cmd_cancel_net": "annullér alt på ét netværk",
        "cmd_move": "flyt opslag 3 til et andet tidspunkt",
        "cmd_when": "flyt hele planen, med samme mellemrum",
        "cmd_caption": "ny tekst til de opslag, der ikke er udgivet",
        "refusal_subject": "Ikke udgivet: “{subject}”",
        "refusal_intro": "Vi modtog din mail “{subject}”, men kunne ikke lave opslag ud af den:",
        "refusal_do": "Hvad du kan gøre",
        "do_no_photo": "Send billederne igen som vedhæftede filer (JPEG, PNG eller HEIC, som telefonen tager dem).",
        "do_duplicate": "Du har sendt disse billeder inden for de sidste 90 dage, så de planlægges ikke to gange. Send nye billeder, eller bed dit bureau om at udgive dem igen.",
        "do_too_old": "Send mailen igen: den var for gammel til at blive stolet på som ny.",
        "do_not_understood": "Send et billede med teksten som emne og indhold, eller svar på en bekræftelse med en kommando.",
        "do_other": "Send mailen igen; fejler den igen, har dit bureau detaljerne.",
        "held_subject": "{brand}: {n} opslag venter på dig",
        "held_subject_one": "{brand}: et opslag venter på dig",
        "held_intro": "Disse opslag er tilbageholdt og udgives ikke, før nogen handler:",
        "held_commands": "Svar “godkend” for at udgive dem, “annullér” for at droppe dem, eller “annullér 2” for ét.",
        "answer_subject": "Sv: {subject}",
        "answer_none": "Vi forstod ingen kommando i dit svar. Intet blev ændret.",
        "answer_ignored": "Ikke forstået",
        "summary_subject": "{brand}: {n} opslag udgivet i denne uge",
        "summary_subject_one": "{brand}: 1 opslag udgivet i denne uge",
        "summary_nothing": "Intet blev udgivet i denne uge.",
        "summary_published": "Udgivet",
        "summary_folder": "(udgivet til en mappe)",
        "summary_refused": "Mails der ikke blev til opslag",
        "summary_held": "Venter på dig",
        "summary_held_cmd": "Svar “godkend 1” eller “annullér 1” for nummer 1, “godkend” for alle.",
        "summary_upcoming": "{n} opslag er planlagt de næste 7 dage.",
        "footer": "Sendt af dripcast for {brand}.",
        "confirm_link": "Se planen med billederne, og ret den",
        "comment_subject": "{brand}: en kommentar på {network} venter på dit svar",
        "draft_subject": "{brand}: et svar på en kommentar på {network} venter på godkendelse",
        "comment_intro": "{author} skrev på {network} ({channel}):",
        "comment_why": "Hvorfor den kommer til dig",
        "comment_on": "Kommentaren",
        "comment_post": "På opslaget",
        "comment_draft": "FAQ-svaret, endnu ikke udgivet",
        "comment_answer": "Svar på denne mail med dit svar: dine første linjer (ikke det citerede) udgives én gang som {brand}s offentlige svar på kommentaren.",
        "draft_answer": "Svar “godkend” for at udgive det som det er, eller skriv det svar, der skal udgives i stedet.",
    },
}

# The reply commands as shown to the client (the parser reads every language's words).
COMMAND_WORDS: Final = {
    "en": {
        "approve": "yes",
        "cancel": "cancel",
        "move": "move 3 to friday 9:00",
        "when": "when: tomorrow 9:00",
        "caption": "caption: new text",
    },
    "da": {
        "approve": "ja",
        "cancel": "annullér",
        "move": "flyt 3 til fredag 9:00",
        "when": "when: i morgen 9:00",
        "caption": "caption: ny tekst",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])


def when(at: datetime, language: str) -> str:
    """`Fri 27 Nov 09:00` / `fre 27. nov 09:00`, in the zone `at` carries."""
    lang = language if language in DAYS else "en"
    day, month = DAYS[lang][at.weekday()], MONTHS[lang][at.month - 1]
    if lang == "da":
        return f"{day} {at.day}. {month} {at:%H:%M}"
    return f"{day} {at.day} {month} {at:%H:%M}"
