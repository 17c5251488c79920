"""Program kinds, session formats, and the templates and guides heard ships (own wording)."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_GOALS = [
    "Find two or three friction points customers hit",
    "Bring back one customer story that reveals a systemic issue",
]


@dataclass(frozen=True)
class Template:
    kind: str
    format: str
    title: str
    objective: str
    time_box_minutes: int
    guide: list[str] = field(default_factory=list)


TEMPLATES: list[Template] = [
    Template("immersion", "support at peak hours", "Sit with support at the busiest hour",
             "See where customers get stuck when the queue is longest.", 120,
             ["What did the customer try before they contacted us?",
              "Where did the agent have to work around our tools or rules?",
              "What did the customer feel at the start and at the end?"]),
    Template("immersion", "customer visit", "Watch a customer use the product where they work",
             "Understand the job the customer is trying to get done.", 90,
             ["Ask them to show, not tell, how they did it last time.",
              "Note every pause, sigh or workaround.",
              "What would they stop paying for first, and why?"]),
    Template("rotation", "support", "Take the frontline for a shift",
             "Feel the daily load our frontline carries.", 240,
             ["Which request repeated most often?", "What did you need to ask a colleague?"]),
    Template("rotation", "field operations", "Ride along with field operations",
             "See how our promises hold up on the ground.", 240,
             ["What did the team know that head office does not?"]),
    Template("rotation", "user research", "Join a round of user research",
             "Hear customers describe our product in their own words.", 120,
             ["Which of our words did customers not use?"]),
    Template("perspective", "empathy interview", "Guided empathy interview",
             "Hear one customer's story end to end without steering it.", 60,
             ["Tell me about the last time this mattered to you.",
              "What happened next? How did that feel?",
              "If you could change one thing, what would it be?"]),
    Template("perspective", "written narrative", "Write a day in a customer's life",
             "Write the story of one customer segment from their side of the counter.", 45,
             ["Write in the first person, as the customer.",
              "Include one moment where we made things harder."]),
    Template("perspective", "role-play", "Role-play a difficult conversation",
             "Practise hearing an upset customer before answering.", 45,
             ["Name the emotion before offering a solution.",
              "Swap roles and notice what it felt like to be on hold."]),
    Template("ritual", "weekly customer briefing", "Weekly customer briefing",
             "Start the week with one real customer story.", 20,
             ["Which story did we hear this week, and what does it show about us?"]),
    Template("ritual", "monthly field visit", "Monthly field visit",
             "Keep first-hand contact with customers every month.", 180, []),
    Template("ritual", "quarterly rotation", "Quarterly rotation",
             "Spend a day each quarter in a frontline role.", 480, []),
]

KINDS = {
    "immersion": "Customer immersion",
    "rotation": "Role rotation",
    "perspective": "Perspective-taking",
    "ritual": "Ritual",
}
OBSERVATION_KINDS = {
    "friction": "Friction point",
    "emotion": "Emotional response",
    "delight": "Moment of delight",
    "story": "Customer story",
    "quote": "Quote",
}
RITUAL_EVERY_DAYS = {"weekly customer briefing": 7, "monthly field visit": 31,
                     "quarterly rotation": 92}


def template_for(kind: str, format_: str) -> Template | None:
    return next((t for t in TEMPLATES if t.kind == kind and t.format == format_), None)
