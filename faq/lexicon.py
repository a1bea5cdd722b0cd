"""What customers of small businesses ask about, in Danish and English: one token per topic.

A comment and a brand's FAQ seldom share their words: "Har I cykelstativer?"
asks what "where can I park?" asks, "Bringer I ud?" what "do you deliver?" asks,
"Any GF loaves?" what "do you have gluten-free bread?" asks. Both sides go
through this lexicon, so both name the topic (`xpark`, `xdeliver`, `xgluten`)
instead of their words, and Danish meets English.

General on purpose: it is what the next thousand customers of a bakery, café,
shop or workshop write (hours, address, parking, delivery, price, booking,
ordering, payment, diets, rental, repair…), never one brand's FAQ nor one
comment's odd wording. What a brand sells beyond that comes from its own FAQ
(the matcher compares the remaining words fuzzily).

`WORDS` gives single words in their base forms and normal spelling; `faq.text`
folds them (æ→ae…) and also finds inflected forms (`leveret`, `lukkes`, `racks`)
and Danish compounds (`udlejningscykler` → `xrent xbike`). `PHRASES` are regular
expressions over folded words, tried in order before single words; one may stand
for more than one topic (`"xsell xused"`). A topic meant as "no topic" (people,
days) lives in `faq.words` instead.
"""

from __future__ import annotations

WORDS: dict[str, str] = {
    # When: opening hours, opening and closing.
    "xopen": "open opens opening openings åben åbent åbne åbner åbning åbningstid"
    " åbningstider hours close closes closing closed shut shuts lukke lukker lukket"
    " lukketid lukketider tider tiderne times",
    # Where: the address and the way there.
    "xaddress": "address adresse adressen located location beliggenhed ligger directions"
    " vejvisning rutevejledning whereabouts postcode postnummer adress",
    "xnear": "nearby near nær nærheden closer closest nearest nærmeste",
    "xoutside": "outside udenfor foran",
    # Coming by car or bike; a car at a shop is nearly always a parking question.
    "xpark": "park parking parkere parkering parkeringsplads parkeringspladser pplads"
    " ppladser pskive parkeringsskive car cars bil bilen bilerne cykelstativ"
    " cykelstativer cykelparkering phus parkeringshus parkeringskælder",
    # Getting it brought: delivery, shipping, the delivery apps.
    "xdeliver": "deliver delivers delivery delivering delivered levering levere leverer"
    " leveret leveres hjemlevering udbringning shipping ship ships shipped forsendelse"
    " wolt justeat foodora",
    "xprice": "price prices pricing priced pricey pricy pris prisen priser prisliste cost"
    " costs koste koster expensive dyrt rates fee fees takst takster charge charges"
    # which is cheapest asks what they cost ("whats the cheapest bouquet", "billigste
    # buket"); plain "cheap" says how one wants it (faq.words.INCIDENTAL)
    " cheapest billigst",
    "xfree": "gratis free",
    # Coming in: booking a time, or just turning up.
    "xbook": "book booke booker booked booking bookinger appointment appointments"
    " tidsbestilling xbooktime schedule aftale",
    "xdropin": "xdropin walkin walkins dropin",
    # Ordering ahead, made to order.
    "xorder": "order orders ordering ordered preorder preorders bestil bestille bestiller"
    " bestilling bestillinger forudbestil forudbestille forudbestiller forudbestilling"
    " reserve reservere reservation custom personalised personalized"
    " specialbestilling",
    "xpay": "pay paying payment payments betale betaling betaler mobilepay card cards kort"
    " kortet dankort visa mastercard amex kreditkort creditcard cash kontant kontanter"
    " applepay googlepay contactless kontaktløs faktura invoice ean paypal cashless credit",
    # When it is ready asks something (ASKS); handing it in or picking it up in the
    # shop ("preorder for pickup", "drop my bike off") only says how.
    "xready": "ready klar færdig done",
    "xpickup": "hente henter hentes afhente afhenter afhentning pickup collect collection"
    " aflevere afleverer afleveret indlevere indleverer dropoff",
    "xduration": "turnaround ventetid notice varsel",
    "xwait": "xwait",  # "while I wait" (a phrase): a small job done on the spot
    "xnotify": "sms besked notify notified notification",
    # Diets. Allergies and coeliac disease are the brand's escalate words, not here.
    "xgluten": "gluten glutenfri glutenfrit glutenfrie glutenfree gf hvedefri wheatfree"
    " cøliaki coeliac celiac",
    "xvegan": "vegan vegans vegansk veganske veganer plantbased plantebaseret"
    " plantebaserede dairyfree mælkefri mælkefrit"
    # what vegan leaves out: "is there butter in it" asks whether it is vegan
    " butter smør milk mælk dairy",
    "xsugar": "sukkerfri sukkerfrit sugarfree",
    # Lactose-free is no vegan: lactose-free milk is still milk.
    "xlactose": "laktosefri laktosefrit laktosefrie lactosefree laktose lactose",
    "xhalal": "halal kosher",
    "xorganic": "organic økologisk økologiske øko",
    # Things bakeries and cafés sell.
    "xcake": "cake cakes kage kager lagkage lagkager kringle kransekage kagemand tærte"
    " tærter tart tarts pie pies",
    "xbread": "bread breads loaf loaves rye brød rugbrød rugbrødet surdejsbrød morgenbrød"
    " sourdough surdej franskbrød rundstykker rundstykke",
    "xpastry": "pastry pastries wienerbrød croissant croissants kanelsnegl kanelsnegle"
    " snegl snegle bun buns bolle boller tebirkes spandauer",
    "xoccasion": "birthday fødselsdag wedding bryllup party fest konfirmation barnedåb"
    " christening farewell afsked afskedsreception reception jubilæum anniversary"
    " graduation studenterfest dimission",
    # Bikes, and what workshops do to them.
    "xbike": "bike bikes bicycle bicycles cycle cykel cykler cyklen cyklerne cyklens",
    "xebike": "ebike ebikes elcykel elcykler elcyklen electric elektrisk elektriske pedelec"
    " motor motoren battery batteri batteriet",
    "xcargo": "cargo ladcykel ladcykler ladcyklen christiania bakfiets babboe bullitt longjohn"
    " elladcykel elladcykler",
    "xrent": "rent rents rental rentals renting rented leje lejer lejes udleje udlejer"
    " udlejning hire borrow låne lease leasing",
    "xloanbike": "lånecykel lånecykler erstatningscykel loaner",
    "xrepair": "repair repairs repairing repaired fix fixes fixing fixed reparere"
    " reparerer reparation reparationer fikse fikser fixe ordne ordner replace skifte skifter"
    " skiftet udskifte",
    "xservice": "service services servicing serviced servicere servicerer tuneup eftersyn"
    " serviceeftersyn checkup overhaul justere justering adjust tjek tjekke maintenance"
    " vedligehold vedligeholdelse",
    "xpuncture": "puncture punctures punktering punkteringer lappe lappet flat slange patch"
    " tire tires tyre tyres dæk hul hullet",
    "xnew": "brandnew",  # and "new bike", "nye cykler" (PHRASES); a new tube is a tube
    "xused": "used secondhand preowned brugt brugte refurbished genbrug",
    "xsell": "sell sells selling sale sælge sælger salg buy buys købe køber sold solgt solgte",
    # The ways there, which the address answer names ("a minute from the station").
    "xtransit": "metro metroen station stationen stoget train bus bussen tog toget",
    # Where what they sell comes from (not where the shop is).
    "xsource": "origin oprindelse herkomst supplier suppliers leverandør leverandører",
    # Cards that are not a way to pay.
    "xvoucher": "voucher vouchers gavekort giftcard giftcards klippekort stempelkort"
    " rabatkort medlemskort",
    # Ordering or booking on the web: an answer with a link answers it.
    "xonline": "online nettet website hjemmeside hjemmesiden link linket webshop app apps",
    "xjob": "job jobs hiring vacancy vacancies ansætter ansøgning studiejob praktik"
    " internship lærling",
}

# Topics that are what a question asks, not what it mentions: a comment with one the
# FAQ knows nothing of asks something the FAQ does not answer ("what does a gluten-free
# cake cost?" of a FAQ without prices). Products, places, days and question shapes
# ("how long", "where") only qualify a question and are left out.
ASKS = frozenset(
    [
        "xopen",
        "xaddress",
        "xpark",
        "xdeliver",
        "xprice",
        "xbook",
        "xpay",
        "xgluten",
        "xvegan",
        "xsugar",
        "xlactose",
        "xhalal",
        "xorganic",
        "xrent",
        "xloanbike",
        "xrepair",
        "xservice",
        "xjob",
        "xvoucher",
        "xsource",
        "xready",
        "xamount",
    ]
)

# "How long" is answered only by an entry that names a time: a duration, days ("3
# days ahead"), opening hours ("how long does delivery take?" of "we deliver via
# Wolt" is not). ("When" is also a conjunction: "where do I park when I come".)
ANSWERED_BY = {"xduration": frozenset(["xduration", "xday", "xopen"])}

# Jobs are what is booked, priced or timed: "book a service" asks one thing (booking).
# Any other topic of ASKS that the matched entry lacks and another entry has is a
# second question ("pay with MobilePay when ordering a cake?").
JOBS = frozenset(["xrepair", "xservice"])

# What the brand does for a customer: a statement about one of these ("bestilte en
# lagkage til lørdag", "left my bike with you") may need a person; a remark about
# anything else ("my grandad had this bike") is left alone.
SERVICES = ASKS | frozenset(["xorder", "xpickup", "xnotify", "xduration", "xpuncture", "xused"])

# What is done for a customer in some time (ordering, delivery, a repair, a rental):
# an entry about one answers with the usual lead time, never whether a deadline holds.
LEAD_TIMES = frozenset(
    [
        "xorder",
        "xready",
        "xpickup",
        "xduration",
        "xdeliver",
        "xbook",
        "xrepair",
        "xservice",
        "xrent",
    ]
)

# Topics a question is about but that ask nothing by themselves: "croissants on
# saturday?" asks no FAQ answer's question (more likely it tags a friend). An occasion
# does ask: "birthday cakes?" is about ordering one.
THINGS = frozenset(["xday", "xbread", "xcake", "xpastry", "xbike", "xnear", "xoutside", "xfree"])

# Kinds of a thing or a job: an answer about another kind does not cover one ("how much
# is a used bike?" of a price list without used bikes; "how long does a puncture take?"
# of an answer about services). A question naming one its entry never names escalates.
# Only for an entry about such things (bikes, jobs on them): parking a cargo bike is
# still parking.
KINDS = frozenset(["xnew", "xused", "xpuncture", "xcargo", "xebike", "xloanbike"])
KINDS_OF = KINDS | frozenset(["xbike", "xrepair", "xservice"])

# Diets, and the single products a diet question may be about: "is the croissant
# vegan?" is not answered by "there is always a vegan cinnamon swirl". A diet question
# naming a product its entry's examples and answer do not name escalates.
DIETS = frozenset(["xvegan", "xgluten", "xsugar", "xlactose", "xhalal", "xorganic"])
PRODUCTS = (
    "croissant croissants kanelsnegl kanelsnegle snegl snegle tebirkes spandauer"
    " spandauere wienerbrød kringle kransekage kagemand tærte tærter tart tarts pie pies"
    " muffin muffins cookie cookies småkager brownie brownies scone scones donut donuts"
    " lagkage lagkager rugbrød franskbrød rundstykker rundstykke boller bolle bun buns"
    " surdejsbrød sourdough baguette baguettes flute"
)

# Apps, services and ways to pay a brand may or may not take: "are you on Foodora?" is
# not answered by "we deliver through Wolt", nor "Apple Pay?" by "MobilePay". One the comment names must be named by the
# entry's examples or answer (as written, spaces aside).
PLATFORMS = (
    r"wolt|just ?eat|foodora|uber ?eats?|too ?good ?to ?go|nemlig|airbnb|donkey ?republic"
    r"|swapfiets|bycyklen|facebook|instagram|messenger|whatsapp|tiktok"
    # ways to pay by phone or on credit: "apple pay?" is not answered by "MobilePay"
    r"|apple ?pay|google ?pay|paypal|klarna|vipps|swish"
)

# Cards by name: "cards" covers them all ("Tager I Dankort?" of "we take cards"), but an
# answer that lists some ("Dankort, Visa, Mastercard") does not cover another ("amex?").
CARDS = frozenset(["dankort", "visa", "mastercard", "maestro", "amex", "diners"])

# Short lexicon words that end Danish compounds often enough to split them off
# ("chokoladekage", "timepris"); other tails need five letters and no English plural
# "s", so English words are not taken apart ("facebook", "coffees", "sometimes").
SHORT_TAILS = frozenset(["kage", "pris", "fest", "leje"])

# Words one letter or an ending away from a lexicon word that mean something else.
LOOKALIKES = (
    "smell smells shopping ballpark customer customers customs closet klart ordning"
    " ordninger prise prised prises prising surprise surprised package packages packaged"
    " packaging supplies supplied extensive expansive sommetider maaltider maaltid"
)

PHRASES: list[tuple[str, str]] = [
    # "my gf" is a girlfriend, "any gf loaves" gluten-free.
    (r"(?:my|his|your|our|min|hans|din) (?:gf|bf)", "girlfriend"),
    (r"opening (?:times|hours)|open(?:ing)? times", "xopen"),
    (
        r"gluten (?:free|fri|frit|frie)|(?:uden|without|no|free from|fri for) gluten"
        r"|wheat free|(?:uden|without|no) (?:hvede|wheat)|(?:ikke|not|can not) (?:taale\w*|tolerate\w*|eat|spise|have)"
        r" (?:gluten|hvede|wheat)",
        "xgluten",
    ),
    # Eggs are not here: "without egg" is more often an allergy than a diet.
    (
        r"plant(?:e)? based|plante baseret|dairy free"
        r"|(?:uden|without|no|free from|fri for) (?:(?:aeg|eggs?) (?:og|eller|and|or) )?"
        r"(?:animalske produkter|animal products|maelk|maelkeprodukter|mejeriprodukter|dairy"
        r"|milk|smoer|butter)(?: (?:og|eller|and|or) (?:aeg|eggs?))?",
        "xvegan",
    ),
    (r"sugar free|(?:uden|without|no) (?:sukker|sugar)", "xsugar"),
    (r"lactose free|laktose fri\w*|(?:uden|without|no) (?:laktose|lactose)", "xlactose"),
    (r"apple pay|google pay|mobile pay", "xpay"),
    (
        r"(?:gift|loyalty|punch|stamp|member\w*|discount|rabat) cards?|gift certificates?",
        "xvoucher",
    ),
    (r"loan bike|courtesy bike|replacement bike", "xloanbike"),
    (r"(?:buy|buys|koebe|koeber|take|tager) (?:\w+ )?(?:old|gamle|gammel)", "xsell xused"),
    (r"second hand|pre owned|brugt cykel|til salg|for sale", "xused"),
    # A new bike is a kind of bike (not a used one); a new tube is just a tube.
    (
        r"(?:brand new|new|ny|nye|nyt)(?= (?:\w+ )?(?:bikes?|bicycles?|cykel|cykler|cyklen"
        r"|ebikes?|elcykl\w*|ladcykl\w*|cargo))",
        "xnew",
    ),
    (
        r"tune up|check up|tjek\w*(?= (?:\w+ ){0,3}igennem)|gennemgang|look (?:it |\w+ bike )?over",
        "xservice",
    ),
    (r"flat (?:tire|tyre)s?|inner tube", "xpuncture"),
    (r"urban arrow|long john", "xcargo"),
    (r"(?:moving|move) house", "moving"),
    (r"trade (?:\w+ )?in|indbytte\w*|bytte (?:\w+ ){0,2}(?:ind|til en ny)", "xsell xused"),
    (r"(?:bragt|bringe|bringer|leveret|levere|sendt|sende) hjem", "xdeliver"),
    (r"in front(?: of)?", "xoutside"),
    # A time of day asks when: "kan man købe morgenbrød kl. 6.30?"
    (r"kl \d+(?: \d\d)?|\d+(?: \d\d)? ?(?:am|pm)", "xwhen"),
    (r"stille\w* (?:\w+ )?(?:bil\w*|cykl\w*|ladcykl\w*)|hvor stiller (?:jeg|man|vi)", "xpark"),
    (r"hvad hedder gaden|street name|gadenavn(?:et)?", "xaddress"),
    (r"(?:kan|kunne) (?:i|du|de) naa(?:r)? at", "xduration"),
    (r"(?:med|with) el", "xebike"),
    (r"(?:komme og|kan man|kan jeg|kan vi) handle", "xopen"),
    # Phrases that span a thing keep it ("get a vegan cake made", "lejer tandemcykler
    # ud"): the matcher must see what is asked about, so they look ahead past it.
    (r"(?:get|have|order)(?= (?:\w+ ){0,3}made)", "xorder"),
    (r"slaa\w* (?:\w+ )?doer\w* op|(?:open|opens) (?:the|your|their) doors", "xopen"),
    (r"koer\w*(?= (?:\w+ ){0,2}ud)", "xdeliver"),
    (r"moed\w* op", "xdropin"),
    # How long one wants it, not when one comes: "rent a bike for a few hours".
    (
        r"for (?:a few|a couple of|some|two|three|\d+) (?:hours|days)|(?:i )?(?:et par|nogle|\d+) (?:timer|dage)",
        "xday",
    ),
    (r"cinnamon (?:rolls?|swirls?|buns?)", "xpastry"),
    (r"ledige? tid(?:er)?|free slots?|(?:any|a) slot", "xbook"),
    (r"med posten|by (?:post|mail)|mail order", "xdeliver"),
    (r"how to get (?:there|to you)", "xaddress"),
    (r"in advance|i forvejen|paa forhaand|ahead of time", "ahead"),
    (r"drop (?:\w+ )?off (?:at|to) (?:my|our|the)", "xdeliver"),
    # Fetched from the customer is a delivery service, not a pick-up in the shop.
    (
        r"(?:pick|collect) (?:\w+ ){0,2}up (?:from|at) (?:my|our|the)"
        r"|(?:pick|collect) (?:\w+ ){0,3}from (?:my|our)"
        r"|hent\w* (?:\w+ ){0,2}(?:hos|hjemme hos) (?:mig|os)",
        "xdeliver",
    ),
    (r"drop (?:\w+ ){0,2}off|leave (?:my|the) bike", "xpickup"),
    (r"wait(?:ing)? times?|(?:is|are) the wait|ventetiden?", "xduration"),
    (r"for a fee|mod betaling|against payment", "xprice"),
    (r"(?:call|ring|ringe|phone) (?:\w+ )?(?:ahead|first|i forvejen|foerst|forud)", "xbook"),
    (r"rent (?:out|ud)|hire (?:a|an|one|two|some|out)", "xrent"),
    (
        r"(?:are|is) (?:you|u|anyone) hiring|looking for (?:staff|people|help)"
        r"|soeger (?:i|de) (?:folk|personale|medarbejdere)|arbejde (?:hos|for) (?:jer|you)",
        "xjob",
    ),
    (
        r"bike racks?|cykel parkering|holde\w* (?:ind|med bil\w*|(?:\w+ ){0,2}bil\w*)"
        r"|(?:leave|put|lock) (?:my|the|our|a) (?:car|bike|cargo bike)|laase (?:min )?cykl\w*"
        r"|parking (?:spot|space|lot|garage|place)s?|car park|plads til (?:cykl\w*|bil\w*)"
        r"|holde\w* (?:paa gaden|udenfor|foran)"
        r"|p (?:plads|pladser|skive)"
        r"|come by car|kommer i bil|komme i bil",
        "xpark",
    ),
    # An electric bike or a cargo bike is that kind of bike, not also just a bike.
    (
        r"e bikes?|el cykl\w*|el cykel|electric (?:bikes?|cycles?|bicycles?)|elektriske? cykl\w*",
        "xebike",
    ),
    (r"(?:cargo|christiania|box) (?:bikes?|cycles?)", "xcargo"),
    (
        r"walk ins?|drop by|drop in|show up|turn up|rock up|pop (?:in|by)|swing by|stop by"
        r"|just (?:come|pop|walk|turn|show) (?:in|by|up|over)|bare komme? ind|ind fra gaden"
        r"|(?:bare|just) (?:komme|come)"
        r"|come by|kom\w* (?:bare |lige )?forbi|kig\w* (?:bare |lige )?forbi|dukke\w* op"
        r"|droppe\w* forbi|(?:uden|without) (?:an? )?(?:tid|aftale|booking|appointment)"
        r"|uden at (?:have )?(?:book\w*|bestil\w*)",
        "xdropin",
    ),
    (
        r"(?:bestil\w*|book\w*|reserve\w*) (?:(?:jeg|man|vi|du) )?(?:en )?tid"
        r"|(?:faa\w*|have|ha) (?:(?:jeg|man|vi|du) )?(?:en )?tid|(?:get|make) an appointment",
        "xbooktime",
    ),
    (r"close (?:by|to)|taet (?:paa|ved)|i naerheden|nearby|near (?:by|to|you|the)", "xnear"),
    (
        r"br(?:ing|inge|inger|inges|agt)(?= (?:\w+ ){0,2}ud)"
        r"|(?:send|sende|sender|sent|sendt|ship|ships|shipped)(?= (?:\w+ )?(?:home|hjem|to me|to my|to your))"
        r"|home delivery|just eat|to (?:my|the|your) door|til (?:doeren|min doer)"
        r"|hjem til (?:mig|os)|(?:can|could|will|do) (?:you|u) bring|(?:kan|vil) i bringe",
        "xdeliver",
    ),
    (
        r"find\w* (?:(?:jeg|man|vi|du) )?(?:jer|dig)|find (?:you|your (?:shop|store|place))"
        r"|(?:which|what) street|hvilken (?:gade|vej)|google maps|apple maps"
        r"|how (?:do|can) (?:i|we) get (?:to you|there)|hvordan kommer (?:jeg|man|vi) (?:til jer|derhen)",
        "xaddress",
    ),
    (
        r"(?:text|call|ring) (?:me|you|us|til mig)|give\w* (?:\w+ )?besked|let (?:me|you) know when",
        "xnotify",
    ),
    (r"hvor meget (?:koster|er|skal|tager)|hvad skal (?:i|de|man) (?:have|ha) for", "xprice"),
    (r"how much (?:notice|time|in advance|ahead)|same ?day|samme ?dag", "xduration"),
    # Done on the spot: a small job, not a turnaround.
    (r"while (?:i|you|we|u) wait|mens (?:jeg|man|du|vi|i) venter", "xwait"),
    (
        r"get (?:it|them|\w+ bike) back|faa\w* (?:den|det|dem|cyklen) (?:igen|tilbage)",
        "xready",
    ),
    # When one can fetch it asks when it is ready: "when can I pick it up?"
    (
        r"(?:when|hvornaar) (?:can|could|will|kan|skal) (?:i|we|jeg|vi|man)"
        r" (?:pick|collect|get|hente|afhente)\w*",
        "xwhen xready",
    ),
    (r"pick (?:\w+ )?up", "xpickup"),
    (r"work on|arbejde\w* paa|sort (?:\w+ )?out|(?:have|take) a look at", "xrepair"),
    # A cake with a name on it is made to order.
    (
        r"(?:names?|text|message|photo|picture|logo|navn|tekst|billede|foto) (?:on|paa)"
        r" (?:it|them|the cake|kagen|den)|med (?:navn|tekst|billede|foto|logo)",
        "xorder",
    ),
    # Where the flour comes from is not where the shop is.
    (
        r"where (?:do|does|did) (?:you|u|they|it|the \w+|your \w+) (?:get|buy|source|come)"
        r"|hvor (?:faar|koeber|kommer) (?:i|de|det|jeres \w+) (?:\w+ )?fra",
        "xsource",
    ),
]
