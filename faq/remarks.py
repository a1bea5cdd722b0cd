"""What a comment says besides its question, English and Danish, in folded spelling:
a complaint, trouble or a plan a person should read, praise, spam, a special day or
date, a deadline, what is in a thing, one's own order. Each decides a comment before
any FAQ entry is matched (faq.decide).
"""

from __future__ import annotations

import re

# What makes a comment a complaint, whatever else it asks.
COMPLAINT = re.compile(
    r"\b(?:why|how come|hvorfor|hvordan kan det (?:vaere|passe)"
    r"|disappoint\w*|skuffe\w*|upset|angry|sur over|vred|furious|annoyed"
    r"|not (?:ok|okay|happy|acceptable|good enough|fair)|unacceptable|uacceptabel\w*"
    r"|ikke (?:ok|okay|fedt|tilfreds|i orden|godt nok|acceptabelt|rimeligt)|utilfreds"
    r"|worst|vaerste|terrible|awful|horrible|disgusting|gross|ulaekker\w*|klam\w*"
    r"|elendig\w*|forfaerdelig\w*|rude|uhoeflig\w*|unfriendly|uvenlig\w*"
    r"|stale|burnt|braendt|half the size|charged (?:me )?(?:twice|double|\d+)|overcharged"
    r"|trukket (?:to|2) gange|penge(?:ne)? tilbage|money back"
    r"|not what (?:i|we) (?:ordered|asked for|paid for)|ikke (?:det|hvad) (?:jeg|vi) bestilte"
    r"|wrong|forkert\w*|missing|mangle\w*|never (?:got|received|came|arrived|again)"
    r"|did not (?:get|receive|work)|fik (?:aldrig|ikke)|aldrig igen|har ikke faaet"
    r"|(?:still|stadig) (?:waiting|venter)|venter stadig|no (?:reply|answer|response)"
    r"|svarer (?:i )?aldrig|nobody (?:answers|answering|picks)|ingen svarer"
    r"|(?:do not|does not|did not) work\w*|virker ikke|(?:is not|not) holding up|holder ikke"
    r"|broke|broken|gik i stykker|scratch\w*|ridse\w*|hair in|haar i|mou?ld\w*|mugne\w*|mugnet|muggen\w*|skimmel\w*|ruined"
    r"|scam|rip ?off|fup|snyd\w*|waste of|spild af"
    r"|not impressed|ikke imponeret|died|dead|doed|stopped working|holdt op med at virke"
    r"|(?:was|were|been|got) charged|charged (?:me|us)|overcharg\w*|only got|fik kun|defect\w*|defekt\w*|problems?|issues?"
    r"|poor|bad|(?:alt )?for dyr\w*|overpriced|too expensive|complain\w*|ked af"
    # health: always a person's answer
    r"|blev syg|got sick|made (?:me|us|him|her) sick|threw up|kastede op|ondt i maven"
    r"|food poisoning|madforgiftning|allergic reaction|allergisk reaktion"
    r"|diabet\w*)\b"
)

# A statement (no question) that may need a person all the same: trouble with a thing
# or an order, a body hurt, a person asked for, business. Any of these and it is
# escalated (also after a question: "is the shop open? the door was locked"); a
# statement without them (praise, an anecdote, "my grandad had this bike") is left
# alone.
NEEDS_PERSON = re.compile(
    r"\b(?:noise\w*|nois[ye]|squeak\w*|creak\w*|click(?:s|ing)|rattl\w*|grind\w*|slipp\w*"
    r"|(?:came|come|fell|falls|fall|falling) (?:off|apart)|crash\w*|hurt|hurts|injur\w*|bleed\w*"
    r"|rash|swollen|itch\w*|vomit\w*|hospital\w*|doctor|ambulance|emergency|unsafe"
    r"|dangerous|lost|forgot\w*|late|delay\w*|cancel\w*|change|changed|leak\w*"
    r"|loose|wobbl\w*|bent|snapped|cracked|stolen|damage\w*"
    r"|larm\w*|stoej\w*|knirk\w*|klik\w*|rasl\w*|hopper af|faldt af|falder af|vaelte\w*"
    r"|styrt\w*|kvaest\w*|slaaet|blod\w*|udslaet|haevet|syg|kloe\w*|kaste\w* op|galt"
    r"|mistet|glemt\w*|forsinke\w*|for sent|aflys\w*|aendre\w*|skade\w*|loes|slinger\w*"
    r"|boejet|knaekke\w*|revne\w*|skadestue\w*|laege\w*|farlig\w*"
    r"|utryg\w*|i stykker|weird|strange|odd|(?:a|the|makes?|making) (?:\w+ )?sounds?|lyd"
    r"|lyde|underlig\w*|maerkelig\w*|dies|dying|plastic|plastik|glass|glas"
    r"|found (?:a|an|some) \w+ in|fandt (?:\w+ ){1,3}i|hard as|nightmare|mareridt"
    r"|(?:is|are|er) (?:down|nede)|mistake|fejl\w*|needs (?:new|a|an|to|fixing)"
    r"|need (?:new|fixing)|traenger til"
    # bad food, a thing gone wrong, a part that acts up
    r"|dry|toer|toert|tasted|smagte|bug|bugs|insect\w*|insekt\w*|flue|worm|orm|stone|sten"
    r"|too (?:long|slow|expensive|small|little|busy|crowded|hot|cold|dry|sweet|salty|late)"
    r"|alt for|error\w*|springer|sprang|skips|skipping|ignor\w*|could (?:\w+ )?be better"
    r"|kunne (?:\w+ )?vaere bedre|used to be|plejede at vaere|locked|laast"
    r"|(?:was|were|var) (?:closed|lukket)|saying closed"
    # a person asked for, or tried: "speak to the owner", "ring mig op", "I called"
    r"|(?:speak|talk) (?:to|with)|(?:tale|snakke) med|contact\w*|kontakt\w*|call me|called"
    r"|ring\w* (?:\w+ )?(?:mig|tilbage|op)|ringede|ringet|get back to me|reach (?:me|you)"
    r"|heard from"
    r"|hoert fra|vende tilbage|vender tilbage|email\w*|mail|mailen|sent you|sendt jer"
    # waiting: "has been there two weeks now"
    r"|(?:two|three|four|several|many|to|tre|fire|flere) (?:weeks|days|uger|dage)"
    # business, press, the authorities
    r"|cater\w*|event|events|arrangement\w*|journalist\w*|presse|press|interview\w*"
    r"|wholesale|engros|firma\w*|company|companies|kommune\w*|municipality|bulk"
    # what the brand did: "you gave me someone else's bike", "I lovede den til fredag"
    r"|you (?:gave|sold|told|said|promised|put|took|kept|sent)"
    r"|i (?:gav|solgte|sagde|lovede|tog|sendte)"
    # a bill, a quote, a screen, vermin, smoke
    r"|bill|regning\w*|quote|overslag\w*|faktura\w*|display|skaerm\w*|blank|mouse|mice|mus"
    r"|rat|rats|rotte\w*|smok\w*|ryge\w*|ryger)\b"
)

# A statement of one's own need or plan: "I need it Friday", "jeg skal hente en
# lagkage i morgen". Alone it asks for a person; before a question it only says why
# one asks ("Skal have en ny cykel. Sælger I brugte cykler?").
PLANS = re.compile(
    r"\b(?:(?:i|we) (?:need|want|have to|must|would like|wanna|gotta)"
    r" (?:it|my|a|an|the|to (?:order|pick|get|have|change|cancel|book|collect))"
    r"|(?:i|we) (?:left|dropped)|(?:jeg|vi) (?:har brug for|afleverede|efterlod)"
    r"|(?:jeg|vi) (?:skal|maa) (?:have|hente|bruge|bestille|aflevere|aendre|aflyse)"
    r"|skal have)\b"
)

# A statement that denies something ("not fresh", "nobody picked up", "ingen svarede")
# is more often a problem than an anecdote: escalated unless it is praise ("can't
# wait to try", "never had better").
NEGATION = re.compile(
    r"\b(?:not|no|never|nobody|nothing|havent|hasnt|wasnt|werent|couldnt|wouldnt"
    r"|ikke|aldrig|ingen|intet|ingenting)\b"
)

# Praise denied is none: "not great", "ikke så lækkert" (the word after goes too).
NOT_PRAISE = re.compile(r"\b(?:not|ikke)(?: (?:so|very|that|too|saa|saerlig|super|helt))? \w+")

# A comment without a question is left alone only when it is plainly kind or
# neutral: thanks, praise, a visit announced, a friend tagged. Anything else a person
# reads (SPEC: when unsure, escalate).
POSITIVE = re.compile(
    r"\b(?:thanks?|thank you|tak|love[ds]?|loving|elsker|best|bedste|amazing|awesome|great"
    r"|nice|beautiful|gorgeous|lovely|delicious|yumm?y?|tasty|perfe[ck]t|wonderful"
    r"|fantasti\w*|laekker\w*|skoen\w*|dejlig\w*|hyggelig\w*|flot\w*|fed|fedt|super\w*"
    r"|wow|legends?|unreal|incredible|cute|smuk\w*|godt|god|cool|sej|sejt|sygt|vildt|mums"
    r"|nam|venlig\w*|sweet|kind|friendly|10/10|recommend\w*|anbefal\w*|favou?rite|favorit\w*"
    r"|happy|glad|glaeder|hurtig\w*|quick|fast|can not wait|kan ikke vente|see you|ses"
    r"|coming (?:by|over|in)|kommer (?:forbi|ned)|be there|herhen|on my way|paa vej|try|proeve"
    r"|prove|miss|savner|cheers|would (?:\w+ ){0,5}again|never (?:\w+ ){0,3}better|nothing beats"
    r"|intet slaar|ingen slaar|no words needed|(?:som|like) (?:en|a) droem|like a dream"
    r"|like new|som ny|going strong"
    r"|aldrig (?:\w+ ){0,3}bedre|saved (?:my|me|us|the day)|lifesaver|reddede)\b"
)

# Spam and self-promotion: ignored, never answered.
SPAM = re.compile(
    r"\b(?:followers?|follow (?:us|me|back)|dm (?:us|me|for|now)|message me|link in bio"
    r"|check out my|check my (?:page|profile|account|channel|bio|insta\w*|site|website|shop|feed)"
    r"|promo\w*|promote|ambassador|collab\w*|sponsor\w*|crypto\w*|bitcoin"
    r"|invest\w*|forex|earn \$?\d*|profits?|guaranteed|click(?: here| now)?|free iphone"
    r"|giveaway|win (?:a|free|prize)|prize|get featured|featured|send pics|onlyfans"
    r"|cheap ads|\d+% off ads|work from home|from home|affiliate"
    r"|klik(?: her| paa linket)?|linket i (?:min )?(?:profil|bio)|foelg (?:os|mig)|tjen penge"
    r"|hjemmefra|vind (?:en|et|gratis))\b"
)

# Days the usual opening hours may not hold: a person answers those.
SPECIAL_DAYS = re.compile(
    r"\b(?:easter|christmas|xmas|new year\w*|holiday\w*|bank holiday|paaske\w*|jul\w*"
    r"|nytaar\w*|nytaarsaften|helligdag\w*|pinse\w*|kristi himmelfart\w*|st\.? bededag"
    r"|grundlovsdag|juleaften|nytaarsdag)\b"
)

# A day of the calendar ("the 14th", "d. 24.", "24/12"): what happens on it only the
# brand knows (a holiday's hours, a delivery, an order that day). A month alone only
# matters for opening hours ("open in december?"). Checked on folded text.
_MONTHS = (
    "jan|january|januar|feb|february|februar|mar|marts|apr|april|jun|june|juni|jul|july|juli"
    "|aug|august|sep|sept|september|oct|okt|october|oktober|nov|november|dec|december"
)
DATES = re.compile(
    rf"\b(?:the|on|d\.?|den) \d{{1,2}}(?:st|nd|rd|th|\.)?(?![\d.:]\d)"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th|\.)? (?:of )?(?:{_MONTHS}|maj|may)\b|\b\d{{1,2}}/\d{{1,2}}\b"
    # a numbered week: "open in week 7?", "har I åbent i uge 42?"
    r"|\b(?:week|uge) \d{1,2}\b"
)
# (a season too: "open in the summer?", "har I åbent om vinteren?")
MONTHS = re.compile(
    rf"\b(?:{_MONTHS}|summer|winter|spring|autumn|sommer\w*|vinter\w*|foraar\w*|efteraar\w*)\b"
)

# A deadline ("by tomorrow", "in time for Saturday", "til i morgen", "kan I nå at"):
# an answer about the usual lead time or turnaround does not say whether that one can
# be met. "Til fredag" alone is no deadline: like "for Friday", it names the day it
# is for. Only for an entry about something done for the customer (faq.lexicon's
# LEAD_TIMES): opening hours or a diet are asked with a day too ("open today?").
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|mandag|tirsdag|onsdag"
    "|torsdag|fredag|loerdag|soendag|weekenden"
)
DEADLINE = re.compile(
    rf"\b(?:by|before|in time for|ready for|done for|inden|senest|klar til|faerdig til"
    rf"|i tide til) (?:(?:paa|on|the|this|next|naeste|paa den) )?(?:{_WEEKDAYS})\b"
    r"|\b(?:by|before|for|til|inden|in time for) (?:tomorrow|today|tonight|i morgen|i dag"
    r"|i aften|i overmorgen)\b|\b(?:today|tonight|i dag|i aften) *\?"
    r"|\bnaa(?:r)? at\b|\basap\b|\burgent\w*|\bhaster\b|\bhurtigst muligt\b|\bin a hurry\b"
    r"|\bin time for\b|\bi tide til\b|\b(?:need|needs|skal bruge|har brug for) (?:\w+ ){0,3}"
    r"(?:by|before|til|inden|senest)\b"
)

# What is in a thing ("is there milk in the swirl?", "er rugbrødet lavet med honning?"):
# only the brand knows its recipes, unless the comment asks a diet by name ("is it
# vegan or is there butter in it?"), which a diet answer answers. Group 1 or 2 is the
# ingredient, so "er der parkering i nærheden" is no such question (it has a topic).
INGREDIENT = re.compile(
    r"\b(?:is there|are there|er der) (?:any |nogen |noget )?(\w+) (?:\w+ )?(?:in|i)\b"
    r"|\b(?:made with|lavet med|bagt med|contains?|indeholder|ingredients? in|ingredienser i)"
    r" (?:any |nogen |noget )?(\w+)"
)
DIET_LABEL = re.compile(
    r"\b(?:vegan\w*|plant\w* based|plantebaser\w*|gluten ?(?:free|fri\w*)|glutenfree|gf"
    r"|(?:uden|without|no|free from|fri for) gluten|sugar ?free|sukkerfri\w*"
    r"|(?:dairy|lactose|milk) ?free|(?:laktose|maelke)fri\w*|(?:uden|without) (?:maelk|milk))\b"
)

# Asking after one's own order or repair: only the shop knows.
STATUS = re.compile(
    r"\b(?:order (?:no\.? ?|number |#)?\d+|ordre ?(?:nr\.? ?|nummer )?\d+|#\d{3,}"
    r"|(?:ready|klar|done|faerdig) (?:yet|endnu)|is my \w+ (?:ready|done|fixed)"
    r"|er min \w+ (?:klar|faerdig)|my order|min ordre|min bestilling|last week|sidste uge"
    r"|(?:i|we) (?:have |already |just )?(?:ordered|dropped (?:it |\w+ \w+ )?off|handed in)"
    r"|(?:jeg|vi) (?:har )?(?:bestilte|afleverede|indleverede|bestilt|afleveret|indleveret))\b"
)

# A request to act on the asker's own booking, or a free time only the calendar shows:
# "book me in for friday", "move my appt", "can you fit me in", "kan jeg flytte min
# tid", "har I ledige tider i næste uge?". The FAQ says how booking works; a person
# books. (Asked of anyone, "can you move an appointment?", it is the FAQ's.)
ACT = re.compile(
    r"\b(?:(?:book|booke|fit|squeeze|pencil|sign|skriv|put) (?:me|us|mig|os) (?:in|up|ind|op)\b"
    r"|(?:book|booke) (?:me|mig|os)\b"
    r"|(?:move|change|reschedule|cancel|push|switch|swap|postpone"
    r"|flytte|flytter|aendre|aflyse|aflyser|rykke|rykker) (?:my|our|min|mit|mine|vores)\b"
    r"|(?:free|open|available|any) (?:slots?|spots?|openings?)\b"
    r"|ledige? (?:tider|tid|pladser|plads)\b)"
)
