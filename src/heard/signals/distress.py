"""Crisis, self-harm and safety signals in customer messages; recall comes first.

``detect_distress`` reads each message with a curated lexicon of first-person
crisis language written for heard (suicidal ideation, self-harm, hopelessness,
threats to others, abuse or violence, medical emergencies). Everyday violent
idioms ("I could kill for a coffee", "this update is killing me", "dying to try
it") are masked out before the crisis patterns run, and explicit denials
("I'm not suicidal") are masked too.

Each matched pattern carries a weight; weights combine as a noisy-OR into
``probability``. Strong patterns flag on their own; weak ones ("I can't do this
anymore") flag only together with another cue or with high fear / sadness /
grief / nervousness from the optional ``emotions`` mapping (for example the
output of heard's emotion model). Emotions never flag a message on their own:
sadness is not a crisis.

**Flagged messages always go to a trained specialist at once and are never
dismissed automatically.** This is a triage aid that decides who looks first;
it is not a diagnosis or a risk assessment, and a message it does not flag can
still be a crisis (coded language, sarcasm read wrongly, languages other than
English). See docs/models/distress.md for data, measured recall and limits.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from heard.signals.prefilter import Prefilter
from heard.signals.textnorm import collapse_whitespace

__all__ = [
    "FLAG_THRESHOLD",
    "SIGNALS",
    "DistressResult",
    "detect_distress",
    "detect_one",
    "why_flagged",
]

SIGNALS = (
    "suicidal_ideation",
    "self_harm",
    "hopelessness",
    "threat_to_others",
    "abuse_or_violence",
    "medical_emergency",
)
FLAG_THRESHOLD = 0.5
# The signal reported when only a learned model (the recall net or the distress head over the
# emotion model's sentence vector) says yes and no cue family names the kind of crisis.
LEARNED = "learned"
# What a specialist reads next to the flag: the kind of crisis, or that only a model saw it.
SIGNAL_LABELS = {
    "suicidal_ideation": "suicidal thoughts",
    "self_harm": "self-harm",
    "hopelessness": "hopelessness",
    "threat_to_others": "threat to others",
    "abuse_or_violence": "abuse or violence",
    "medical_emergency": "medical emergency",
    LEARNED: "model reading (no keyword names the kind)",
}
# Confidence of a "no" when nothing matched and no idiom or denial was masked.
_CLEAR_CONFIDENCE = 0.8
# Emotions (from heard's emotion model) that make an ambiguous cue more likely
# to be a real crisis.
DISTRESS_EMOTIONS = ("fear", "sadness", "grief", "nervousness")

STRONG, MEDIUM, WEAK = 0.9, 0.6, 0.3


@dataclass(frozen=True)
class DistressResult:
    """Distress reading of one message.

    ``flag`` means: route to a specialist now. ``signals`` names the kinds of
    crisis language found. ``confidence`` says how sure the lexicon is of its
    own decision (lower when idioms or denials were masked, or when a weak cue
    sits near the threshold); it is a heuristic, not a calibrated probability.
    """

    probability: float
    flag: bool
    signals: list[str]
    confidence: float


# --- normalisation ---------------------------------------------------------

_SLANG = {
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "im": "i'm",
    "ive": "i've",
    "dont": "don't",
    "cant": "can't",
    "wont": "won't",
    "isnt": "isn't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "rn": "right now",
}
_SLANG_RE = re.compile(r"\b(" + "|".join(_SLANG) + r")\b")


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = _SLANG_RE.sub(lambda m: _SLANG[m.group(1)], text)
    return collapse_whitespace(text)


# --- masks: idioms and denials ---------------------------------------------

# Everyday hyperbole. Masked spans are blanked so crisis patterns cannot match
# inside them; the count lowers confidence because these are the hard cases.
_IDIOMS = re.compile(
    r"\b(?:could|would|'d) (?:kill|murder|die) for\b"
    r"|\bkill(?:ing)? for an?\b"
    r"|\bkills (?:me|us)\b|\byou(?:'re| are) killing (?:me|us)\b"
    r"|\b(?:is|are|was|'s|'re|it) (?:slowly )?killing (?:me|us|my|it)\b"
    r"|\b(?:killing|kills|killed) it\b"
    r"|\bkill me now\b"
    r"|\bkill two birds\b"
    r"|\b(?:dying|died|die) (?:to|of (?:curiosity|laughter|boredom|embarrassment)|laughing)\b"
    r"|\b(?:almost|nearly) died (?:laughing|of)\b"
    r"|\bi (?:almost|nearly) died\b(?=.{0,20}\b(?:laugh|lol|funny|hilarious))"
    r"|\b(?:i'm|i am) (?:literally |actually )?dead\b(?! serious)(?=\s*(?:[,.!]|lol|lmao|$))"
    r"|\bdead (?:serious|tired|on arrival|link|pixel|battery|zone|end)\b"
    r"|\b(?:phone|battery|laptop|router|screen|car|plants?|app|tv|modem|patience|signal|tablet)"
    r" (?:has |just |is |keeps )?(?:died|dead|dying)\b"
    r"|\bdeath of me\b|\bdrop[- ]dead\b|\bscared to death\b|\bbored to death\b"
    r"|\b(?:murder|kill|destroy) (?:this|a|that) (?:pizza|burger|coffee|meal|sandwich|beer)\b"
    r"|\b(?:murder|killer|killing) (?:on|feature|deal|app|price|combo)\b"
    r"|\bis (?:a )?(?:real )?killer\b|\ba killer\b|\bkiller for\b"
    r"|\b(?:almost|nearly|about to|gave me|give me|going to give me|'ll give me) "
    r"(?:have |had )?a heart attack\b"
    r"|\bheart attack when\b"
    r"|\bbeat me to it\b|\bhit (?:me|you|us) up\b|\bshoot (?:me|us) (?:a|an)\b"
    r"|\bshot to pieces\b|\bblow up (?:your|my|the) (?:inbox|phone|dms?|mentions|notifications)\b"
    r"|\bhit (?:me|us) hard\b|\bhit (?:me|us) with\b"
    r"|\bchoking on (?:this|these|the|that|your)\b"
    r"|\bsuicide (?:squad|doors|mission|prevention (?:charity|month|week|day|line))\b"
    r"|\bwant to die (?:lol|lmao|haha)\b|\bblood boil\w*"
    r"|\b(?:fainted|passed out|collapsed) (?:from|at|when i saw) (?:shock|the (?:price|bill))\b"
    r"|\bmurder (?:anyone|whoever) who (?:spoils|talks|touches my)\b"
    r"|\b(?:bleeding|bleeds) (?:money|cash|battery|data|customers)\b"
    r"|\bis bleeding (?:battery|money|me dry)\b"
    r"|\b(?:it |that |this |fee |price |bill )?(?:really )?hurts (?:my feelings|to see|to read)\b"
    r"|\bhurt my (?:back|feelings|eyes)\b"
    r"|\bhurt (?:the |your |my |his |her |their )?(?:\w+(?:'s)? )?feelings\b"
    r"|\b(?:that|it|this|which)(?:'ll| will) kill you\b"
    r"|\bstrangle (?:whoever|the (?:person|guy|idiot) who) (?:designed|made|wrote|came up|built)"
    r"|\b(?:cat|dog|kitten|puppy|bird|parrot|hamster) (?:just )?(?:attacked|bit|scratched) me\b"
    r"|\bcan't breathe (?:lol|lmao|haha|from laughing)\b"
    r"|\bstroke of (?:luck|genius)\b"
    r"|\b(?:i'd|i would) rather (?:die|be dead) than "
    r"(?:use|wait|go back|call|deal with (?:you|your))\b"
)
# Explicit denials. Masked so "I'm not suicidal, just angry" stays unflagged.
_DENIALS = re.compile(
    r"\b(?:i'm|i am) not (?:suicidal|going to (?:hurt|kill) myself)\b"
    r"|\bi (?:would|will) never (?:hurt|kill|harm) myself\b"
    r"|\b(?:don't|do not|doesn't|never) (?:want|wanna|wants) (?:to )?die\b"
    r"|\b(?:no|not having any) (?:thoughts of|intention of|plans? to) "
    r"(?:suicide|hurting myself|killing myself)\b"
)


def _mask(text: str, pattern: re.Pattern[str]) -> tuple[str, int]:
    count = 0

    def blank(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return " " * len(m.group())

    return pattern.sub(blank, text), count


# --- crisis lexicon --------------------------------------------------------

_PERSON = (
    r"(?:him|her|them|you|y'all|you all|someone|somebody|anyone|anybody|everyone|everybody"
    r"|people|whoever|(?:the|that|your|this|those|these|my|his|her|their) (?:\w+ )?"
    r"(?:manager|agent|driver|technician|tech|guy|man|woman|staff|employees?|ceo|boss|landlord"
    r"|neighbou?r|courier|rep|person|people|lady|idiot|workers?|owner|cashier|clerk|officer"
    r"|agents|managers|drivers|reps|technicians|brother|sister|dad|mum|mom"
    r"|kids|children|wife|husband|ex|partner|family|team|bastard))\b"
)
_ABUSER = (
    r"(?:he|she|they|my (?:\w+ )?(?:husband|wife|partner|boyfriend|girlfriend|bf|gf|ex|dad|father"
    r"|mum|mom|mother|stepfather|stepdad|stepmother|stepmum|stepmom|brother|sister|son|daughter"
    r"|carer|caretaker|landlord|boss|uncle|aunt|mum's boyfriend|mom's boyfriend)|the (?:carer"
    r"|caretaker|caregiver|nurse|driver|technician))"
)
_HURT_VERBS = (
    r"(?:hits|hit|hitting|beats|beat|beating|punche[sd]|punch|punching|hurting|abusing|choking"
    r"|attacking|threatening|slap(?:s|ped)?|kick(?:s|ed)?|chok(?:es|ed)"
    r"|strangle[sd]?|push(?:es|ed)|shove[sd]?|abuse[sd]?|raped?|assault(?:s|ed)|attack(?:s|ed)"
    r"|hurts|burn(?:s|ed)|threaten(?:s|ed)|stab(?:s|bed))"
)
_PILLS = (
    r"(?:pills?|tablets?|meds|medication|medicine|paracetamol|tylenol|ibuprofen|aspirin|insulin"
    r"|sleeping (?:pills|tablets)|antidepressants|painkillers|xanax|opioids)"
)
_SELF = (
    r"(?:my ?self|(?:my|his|her|their) (?:own )?life(?! savings| insurance)|himself|herself"
    r"|themselves|themself)"
)

_Rule = tuple[str, float, re.Pattern[str]]


def _rules(signal: str, weight: float, *patterns: str) -> list[_Rule]:
    return [(signal, weight, re.compile(p)) for p in patterns]


_LEXICON: list[_Rule] = [
    *_rules(
        "suicidal_ideation",
        STRONG,
        rf"\b(?:kill|killing) {_SELF}\b",
        r"\b(?:end|ending|take|taking|took) (?:my|his|her|their) (?:own )?life\b"
        r"(?! savings| insurance)",
        r"\b(?:i'm|i am) ending (?:it|things)\b|\bready to end (?:it|things|my life)\b",
        r"\b(?:this is )?my goodbye\b|\bi'm done\.? goodbye\b|\b(?:a|the) noose\b",
        r"\bfeel like (?:dying|ending it|ending my life)\b|\bexcept (?:dying|death|suicide)\b",
        r"\b(?:live or die|dead or alive)\b|\bdanger to my ?self\b",
        r"\b(?:drinking|alcohol|booze) and (?:taking )?(?:pills|tablets)\b",
        r"\b(?:going to|gonna|will|want to|wanna|i'll|might|about to|just|i) kms\b",
        r"\bsuicid(?:e|al)\b",
        r"\b(?:want|wanted|wanting|i'm going|i am going|plan|planning|ready|decided|deserve)"
        r" (?:to )?"
        r"(?:just )?(?:die|be dead)\b",
        r"\b(?:want|wish) i (?:was|were) dead\b",
        r"\blet me die\b",
        r"\b(?:don't|do not) (?:think i |really |even )?want to (?:live|be alive|exist|be here"
        r"|wake up|go on)\b",
        r"\b(?:want|wanted|need) to stop living\b|\bfighting to stay alive\b",
        r"\b(?:written|wrote|writing|left) (?:\w+ )?(?:letters|notes?) (?:to|for) (?:everyone|all"
        r"|my (?:family|kids|children|wife|husband|partner|parents|mum|mom|dad))\b",
        r"\btell my (?:\w+ ){0,2}(?:i'm|i am) sorry\b",
        r"\b(?:tired|sick) of (?:living|being alive|life)\b",
        r"\b(?:nothing|no(?:thing)? (?:reason|one)) (?:left )?to live for\b",
        r"\blife (?:isn't|is not|is no longer|isn't even|not) worth\b",
        r"\bnot worth living\b",
        r"\b(?:better|happier) (?:off )?(?:dead|without me"
        r"|if i (?:was|were|wasn't) (?:dead|gone|here|around))\b",
        r"\b(?:world|everyone|everybody|they|family) (?:would|will|'d) be better (?:off )?"
        r"(?:without me|if i)\b",
        r"\b(?:nobody|no one|noone) (?:would|will) (?:even )?(?:miss|care|notice)\b.{0,30}"
        r"\b(?:gone|dead|died|die)\b",
        r"\bend(?:ing)? (?:it all|things tonight|it tonight|it today|it now|it after|it soon)\b",
        r"\b(?:thinking about|think about|considering|thought about) end(?:ing)? it\b",
        r"\b(?:going to|will|'ll|gonna) end (?:it|things)\b",
        r"\b(?:wish i could|want to) (?:go to sleep|sleep) and (?:never|not) wake up\b",
        r"\bnever wake up\b",
        r"\b(?:suicide|goodbye) (?:note|letter)\b|\bsaid my goodbyes\b",
        r"\b(?:won't|will not|wont) be (?:alive|around|here)\b(?! forever| for long| when| at)",
        r"\bnot (?:going to be|be) (?:around|here) (?:much longer|for long|anymore)\b",
        r"\bi (?:just |really )?(?:want|wish|need) to (?:disappear|stop existing|not exist)\b",
        r"\bdon't want to exist\b",
        r"\bdisappear (?:forever|for good|and never come back)\b",
        r"\b(?:going to|gonna|will|want to|'ll|about to|thinking (?:of|about)|i) jump(?:ing)?"
        r" (?:off|from|in front of)\b",
        r"\bjump(?:ing)? in front of (?:a|the) (?:train|bus|car|truck|lorry)\b",
        r"\bhang(?:ing)? (?:my ?self|him ?self|her ?self)\b",
        r"\b(?:the|a) (?:rope|noose) (?:ready|is ready)\b|\bhave the rope\b",
        r"\b(?:slit|cut|slash|slice) (?:my|his|her) (?:wrists?|throat)\b",
        r"\bdrive (?:my car |the car )?(?:into|off) (?:a|the) (?:wall|tree|bridge|cliff)\b",
        r"\b(?:i'm|i am) (?:standing )?on (?:the|a) (?:roof|ledge|bridge|edge)\b",
        r"\bthoughts of (?:suicide|killing|ending|dying|death|not being here)\b",
        r"\b(?:do it|going through with it)\b.{0,30}\b(?:pills|rope|tonight)\b",
        r"\benough to kill me\b",
        r"\b(?:i'd|i would) rather be dead\b",
        r"\b(?:think|thinking|thought) about (?:not waking up|dying|death|not being here|being dead"
        r"|not being alive)\b",
        r"\b(?:no|don't see any|can't see any|can't find any|not any) (?:real )?reason (?:for me )?"
        r"to (?:live|go on|keep living|keep going|be alive)\b",
        r"\bwants? to die\b",
        r"\b(?:don't|do not|stopped|stop) car(?:e|ing) (?:if|whether) i (?:live|die|wake up)\b",
        r"\b(?:going to|gonna|about to|planning to|threatening to|wants to) jump\b"
        r"(?! (?:on|in|into|the queue|ship|sides|through|to|at|back)\b)",
        r"\b(?:i'll|i will|i'm going to) be gone (?:soon|by|tomorrow|tonight|before)\b",
        r"\bthis is (?:the end|goodbye) for me\b|\bmy last message\b|\blast message to\b",
        r"\b(?:don't|do not) think i'll (?:survive|make it through) the night\b",
        r"\bsleep for good\b|\bwill and said\b",
    ),
    *_rules(
        "self_harm",
        STRONG,
        r"\b(?:hurt|hurting|harm|harmed|harming|cut|cutting|burn|burned|burnt|burning|starve"
        r"|starved|starving|punish|punished|punishing) my ?self\b",
        r"\bself[- ]?harm(?:ing)?\b",
        r"\b(?:been|keep|kept|started|start) cutting\b|\bcut(?:ting)? (?:my (?:arms?|legs?|wrists?)"
        r"|again)\b",
        r"\b(?:hurt|hurting) my ?self (?:badly|again|on purpose)\b",
        r"\bon purpose\b.{0,20}\b(?:hurt|cut|burn)",
        r"\bnot safe (?:alone|with my ?self|around my ?self)\b|\bdon't feel safe with my ?self\b",
        r"\b(?:afraid|scared) of what i(?: might| will| could|'ll| 'll) do\b",
        r"\bcut (?:so |too |really |very )?deep\b",
        rf"\b(?:took|taken|take|taking|swallowed|swallow|ate|mixed) (?:all|every|a handful of"
        rf"|handfuls of|a (?:whole )?bottle of|too many|loads of|lots of|\d+) (?:of )?"
        rf"(?:my |the |her |his |my mum's |my mom's )?{_PILLS}",
        rf"\b{_PILLS} and (?:alcohol|vodka|wine|booze)\b",
        r"\boverdos(?:e|ed|es|ing)\b",
        r"\b(?:everything|every pill|all the pills|all the tablets) in (?:the|my) "
        r"(?:medicine )?(?:cabinet|cupboard|drawer)\b",
        rf"\bstockpil(?:e|ing) (?:my )?{_PILLS}\b",
        rf"\b(?:a bottle of |\d+ (?:of )?(?:my |her |his |my mum's )?){_PILLS} in front of me\b",
        r"\bwanted to feel something\b",
    ),
    *_rules(
        "hopelessness",
        STRONG,
        r"\bno point (?:in )?(?:going on|living|carrying on|being alive|in living|to life)\b",
        r"\bno (?:reason|will) (?:for me )?to (?:live|go on|keep living|keep going)\b",
        r"\blost (?:the|all|my) will to live\b",
        r"\b(?:no|there's no|there is no) hope left for me\b",
        r"\b(?:giving|given|give) up on (?:life|living)\b",
        r"\b(?:i'm|i am) (?:so |just |really )?done with (?:life|living|everything)\b",
        r"\bwhat's the point (?:of|in) (?:living|life|being alive|going on)\b",
        r"\bcan't go on(?: like this| living| anymore)\b",
        r"\b(?:can't|cannot) see (?:any )?(?:way out|a way out)\b",
        r"\bthe only way out\b",
        r"\bno hope (?:for me|left)\b|\blife (?:has no|is without) meaning\b",
        r"\bdon't trust my ?self\b",
        r"\bto (?:be over|stop|end) (?:for good|permanently|forever)\b",
    ),
    *_rules(
        "hopelessness",
        WEAK,
        r"\bcan't (?:do|take) (?:this|it) anymore\b",
        r"\b(?:lost all|no) hope\b",
        r"\b(?:i feel|i'm|i am) (?:so )?(?:hopeless|worthless|empty|broken)\b",
        r"\bnothing matters\b",
        r"\bit all to stop\b",
        r"\bwant (?:it|this|everything) to (?:all )?be over\b|\bi want out\b",
        r"\bnobody (?:loves|cares about) me\b",
        r"\b(?:i'm|i am) (?:so )?depressed\b",
    ),
    *_rules(
        "threat_to_others",
        STRONG,
        rf"\b(?:going to|will|'ll|gonna|want to|wanna|about to)\b(?: \S+){{0,5}}? (?:kill"
        rf"|shoot|stab|murder|strangle|beat|hurt|attack|put a bullet in) {_PERSON}",
        r"\b(?:going to|will|'ll|want to) (?:blow up|bomb|burn down|set fire to|shoot up|torch)"
        r" (?:your|the|that|this|their)? ?(?:headquarters|hq|office|store|shop|building|branch"
        r"|place|call centre|call center|warehouse|house)\b",
        r"\bset (?:the|your|this|that) \w+ on fire\b",
        r"\bburn (?:your|the|that|this|their) (?:\w+ ){0,2}down\b",
        r"\b(?:he's|she's|they're|he is|she is|they are) going to (?:kill|hurt|shoot|stab)"
        r" (?:me|us)\b",
        r"\bstart (?:shooting|stabbing|killing)\b|\bcoming for (?:him|her|you|them)\b",
        r"\bfist through (?:his|her|your|the|their) face\b",
        r"\b(?:run|running) (?:him|her|them|you) (?:over|down)\b",
        r"\bbreak (?:his|her|your|their|my|ur) (?:\w+ )?(?:neck|legs?|arms?|jaw|skull|nose"
        r"|bones?|face)\b",
        r"\b(?:kill|hurt|shoot) (?:every one|all|each) of you\b",
        r"\bput a bullet in\b|\bpay with (?:their|his|her|your) li(?:fe|ves)\b",
        r"\b(?:never|won't) walk again\b",
        r"\bi know where (?:she|he|you|they) (?:lives?|parks?|works?)\b",
        r"\b(?:i've got|i have|i've|got|bringing|bring) a (?:gun|knife|weapon|rifle)\b",
        r"\b(?:deserves?|should) (?:to )?die\b.{0,40}\b(?:i'll|i will|make it)\b",
        r"\bbeat (?:him|her|them) to death\b|\bto death if i see\b",
        r"\b(?:hurt|kill) (?:my|the) baby\b",
        r"\b(?:shoot|kill) everyone\b",
    ),
    *_rules(
        "abuse_or_violence",
        STRONG,
        rf"\b{_ABUSER}(?:'s|'d)? (?:\w+ ){{0,2}}\b{_HURT_VERBS}"
        r" (?:me|us|my|her|him|the kids|the children|our)\b",
        r"\b(?:beating|hitting|hurting|abusing|choking|kicking|punching|strangling) me\b",
        r"\b(?:trying to|tried to) (?:get|break) in\b",
        r"\b(?:and|he|she|they) (?:hurts|hits|beats|slaps|kicks) me"
        r" (?:if|when|whenever|every|for)\b",
        r"\b(?:i was|i've been|i have been|i'm being|i am being|i got|i get|we were|we've been"
        r"|we are being|i keep getting) (?:\w+ )?(?:raped|sexually (?:assaulted|abused|harassed)"
        r"|abused|beaten|assaulted|attacked|stalked|strangled|choked|held against my will"
        r"|threatened|punched|groped|molested)\b",
        r"\b(?:victim|survivor) of (?:domestic|sexual|abuse|violence|rape)\b",
        r"\bdomestic (?:violence|abuse)\b(?=.{0,40}\b(?:me|my|i'm|i am)\b)",
        r"\b(?:my|from my) abuser\b|\bhiding from (?:him|her|my)\b"
        r"|\b(?:in|at|to) a (?:women's )?refuge\b",
        r"\b(?:scared|afraid|terrified) (?:to go|to be|of going) home\b",
        r"\b(?:he|she|they)(?:'ll| will|'d| would) (?:kill|hurt) (?:me|us)\b",
        r"\b(?:threatened|threatening|threatens) (?:to (?:kill|hurt|shoot|stab) )?"
        r"(?:me|us|my)\b",
        r"\bsaid (?:he|she|they)(?:'d| would| will|'ll) (?:kill|hurt|shoot) (?:me|us|my|the)\b",
        r"\b(?:said|says|say) (?:they'll|they will|he'll|she'll|he will|she will) kill me\b",
        r"\bwon't let me (?:leave|go out|out|see anyone)\b|\blocks me in\b",
        r"\b(?:with|has|holding|pulled|waving) a (?:knife|gun|weapon|machete|rifle)\b",
        r"\b(?:threatened|threatening) me with\b",
        r"\b(?:breaking|broke|broken) into my (?:house|home|flat|apartment|room)\b",
        r"\b(?:is|are|keeps?) (?:attacking|following|threatening|stalking) me\b",
        r"\b(?:attacked|assaulted|raped|stabbed|shot) me\b",
        r"\b(?:raped|sexually assaulted|molested) by\b|\braped me\b",
        r"\b(?:step\w+|uncle|carer|caretaker|coach|teacher|boss|driver) (?:\w+ )?touch(?:es|ed)"
        r" me\b|\btouch(?:es|ed) me inappropriately\b",
        r"\b(?:hits|beats) (?:the|my|our) (?:kids|children|son|daughter|mum|mom|baby)\b",
        r"\bbeats my (?:mum|mom|mother|wife|sister)\b",
        r"\bchoked me\b|\buntil i blacked out\b",
        r"\b(?:scared|afraid|terrified|fear) for my life\b",
    ),
    *_rules(
        "abuse_or_violence",
        WEAK,
        r"\b(?:call|get|calling) (?:the )?police\b",
    ),
    *_rules(
        "medical_emergency",
        WEAK,
        r"\bambulance\b|\b(?:911|999|112)\b",
    ),
    *_rules(
        "medical_emergency",
        STRONG,
        r"\b(?:not|isn't|isnt|stopped|can't|cannot|can not|unable to|struggling to|won't)"
        r" breath(?:e|ing)\b",
        r"\b(?:having|just had|is having|think i'm having|she's having|he's having) an? "
        r"(?:heart attack|stroke|seizure|fit|asthma attack|allergic reaction|anaphylactic)\b",
        r"\b(?:severe )?allergic reaction\b|\banaphyla\w*\b",
        r"\b(?:unconscious|unresponsive|not responding|won't wake up|isn't waking up)\b",
        r"\b(?:collapsed|passed out|fainted|blacked out|losing consciousness)\b",
        r"\bchest (?:pains?|is (?:tight|crushing|hurting))\b|\bmy chest hurts\b",
        r"\b(?:arm|face|side) is (?:numb|drooping)\b|\bslurred\b|\bface is drooping\b",
        r"\b(?:bleeding (?:heavily|a lot|badly|out|everywhere|profusely)|(?:a )?lot of blood"
        r"|can't stop (?:the )?bleeding|i'm bleeding|pregnant and bleeding"
        r"|(?:he|she|baby|son|daughter|wife|husband|mum|mom|dad|friend|child) is bleeding)\b",
        r"\b(?:vomiting|coughing|throwing up) blood\b",
        r"\b(?:throat|tongue|face|lips?) (?:is |are |keeps )?(?:swelling|closing|swollen)\b",
        r"\bcan't swallow\b",
        r"\b(?:swallowed|ate|drank) (?:a|the|some|some of the|one of the|all the)"
        r" (?:battery|batteries|magnets?|bleach|detergent|pods?|pills)\b",
        r"\bblood sugar is (?:\d+|crashing|dropping|very low|low)\b|\bgoing hypo\b",
        r"\b(?:fire|smoke) in (?:my|the|our) (?:house|home|flat|apartment|kitchen|building|room"
        r"|bedroom|garage)\b|\b(?:my|our|the) (?:house|home|flat|apartment|kitchen|building|car"
        r"|room) is on fire\b|\bgas leak\b|\bsmell gas\b",
        r"\bcarbon monoxide\b(?! detectors?| alarms?)",
        r"\bcarbon monoxide (?:alarm|detector) (?:\w+ ){0,3}(?:is )?"
        r"(?:going off|beeping|sounding)\b",
        r"\bsmoke (?:pouring|coming|everywhere)\b|\bhead injury\b|\bcan't wake (?:\w+ ){0,2}up\b",
        r"\bturning blue\b|\bseizure\b|\bhaving a stroke\b",
        r"\bfell and (?:hit|can't get up|i can't get up|broke)\b|\bcan't get up\b",
        r"\b(?:fell|fallen|collapsed)\b.{0,40}\b(?:isn't|is not|not|stopped) (?:moving|responding"
        r"|waking up)\b",
        r"\b(?:swallowed|ate|drank|drunk|drinking) (?:some |the |a bit of |a )?(?:\w+ )?"
        r"(?:bleach|detergent|antifreeze|weed ?killer|cleaning (?:fluid|liquid|product))\b",
        r"\b(?:call|need|send|get|calling|needs) (?:an |me an |us an )?ambulance\b"
        r"|\bambulance (?:needed|now|please)\b",
        r"\b(?:is|he's|she's|i'm|baby's|baby is|son is|daughter is|husband is|wife is)"
        r" choking\b",
        r"\bi think i'm dying\b",
        r"\b(?:shaky and confused|shaking and confused)\b",
        r"\bcan't feel my (?:arm|legs?|face)\b",
    ),
]


def _grouped(rules: list[_Rule]) -> list[_Rule]:
    """One alternation per (signal, weight), strongest first: the result is the same (the
    best weight per signal), but one regex call per group is about 4x faster than ~190."""
    groups: dict[tuple[str, float], list[str]] = {}
    for signal, weight, pattern in rules:
        groups.setdefault((signal, weight), []).append(f"(?:{pattern.pattern})")
    ordered = sorted(groups.items(), key=lambda item: -item[0][1])
    return [(signal, weight, re.compile("|".join(parts))) for (signal, weight), parts in ordered]


_LEXICON_GROUPS = _grouped(_LEXICON)


# --- co-occurring cues -------------------------------------------------------

# Exact phrases cannot cover every way people say these things. This second
# tier counts broad cue families: one family alone is ordinary complaint
# language ("my battery is dead", "I'm scared of the bill"), but two or more
# together ("pills" + "tonight", "hit" + "my husband" + "scared") rarely are.
# Core families count 1 point, context families half a point; 2 points flag.
_FAMILIES: list[tuple[str, float, str | None, re.Pattern[str]]] = [
    (
        "death",
        1.0,
        "suicidal_ideation",
        re.compile(
            r"\b(?:die|dying|dead|death|suicid\w*|goodbye|be gone|not (?:be )?(?:here|around|alive)"
            r"|end (?:it|everything|things|my)|for good|no way out|way out)\b"
        ),
    ),
    (
        "means",
        1.0,
        "self_harm",
        re.compile(
            r"\b(?:pills?|tablets?|overdos\w*|razor|blades?|rope|noose|bridge|roof|ledge|train"
            r"|cliff|guns?|knife|knives|machete|bat|bleach|engine running|lighter|cigarettes?"
            r"|boiling|insulin|medication|meds)\b"
        ),
    ),
    (
        "violence",
        1.0,
        "abuse_or_violence",
        re.compile(
            r"\b(?:hit|hits|hitting|beat|beats|beating|beaten|punch\w*|slap\w*|kick\w*"
            r"|chok\w*|strangl\w*|stab\w*|shoot\w*|shot|kill\w*|murder\w*|hurt\w*"
            r"|(?<!heart )attack\w*|abus\w*|rap(?:e|ed|ing)|threat\w*|smash\w*|grabbed|pinned"
            r"|slammed|burn\w*|torch|bomb|assault\w*|bruis\w*|violen\w*)\b"
        ),
    ),
    (
        "medical",
        1.0,
        "medical_emergency",
        re.compile(
            r"\b(?:breath\w*|unconscious|collapsed|seizure|stroke|heart attack|chest|bleed\w*"
            r"|blood|swallowed|allergic|swelling|swollen|faint\w*|pass(?:ed)? out|not responding"
            r"|not moving|won't wake|can't wake|asthma|drowsy|vomiting|head injury|lips"
            r"|gas|smoke|slurred|drooping|poison\w*|stung|labour|overdos\w*|dizzy)\b"
        ),
    ),
    (
        "hopeless",
        1.0,
        "hopelessness",
        re.compile(
            r"\b(?:hopeless|worthless|no point|no reason|can't cope|can't go on|giving up"
            r"|burden|nothing left|be over|tired of (?:life|living|fighting|everything)|done with"
            r"|hate my life|hate myself|no hope|want out|no meaning|can't keep"
            r"|do something stupid)\b"
        ),
    ),
    (
        "fear",
        1.0,
        None,
        re.compile(
            r"\b(?:scared|afraid|terrified|frightened|not safe|danger|trapped|locked in"
            r"|help me|please help)\b"
        ),
    ),
    (
        "target",
        0.5,
        None,
        re.compile(
            r"\b(?:me|him|them|my (?:husband|wife|partner|boyfriend|girlfriend|ex|dad|father"
            r"|mum|mom|mother|son|daughter|kids?|children|baby|family|brother|sister))\b"
        ),
    ),
    (
        "intent",
        0.5,
        None,
        re.compile(
            r"\b(?:i'm going to|i am going to|i'll|i will|i want to|i'm planning|i've decided"
            r"|tonight|right now|i keep|lined up|saved up|in front of me|so someone knows)\b"
        ),
    ),
    ("self", 0.5, None, re.compile(r"\bmy ?self\b")),
    (
        "resolve",
        0.5,
        None,
        re.compile(
            r"\b(?:literally|i mean it|i mean that|i'm serious|not joking|no joke|i swear"
            r"|i've decided|made up my mind)\b"
        ),
    ),
]
COMBO_POINTS = 2.0
# Laughter marks hyperbole ("gonna kill my brother lol"); it costs the weak
# tier a point but never overrides an exact crisis phrase.
_LAUGHTER = re.compile(r"\b(?:lol|lmao|rofl|haha\w*|jk)\b|\U0001f602|\U0001f923")


def _combo(norm: str) -> tuple[float, list[str]]:
    """Points from co-occurring cue families, and the signals they point to."""
    points = 0.0
    signals: list[str] = []
    for _name, value, signal, pattern in _FAMILIES:
        if pattern.search(norm):
            points += value
            if signal:
                signals.append(signal)
    if _LAUGHTER.search(norm):
        points -= 1.0
    return points, signals


# --- learned recall net ------------------------------------------------------

# Exact phrases and cue families miss wordings nobody wrote down ("i want 2 die", "slammed my
# head into the door"). A logistic regression over word unigrams and bigrams and the
# character 3- and 4-grams of each word (so misspellings share features with the spelling
# the model saw) is OR-ed with the rules. It is trained by training/train_distress.py on the
# development set plus GoEmotions *train* comments and customer-care turns as negatives;
# only its non-zero (L1) weights ship, as JSON, and scoring is a dictionary sum (no
# scikit-learn or numpy at run time). It reads only messages that hold a crisis literal
# (those the pre-filter admits) and that the rules did not already flag: it is a net for
# near-misses of the lexicon, and that keeps it off ordinary complaints ("I'm starving").
NET_ARTIFACT = Path(__file__).resolve().parent / "models" / "artifacts" / "distress-net.json"
# Weight of a net "yes" in the noisy-OR: just over the threshold, like the cue tier.
NET_WEIGHT = 0.6
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def net_features(text: str) -> set[str]:
    """Binary features of normalised, masked text (the training script's definition)."""
    words = _TOKEN.findall(text)
    feats = set(words)
    feats.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    for word in words:
        feats |= _char_grams(word)
    return feats


def _char_grams(word: str) -> set[str]:
    padded = f"<{word}>"
    grams = {"#" + padded[i : i + 3] for i in range(len(padded) - 2)}
    grams.update("#" + padded[i : i + 4] for i in range(len(padded) - 3))
    return grams


# Distinct words whose weighted features are remembered (a few MB at most).
_WORD_CACHE_SIZE = 50_000


@dataclass(frozen=True)
class DistressNet:
    """Shipped weights of the recall net; it says yes at ``probability >= threshold``."""

    bias: float
    threshold: float
    weights: dict[str, float]
    _by_word: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def probability(self, text: str) -> float:
        """Logistic score of ``net_features(text)``. Only ~800 features carry a weight, so
        each word's weighted features (the word and its character grams) are worked out
        once and remembered; the sum is the same as over ``net_features``."""
        weights = self.weights
        words = _TOKEN.findall(text)
        feats: set[str] = set()
        for word in words:
            feats |= self._word_features(word)
        feats.update(b for b in map(" ".join, zip(words, words[1:], strict=False)) if b in weights)
        z = self.bias + sum(weights[f] for f in feats)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def _word_features(self, word: str) -> frozenset[str]:
        found = self._by_word.get(word)
        if found is None:
            if len(self._by_word) >= _WORD_CACHE_SIZE:
                self._by_word.clear()
            grams = _char_grams(word)
            grams.add(word)
            found = self._by_word[word] = frozenset(g for g in grams if g in self.weights)
        return found


@cache
def load_net(path: Path = NET_ARTIFACT) -> DistressNet | None:
    """The shipped net, or None where the artifact is absent (the rules then work alone)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    weights = {str(k): float(v) for k, v in data["weights"].items()}
    return DistressNet(float(data["bias"]), float(data["threshold"]), weights)


def _add_net(found: dict[str, float], text: str) -> None:
    """Add the net's "yes" to a reading the rules did not flag."""
    net = load_net()
    if net is None or _noisy_or(found) >= FLAG_THRESHOLD:
        return
    if net.probability(text) < net.threshold:
        return
    # The net names no signal; the cue families present say which kind it probably is.
    signals = [signal for _n, _v, signal, pattern in _FAMILIES if signal and pattern.search(text)]
    for signal in signals or [LEARNED]:
        found[signal] = max(found.get(signal, 0.0), NET_WEIGHT)


# --- scoring ---------------------------------------------------------------


def _match(norm: str, admitted: bool = False) -> tuple[dict[str, float], int]:
    """Best weight per signal found in normalised text and how many spans were masked.
    ``admitted``: the caller already knows that ``_PREFILTER`` admits ``norm``."""
    masked, idioms = _mask(norm, _IDIOMS)
    masked, denials = _mask(masked, _DENIALS)
    found = _rules_found(masked)
    if _noisy_or(found) < FLAG_THRESHOLD and (admitted or _PREFILTER.may_match(norm)):
        _add_net(found, masked)
    return found, idioms + denials


def _rules_found(masked: str) -> dict[str, float]:
    """Lexicon and cue tiers on normalised text whose idioms and denials are masked."""
    found: dict[str, float] = {}
    for signal, weight, pattern in _LEXICON_GROUPS:
        if weight > found.get(signal, 0.0) and pattern.search(masked):
            found[signal] = weight
    _add_combo(found, masked)
    return found


def masked_text(text: str) -> str:
    """Normalised text with idioms and denials blanked: what the rules and the net read."""
    norm, _ = _mask(_normalise(text), _IDIOMS)
    return _mask(norm, _DENIALS)[0]


def rules_flag(text: str) -> bool:
    """Whether the rules alone (no net, no emotions) flag ``text``; for training."""
    return _noisy_or(_rules_found(masked_text(text))) >= FLAG_THRESHOLD


def _add_combo(found: dict[str, float], norm: str) -> None:
    points, combo_signals = _combo(norm)
    if points >= COMBO_POINTS and combo_signals:
        # Just over the threshold: enough to route, with modest confidence.
        weight = min(0.55 + 0.05 * (points - COMBO_POINTS), 0.7)
        for signal in combo_signals:
            found[signal] = max(found.get(signal, 0.0), weight)


def _emotion_boost(emotions: Mapping[str, float] | None) -> float:
    if not emotions:
        return 0.0
    return max((float(emotions.get(name, 0.0)) for name in DISTRESS_EMOTIONS), default=0.0)


def _noisy_or(found: Mapping[str, float]) -> float:
    miss = 1.0
    for weight in found.values():
        miss *= 1.0 - weight
    return 1.0 - miss


def _probability(found: Mapping[str, float], emotion: float) -> float:
    if not found:
        return 0.0
    p = _noisy_or(found)
    # Emotions amplify a cue that is already there; they never create one.
    return p + (1.0 - p) * 0.6 * min(max(emotion, 0.0), 1.0)


def _confidence(p: float, found: Mapping[str, float], masked: int) -> float:
    if not found:
        # Nothing matched. The lexicon cannot see coded language, so "no" is
        # never fully certain, and less so when an idiom sat in the text.
        return 0.6 if masked else _CLEAR_CONFIDENCE
    margin = abs(p - FLAG_THRESHOLD) / FLAG_THRESHOLD
    return round(min(1.0, 0.5 + 0.5 * margin) * (0.85 if masked else 1.0), 3)


# Every pattern that can change a result: the lexicon, the cue families that name a signal
# (the combination tier flags only when one of them is present) and the two masks (a masked
# idiom or denial lowers the confidence of a "no"). Built from the compiled patterns, so it
# follows every edit to them; tests/signals/test_prefilter.py checks that
# pre-filtered and full readings are identical.
_PREFILTER = Prefilter(
    [
        *(pattern for _signal, _weight, pattern in _LEXICON),
        *(pattern for _name, _value, signal, pattern in _FAMILIES if signal),
        _IDIOMS,
        _DENIALS,
    ]
)


# Of the messages that pass, about half only hold a cue-family word ("hit", "dead"): for
# them no lexicon rule and no mask can match, so only the co-occurrence tier can say anything.
_LEXICON_PREFILTER = Prefilter(
    [*(pattern for _signal, _weight, pattern in _LEXICON), _IDIOMS, _DENIALS]
)


def detect_one(
    text: str, emotions: Mapping[str, float] | None = None, learned: float = 0.0
) -> DistressResult:
    """Distress reading of a single message (see ``detect_distress``)."""
    norm = _normalise(text)
    if not _PREFILTER.may_match(norm):
        # No pattern can match: the reading the full lexicon would give, ~92 % of messages.
        if learned < FLAG_THRESHOLD:
            return DistressResult(0.0, False, [], _CLEAR_CONFIDENCE)
        return _reading(_with_learned({}, learned), 0, emotions)
    if not _LEXICON_PREFILTER.may_match(norm):
        return _reading(_with_learned(_combo_only(norm), learned), 0, emotions)
    found, masked = _match(norm, admitted=True)
    return _reading(_with_learned(found, learned), masked, emotions)


def _with_learned(found: dict[str, float], learned: float) -> dict[str, float]:
    """Add the distress head's "yes" (a score of 0.5 or more) to a reading; a "no" adds nothing,
    so the head can raise a reading but never lower what the rules found."""
    if learned >= FLAG_THRESHOLD:
        found[LEARNED] = max(found.get(LEARNED, 0.0), learned)
    return found


def _combo_only(norm: str) -> dict[str, float]:
    """What ``_match`` finds when no lexicon rule and no idiom or denial can match (the
    caller has checked that ``_PREFILTER`` admits ``norm``, so the net may read it)."""
    found: dict[str, float] = {}
    _add_combo(found, norm)
    _add_net(found, norm)
    return found


def detect_one_unfiltered(
    text: str, emotions: Mapping[str, float] | None = None
) -> DistressResult:
    """``detect_one`` without the pre-filter: every pattern on every message (for tests)."""
    found, masked = _match(_normalise(text))
    return _reading(found, masked, emotions)


def _reading(
    found: dict[str, float], masked: int, emotions: Mapping[str, float] | None
) -> DistressResult:
    p = _probability(found, _emotion_boost(emotions))
    signals = [s for s in SIGNALS if s in found] or [LEARNED] * (LEARNED in found)
    return DistressResult(
        probability=round(p, 4),
        flag=p >= FLAG_THRESHOLD,
        signals=signals,
        confidence=_confidence(p, found, masked),
    )


def detect_distress(
    texts: Sequence[str],
    emotions: Sequence[Mapping[str, float]] | None = None,
    learned: Sequence[float] | None = None,
) -> list[DistressResult]:
    """Read each message for crisis, self-harm or safety signals.

    ``emotions``, when given, holds one mapping of emotion name to probability
    per text (names such as "fear", "sadness", "grief", "nervousness"); it
    raises the probability of messages that already contain a crisis cue.

    ``learned``, when given, holds one score per text from the distress head
    (``heard.signals.models.distress_head``), scaled so that 0.5 and up means
    yes; a yes flags the message even when no rule matched.

    A flagged result means the message goes to a trained specialist at once.
    Flagged messages are never dismissed automatically: only a person may
    close them.
    """
    if emotions is not None and len(emotions) != len(texts):
        raise ValueError("emotions must have one mapping per text")
    if learned is not None and len(learned) != len(texts):
        raise ValueError("learned must have one score per text")
    per_text = emotions if emotions is not None else [None] * len(texts)
    scores = learned if learned is not None else [0.0] * len(texts)
    return [detect_one(t, e, h) for t, e, h in zip(texts, per_text, scores, strict=True)]


def why_flagged(flag: bool, signals: list[str]) -> str:
    """The reasons for a flag in words a specialist reads at a glance, e.g. "self-harm,
    medical emergency"; "model reading" when only a learned model said yes; "" for no flag."""
    if not flag:
        return ""
    return ", ".join(SIGNAL_LABELS.get(s, s.replace("_", " ")) for s in signals) or (
        SIGNAL_LABELS[LEARNED]
    )
