"""Customer effort cues: how hard the customer has had to work to get help.

``detect_effort`` finds phrases that show effort in one message: contacting
again ("third time I'm asking"), waiting ("on hold for 2 hours", "been 3
days"), being passed around ("transferred again"), switching channels
("I emailed, called and now I'm tweeting") and an issue left unresolved
("still not fixed", "nobody gets back to me"). The score rises with the number
of distinct cue kinds and with stated durations or counts, so "on hold for
3 hours, fifth call" scores higher than "still waiting".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from heard.signals.prefilter import Prefilter
from heard.signals.textnorm import collapse_whitespace

__all__ = ["CUES", "EffortResult", "detect_effort"]

CUES = ("repeat_contact", "long_wait", "passed_around", "channel_switching", "unresolved")


@dataclass(frozen=True)
class EffortResult:
    """Effort reading of one message: ``score`` 0..1, cue kinds found, confidence."""

    score: float
    cues: list[str]
    confidence: float


_ORDINAL = (
    r"(?:second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|seventh|tenth|\d+(?:st|nd|rd|th))"
)
_NUMBER = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|multiple|countless)"
_UNIT = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?)"
_CONTACT = r"(?:times?|calls?|emails?|messages?|chats?|attempts?|tickets?|requests?)"

_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "repeat_contact": (
        re.compile(rf"\b{_ORDINAL} (?:time|call|email|message|attempt|request|ticket|chat)\b"),
        re.compile(rf"\b{_NUMBER} {_CONTACT}\b(?! ago)"),
        re.compile(
            r"\b(?:i|i've|i have) (?:already )?(?:told|explained|asked|said|sent|reported|"
            r"given) (?:you|this|it|them|that)?\s*(?:already|before|again|twice|repeatedly)\b"
        ),
        re.compile(
            r"\b(?:i )?already (?:told|explained|asked|sent|reported|gave|called|emailed)\b"
        ),
        re.compile(
            r"\b(?:again and again|over and over|yet again|once again|keep (?:asking|calling|"
            r"chasing|having to|explaining|repeating|contacting))\b"
        ),
        re.compile(
            r"\b(?:asked|called|emailed|chased|contacted|explained) (?:you )?(?:twice|"
            r"repeatedly|multiple times|several times|many times)\b"
        ),
        re.compile(r"\bhow many (?:more )?times\b|\bevery time i (?:call|contact|ask)\b"),
    ),
    "long_wait": (
        re.compile(
            r"\b(?:on hold|waiting|waited|queue|queued|been)\b[^.!?]{0,25}?"
            rf"\b(?:for )?(?:over |more than |almost |nearly )?(?:an? |{_NUMBER} ){_UNIT}"
        ),
        re.compile(
            rf"\b{_NUMBER} {_UNIT} (?:on hold|later|and (?:still|nothing|no)|waiting|now)\b"
        ),
        re.compile(
            rf"\b(?:it's|its|it has|it's been|been) (?:over |almost |nearly )?(?:an? |{_NUMBER} )"
            rf"{_UNIT}\b"
        ),
        re.compile(
            r"\b(?:still waiting|still on hold|been waiting|keep(?:s)? (?:me )?waiting|"
            r"kept (?:me )?waiting|waiting forever|ages on hold|on hold forever|"
            r"never got (?:a )?(?:reply|response|call ?back)|hours on hold)\b"
        ),
        re.compile(
            r"\b(?:since|from) (?:last|monday|tuesday|wednesday|thursday|friday|saturday|"
            r"sunday|yesterday|january|february|march|april|may|june|july|august|"
            r"september|october|november|december)\b[^.!?]{0,40}\b(?:still|nothing|no)\b"
        ),
    ),
    "passed_around": (
        re.compile(
            r"\b(?:transferred|passed|bounced|handed|shunted|redirected|pushed|sent)"
            r" (?:me )?(?:around|back and forth|from pillar to post|to (?:another|"
            r"a different|someone else|the wrong)|again)\b"
        ),
        re.compile(
            r"\b(?:you|they|agents?) keep (?:sending|transferring|passing|referring|"
            r"redirecting|telling) me\b"
        ),
        re.compile(r"\b(?:transferred|passed on|put through) (?:me )?(?:\w+ )?(?:times|twice)\b"),
        re.compile(
            r"\b(?:another|different|new) (?:department|team|agent|person|rep|number)\b"
            r"[^.!?]{0,30}\b(?:again|each time|every time)\b"
        ),
        re.compile(r"\b(?:every|each) (?:agent|person|rep|department) (?:says|tells|gives)\b"),
        re.compile(
            r"\b(?:not|isn't|wasn't) (?:our|my|their) department\b|"
            r"\bpassing the buck\b|\bgetting the runaround\b|\brun ?around\b"
        ),
    ),
    "channel_switching": (
        re.compile(
            r"\b(?:called|phoned|rang|emailed|e-mailed|messaged|chatted|tweeted|dm'?d|wrote"
            r"|visited)\b[^.!?]{0,40}\b(?:and|then|now|also)\b[^.!?]{0,20}\b(?:called|"
            r"phoned|rang|emailed|e-mailed|messaged|chatted|tweeting|tweeted|dm'?d|wrote|"
            r"visited|here|twitter|the store|in store|live chat)\b"
        ),
        re.compile(
            r"\b(?:tried|used) (?:phone|email|chat|twitter|the app|the website|every)"
            r"[^.!?]{0,30}\b(?:and|,) (?:phone|email|chat|twitter|the app|the website|"
            r"channel)"
        ),
        re.compile(
            r"\b(?:resort(?:ing|ed)? to|only way|now i'm|had to come (?:on|to)|"
            r"coming here because)\b[^.!?]{0,30}\b(?:twitter|here|social media|public|"
            r"tweet|dm|facebook)\b"
        ),
        re.compile(
            r"\b(?:no (?:one|body) (?:on|at) (?:the )?(?:phone|chat|email|helpline)"
            r"|phone line(?:s)? (?:is|are) (?:dead|busy|useless))\b"
        ),
    ),
    "unresolved": (
        re.compile(
            r"\b(?:still|yet to be|never been|hasn't been|has not been|not been|still not)"
            r" (?:not )?(?:fixed|resolved|sorted|solved|refunded|working|delivered|"
            r"received|repaired|replaced|answered|addressed|processed|credited|"
            r"cancelled|connected|here|arrived)\b"
        ),
        re.compile(
            r"\b(?:no ?one|nobody|no-one)\b[^.!?]{0,20}\b(?:gets? back|got back|"
            r"replie[sd]|responds?|responded|answers?|answered|calls? back|called back|"
            r"helps?|helped|fixe[sd]|cares?|bothered)\b"
        ),
        re.compile(
            r"\b(?:no|never (?:got|received|had)) (?:a |any )?(?:reply|response|answer|"
            r"call ?back|update|resolution|follow[- ]?up)\b"
        ),
        re.compile(
            r"\b(?:still|again) (?:broken|not working|doesn't work|isn't working|"
            r"happening|the same|down|waiting|charging me|no)\b"
        ),
        re.compile(
            r"\bpromised (?:a |to )?(?:call ?back|refund|fix|update|reply|engineer)"
            r"[^.!?]{0,40}\b(?:never|nothing|no|still|didn't)\b"
        ),
        re.compile(
            r"\b(?:nothing|no progress|no one) (?:has )?(?:happened|changed|been done)\b"
            r"|\bgetting nowhere\b|\bgoing (?:round|around) in circles\b"
        ),
    ),
}

# Weight per cue: being passed around and contacting repeatedly are the
# strongest predictors of effort in customer-effort research; an unresolved
# issue alone is common in any complaint, so it weighs less.
_WEIGHTS = {
    "repeat_contact": 0.45,
    "long_wait": 0.4,
    "passed_around": 0.45,
    "channel_switching": 0.35,
    "unresolved": 0.3,
}
_MAGNITUDE = re.compile(rf"\b(?:{_NUMBER}|{_ORDINAL}) (?:{_UNIT}|{_CONTACT}|time)\b")
_BIG_NUMBER = re.compile(
    r"\b(?:[3-9]|\d\d+|three|four|five|six|seven|eight|nine|ten|third|3rd|fourth|4th|fifth"
    r"|5th|sixth|6th|seventh|tenth|\d+th)\b"
)
_NEGATION = re.compile(
    r"\b(?:first time|quick(?:ly)? (?:fixed|sorted|resolved)|thanks? for "
    r"(?:the )?quick|no wait|didn't (?:have to )?wait)\b"
)


def _normalise(text: str) -> str:
    return collapse_whitespace(text.lower().replace("\u2019", "'"))


# One alternation per cue: "does any of its patterns match" in one regex call, not five.
_CUE_PATTERNS = {
    cue: re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
    for cue, patterns in _PATTERNS.items()
}


def _found_cues(norm: str) -> list[str]:
    return [cue for cue in CUES if _CUE_PATTERNS[cue].search(norm)]


def _score(norm: str, cues: list[str]) -> float:
    if not cues:
        return 0.0
    miss = 1.0
    for cue in cues:
        miss *= 1.0 - _WEIGHTS[cue]
    score = 1.0 - miss
    # Stated amounts ("5 hours", "fourth call") make effort concrete; bigger
    # numbers add a little more.
    amounts = _MAGNITUDE.findall(norm)
    if amounts:
        score += 0.1 + (0.1 if any(_BIG_NUMBER.search(a) for a in amounts) else 0.0)
    return min(score, 1.0)


# One scan that rules out every pattern above (and the negations) for most messages; see
# heard.signals.prefilter. Bigger literal sets (cap) pay off here: effort words are common.
_PREFILTER = Prefilter([*(p for group in _PATTERNS.values() for p in group), _NEGATION], cap=256)
_NO_CUE_CONFIDENCE = 0.7  # phrasing outside the patterns can still show effort


def detect_effort(text: str) -> EffortResult:
    """Find customer-effort cues in one message and score them 0..1."""
    norm = _normalise(text)
    if not _PREFILTER.may_match(norm):
        return EffortResult(score=0.0, cues=[], confidence=_NO_CUE_CONFIDENCE)
    return _read(norm)


def _read(norm: str) -> EffortResult:
    cues = _found_cues(norm)
    score = _score(norm, cues)
    if _NEGATION.search(norm):
        # "first time calling", "thanks for the quick fix": praise or a first
        # contact; keep the cues but trust them less.
        score *= 0.5
        confidence = 0.5
    elif cues:
        confidence = min(0.6 + 0.1 * len(cues), 0.9)
    else:
        confidence = _NO_CUE_CONFIDENCE
    return EffortResult(score=round(score, 3), cues=cues, confidence=round(confidence, 3))
