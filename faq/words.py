"""Word classes, English and Danish, in folded spelling (æ→ae, ø→oe, å→aa): chat
spellings, day names, filler, and the words that say who asks or when rather than
what about.

Small on purpose and closed: what a question is about comes from the topic lexicon
(faq.lexicon) and the brand's own FAQ; how it is asked from faq.asking; what else a
comment says (a complaint, praise, spam, a date) from faq.remarks.
"""

from __future__ import annotations

# Chat spellings → the word (applied per token before anything else).
CHAT = {
    "u": "you",
    "ya": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2day": "today",
    "wat": "what",
    "wen": "when",
    "wheres": "where is",
    "whats": "what is",
    "thats": "that is",
    "hows": "how is",
    "whens": "when is",
    "im": "i am",
    "id": "i would",
    "ive": "i have",
    "youre": "you are",
    "dont": "do not",
    "cant": "can not",
    "doesnt": "does not",
    "didnt": "did not",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "thx": "thanks",
    "ty": "thanks",
    "idag": "i dag",
    "imorgen": "i morgen",
    "aaben": "aaben",
    "mobilpay": "mobilepay",
    "hvornaar": "hvornaar",
    "hvorn": "hvornaar",
    "bday": "birthday",
    "yall": "you all",
    "rn": "right now",
    "hrs": "hours",
    "hr": "hour",
    "ha": "have",
    "ebike": "ebikes",
    "ebikes": "ebikes",
    "elcykel": "elcykler",
    # abbreviations of chat and of Danish forms
    "appt": "appointment",
    "appts": "appointments",
    "tlf": "telefon",
    "nr": "nummer",
    "tlfnr": "telefonnummer",
}
# Contractions as chat writes them, without the apostrophe (the folding drops it too:
# "they're" → "theyre"), and chat abbreviations: a closed class of the language, so
# none is taken for a thing the question names. Not "were", "well", "ill", "hell",
# "shell", "its": those are words of their own.
CHAT.update(
    (word, spelt)
    for word, _, spelt in (
        pair.partition(":")
        for pair in (
            # English
            "theyre:they are|youve:you have|weve:we have|theyve:they have|youll:you will"
            "|theyll:they will|itll:it will|thatll:that will|shes:she is|whos:who is"
            "|theres:there is|heres:here is|whatre:what are|wouldnt:would not"
            "|couldnt:could not|shouldnt:should not|wasnt:was not|werent:were not"
            "|havent:have not|hasnt:has not|hadnt:had not|aint:is not|mustnt:must not"
            "|ppl:people|q:question|qs:questions|bc:because|cuz:because|coz:because|w:with"
            "|b4:before|abt:about|smth:something|sth:something|tho:though|idk:i do not know"
            "|ofc:of course|pic:picture|pics:pictures|asap:as soon as possible"
            # Danish: "hva'", "ka'", "sku'", "ik'" and the common abbreviations
            "|hva:hvad|ka:kan|sku:skulle|ku:kunne|ik:ikke|iaften:i aften|mvh:med venlig hilsen"
            "|pga:paa grund af|ift:i forhold til|mht:med hensyn til|dvs:det vil sige|osv:og saa videre"
        ).split("|")
    )
)


DAYS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mondays",
        "tuesdays",
        "wednesdays",
        "thursdays",
        "fridays",
        "saturdays",
        "sundays",
        "weekend",
        "weekends",
        "weekday",
        "weekdays",
        "mandag",
        "tirsdag",
        "onsdag",
        "torsdag",
        "fredag",
        "loerdag",
        "soendag",
        "mandagen",
        "tirsdagen",
        "onsdagen",
        "torsdagen",
        "fredagen",
        "loerdagen",
        "soendagen",
        "loerdage",
        "soendage",
        "hverdag",
        "hverdage",
        "hverdagene",
        "weekenden",
        # parts of the day: like a day, the when of a visit, not its topic
        "morning",
        "mornings",
        "afternoon",
        "evening",
        "evenings",
        "night",
        "lunch",
        "morgenen",
        "morges",
        "formiddag",
        "formiddagen",
        "eftermiddag",
        "eftermiddagen",
        "aften",
        "aftenen",
        "frokost",
        "breakfast",
        "brunch",
        "morgenmad",
        "morgen",
        "day",
        "days",
        "dag",
        "dage",
        "dagen",
    ]
)

STOP = frozenset(
    # English
    "a an the and or but so to of in on at for by with from about into up out off over"
    " is are was were be been being am do does did have has had having can could will"
    " would shall should may might must need get got go going come coming"
    " i me my mine we us our you your yours he she it its they them their this that these those"
    " there here what which who whom whose how why if then than also too very just really"
    " any anything some something anyone somebody all every each no not"
    " please hi hey hello guys folks team pls thanks thank ok okay yes yeah yep"
    " usually normally still already yet again ever even only much many more most"
    " one ones thing things stuff kind sort like lol haha hmm um oh wow"
    " shop store place bakery workshop business options option choices muligheder"
    # how or what kind, never what: "payment methods", "any way to", "den slags"
    " way ways method methods type types sorts kinds variety slags maade maader typer"
    # Danish
    " en et den det de der dem dens dets jeg mig min mit mine du dig din dit dine han hun"
    " vi os vores i jer jeres man sig sin sit sine og eller men saa at af til fra med"
    " paa om for hos ved efter under over ind ud op ned her hvad hvem hvilken hvilke"
    " hvordan er var vaere vaeret har havde have kan kunne skal skulle vil ville maa"
    " faa fik faar goer gjorde ogsaa bare lige noget nogen nogle alle alt ingen ikke"
    " nu da hvis som selv mere meget mange hej tak tusind"
    " butik butikken bageri bageriet vaerksted vaerkstedet stedet jo nok vel mon"
    " hvorfor naar henne igennem"
    # greetings (GREETINGS): "heyy what time do u open"
    " yo hii heyy hejj hejsa hallo halloj goddag dav heya hiya".split()
)

# Words that say who asks, when or how politely, never what about: "my mum", "next
# week", "first time here", "is it possible to". Dropped like filler, where an unknown
# word would otherwise count against every FAQ entry.
INCIDENTAL = frozenset(
    # English
    "mom mum mother dad father parents son daughter wife husband girlfriend boyfriend"
    " partner sister brother friend friends colleague colleagues coworker coworkers boss"
    " family grandma granny grandpa guests visitors tourists yall"
    " lol ofc btw tbh omg ish actually maybe possibly probably possible exactly easy"
    " quick question curious hoping visiting visit next last week weeks month months year"
    " years old first time see look find know tell want wants wanna gonna grab eat take"
    " takes taking accept accepts around somewhere right"
    " after before during until till since via through thru stock available availability"
    " cheap cheaper now currently moving move trip commute school uni university"
    " office offices road mountain kids friendly home counter intolerant intolerance"
    " sensitive area neighbourhood brand model student students hard difficult mins"
    " minutes kr dkk"
    # how, how much and why one asks, never what: "any chance", "roughly", "student budget",
    # "open late", "a new tube", "for 20 people", "regular bikes", "my gf went vegan"
    " chance roughly ballpark basic budget late early new regular normal ordinary people"
    " per moment went without looking treats goodies snacks enough exact big small little"
    " large only town house whole entire best good work break planning plan plans"
    " alternative alternatives menu apartment street full complete"
    # Danish
    " mor mors far fars forældre søn søns datter datters kone kæreste veninde ven venner"
    " kollega kollegaer kolleger familie gæster turister bedstemor mormor farmor"
    " måske evt egentlig præcis præcist nemt nem muligt spørgsmål gerne næste uge ugen"
    " måned år års cirka ca omkring første gang se kigge finde vide fortælle tage tager"
    " modtager komme kommer kom klare klarer klaret trænger brug behøver korte kortere gamle"
    " gammel"
    " efter inden før indtil siden gennem kl klokken først lager tilgængelig billig billigt hjem"
    " billige nu flytning flytte flytter tur udflugt skole studie kontor kontoret disk disken"
    " intolerant intolerans sensitiv svært område området kvarteret mærke mærket model"
    " studerende hver hvert imod minutter kroner"
    # the same in Danish; "laver/lavet" (make, made) ask what "har I" asks
    " bedst ny nye nyt almindelig almindelige normal normale personer øjeblik svigermor svigerfar"
    " svigerforældre spise spiser spist byen hele helt kun arbejde pause planlægger børn børnene"
    " alternativ alternativer menu menuen lejlighed lejligheden gade fuld fuldt komplet"
    " stor store lille små tidlig tidligt sent mens"
    # family and the people around the asker: "my cousins are visiting", "min moster"
    " cousin cousins aunt auntie uncle niece nephew grandson granddaughter grandchild"
    " grandchildren grandkids grandparents grandmother grandfather grandad granddad nan"
    " nana stepmom stepmum stepdad baby babies newborn toddler toddlers teen teens"
    " teenager teenagers roommate roommates flatmate flatmates housemate housemates"
    " neighbour neighbor neighbours neighbors mate mates classmate classmates bestie"
    " fiance fiancee spouse hubby fætter fætre kusine kusiner tante onkel moster faster"
    " morbror farbror nevø niece barnebarn børnebørn bedstefar morfar farfar"
    " bedsteforældre nyfødt nabo naboen naboer kammerat kammerater klassekammerat"
    " svoger svigerinde"
    # adverbs of place and time: "anywhere to park", "derude", "igen"
    " anywhere everywhere nowhere elsewhere anyway anyhow sometimes always often soon"
    " later lately recently together alone instead otherwise else though abroad indoors"
    " derude derud derhen derind derinde herude herud herhen herinde herind hjemme ude"
    " inde oppe nede ovre omme fremme igen snart senere sjældent alligevel ellers heller"
    " sammen alene hvorhen hvorfra"
    # spans of time one asks in, not about: "this semester", "hele vinteren"
    " semester semesters term terms season seasons summer winter spring autumn"
    " sæson sæsonen sommer sommeren vinter vinteren forår foråret efterår efteråret"
    # kinds of bike: a racercykel, a damecykel is still a bike
    " dame herre boerne barne pige drenge racer city road".replace("æ", "ae")
    .replace("ø", "oe")
    .replace("å", "aa")
    .split()
)

# Verbs that say what one wants done, not to what: never a thing the answer must name.
# Not filler, since they still tell entries apart ("kan I lave ladcykler?": repair).
# The rest are common enough for faq.freq to pass; these inflections are not, and
# "ahead" is the token of a phrase (faq.lexicon: "på forhånd", "in advance").
GENERAL = frozenset("lavede bringe bringer ahead".split())

# Children, as a kind of thing ("kids' bikes", "børnecykler", "a children's cake"): an
# answer about the thing does not cover the children's kind. After a possessive they
# are people ("my kid's bike"), filler like any family word.
CHILDREN = frozenset(
    "kid kids kiddie kiddies child childs children childrens toddler toddlers baby babies"
    " junior boerne boerns barne".split()
)
POSSESSIVES = frozenset(
    "my your our his her their min mit mine din dit dine vores jeres hans hendes deres".split()
)

# A common word after one of these is a thing all the same (a door, my dog, the race).
DETERMINERS = frozenset(
    "a an the my your our his her their this that these those some"
    " en et den det de min mit mine din dit dine vores jeres sin sit sine".split()
)
