"""How a question is asked, English and Danish, in folded spelling: its shape as one
token ("how much", "hvad koster" → `xprice`), and how a sentence opens or joins when
it asks (a question word, a verb with its subject next, a request).
"""

from __future__ import annotations

import re

# Question shapes → one token, so "how much", "what does it cost" and "hvad koster"
# meet, and "hvor" (where) is not confused with "hvor lang tid" (how long).
_PHRASES = [
    (
        r"how much|how expensive|what does (?:it|that|a|an) cost|what do you charge|price of|prices?"
        r"|cost|costs|hvor dyrt|hvor dyr"
        r"|hvad koster|koster|hvad tager (?:i|de|man)|pris(?:en|er|liste|listen)?",
        "xprice",
    ),
    (
        r"how long|how many days|how quickly|how quick|how soon|how fast|hvor lang tid|hvor laenge"
        r"|hvor hurtigt|hvor hurtig|hvor hurtige"
        r"|hvor mange dage",
        "xduration",
    ),
    (
        r"what time|hvad tid|hvornaar|when|how early|how late|hvor tidligt|hvor tidlig"
        r"|(?:the )?(?:earliest|latest)|tidligst"
        r"|hvor sent|til hvad tid|fra hvad tid|until what time|from what time",
        "xwhen",
    ),
    # How many, how big: a quantity or a size only the brand knows (no entry's topic).
    (
        r"how many|hvor mange|how big|how large|what size|hvor stor|hvor store"
        r"|hvilken stoerrelse|how much (?:cake|bread|food)",
        "xamount",
    ),
    (r"where|hvor henne|hvor", "xwhere"),
    (r"without|uden|free from|fri for", "without"),
    (r"i dag|i morgen|i weekenden|this weekend|tomorrow|today|tonight", "xday"),
]
PHRASES = [(re.compile(rf"(?<= )(?:{p})(?= )"), t) for p, t in _PHRASES]

# A sentence that opens like this asks something, with or without a question mark.
QUESTION_OPENERS = frozenset(
    [
        "what",
        "when",
        "where",
        "which",
        "who",
        "how",
        "why",
        "hvad",
        "hvornaar",
        "hvor",
        "hvem",
        "hvilken",
        "hvilke",
        "hvordan",
        "hvorfor",
        "mon",  # "mon I har åbent i morgen": I wonder whether
    ]
)
# A verb first asks only with its subject next ("har I …", "do you …"): Danish chat
# also drops the "I" of statements ("har en gammel racer" = I have an old racer).
DANISH_VERB_OPENERS = frozenset(
    "er kan skal vil maa har laver leverer tager saelger koeber udlejer lejer reparerer"
    " fixer servicerer bager sender accepterer".split()
)
VERB_OPENERS = DANISH_VERB_OPENERS | frozenset(
    "do does did is are was can could will would should shall may have has got any anything"
    " sells".split()
)
NOT_SUBJECTS = frozenset(
    [
        "a",
        "an",
        "en",
        "et",
        "to",
        "been",
        "ikke",
        "not",
        "godt",
        "lige",
        "bare",
        "faaet",
        "vaeret",
        "ogsaa",
        "also",
        "just",
        "so",
        "saa",
    ]
)
# Who a verb-first question asks about: "do you …", "har I …", "is the bread …".
SUBJECTS = frozenset(
    "i you we they he she it there this that these those the my your our his her their"
    " anyone anybody someone somebody people one"
    " du jeg vi de han hun den det der jeres din dit dine min mit mine man nogen noget"
    " nogle".split()
)
# Who a question asks when it asks the brand: "you", "I" (Danish plural you), "jer".
# A question to a tagged friend ("@jonas ride this sunday?") asks none of them.
ADDRESSED = frozenset("you your yours i jer jeres du dig din dit".split())
# The same in a statement, where "i" is more often English "I" and "you" anyone ("the
# smell when you walk past"): only "your", "jeres"… say it is told to the brand.
ADDRESSED_STATEMENT = ADDRESSED - {"i", "you"}
# After a friend's tag, "du", "dig", "din" are said to the friend: only these turn a
# question to the brand ("@jonas har I åbent søndag?").
TO_THE_BRAND = frozenset("you your i jer jeres".split())
# Words by which a question points back to the clause before it ("… do you sell them?").
BACK_REFERENCES = frozenset(
    "it them those these that one ones any some den det dem nogen nogle noget".split()
)
# Said before a question, not part of it: "yo are u open today", "hej har I …".
GREETINGS = frozenset(
    "hi hii hey heyy hello yo hej hejj hejsa hallo halloj goddag dav heya hiya".split()
)
# A preposition before the question word: "til hvad tid …", "from what time …".
LEADS = frozenset(["til", "fra", "from", "until", "till", "at", "by", "in", "i", "paa", "om"])
# A question inside a sentence: "if I drop it off monday when will it be ready".
EMBEDDED = re.compile(
    r" (?:what|when|where|how|which|hvad|hvornaar|hvor|hvordan|hvilken|hvilke)"
    r" (?:will|would|is|are|can|could|do|does|should|er|kan|skal|vil|har|bliver) "
)
# Requests that are questions in all but form.
REQUEST = re.compile(
    r"\b(?:i(?: would|d)? (?:like|want|wanna) to (?:know|order|book|rent|buy)"
    r"|let me know|tell me|info (?:on|about)|jeg vil gerne (?:vide|bestille|booke|leje|koebe)"
    r"|i wonder|wondering|jeg (?:undrer|spekulerer)"
    r"|(?:i am|we are|im) (?:looking|searching) for|looking for|leder efter|soeger efter"
    r"|(?:i|we) need|(?:jeg|vi) (?:har brug for|skal bruge)"
    # a question inside "know": "anyone know if …", "ved nogen om …"
    r"|knows? (?:if|whether|when|where|how|what|which)|ved (?:nogen|i|du) (?:om|hvornaar|hvor|hvad))\b"
)
# A question's dummy subject ("is it possible to park", "er det gratis at holde"): no
# pointing back to the sentence before.
EXPLETIVE = re.compile(
    r"(?:^| )(?:is|was|will|would|er|var|bliver) (?:it|det) (?:\w+ ){1,2}(?:to|at) "
)
# Danish subjects, after which a verb in the present ("bestiller man", "arbejder I")
# asks; English aux with an article does too ("is a service done …").
DANISH_SUBJECTS = frozenset("man i du vi jeg de".split())
ENGLISH_AUX = frozenset("do does did is are was were can could will would should".split())

# Where a sentence with a second question starts: "… and where can I park?"
_ASKING = "|".join(sorted(QUESTION_OPENERS | (VERB_OPENERS - {"got", "any", "anything"})))
JOINERS = re.compile(rf" (?:and|og|also|ogsaa|plus|\+|&) (?=(?:{_ASKING}) )")
