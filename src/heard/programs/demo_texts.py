"""What demo leaders "saw": planted patterns in varied wording, and one-off anecdotes.

Each pattern is (touchpoint, observation kind, phrasings). The demo samples them across
many sessions and leaders, so the debrief has real breadth to find; the anecdotes are each
used once, so they stay anecdotes.
"""

from __future__ import annotations

PATTERNS: dict[str, tuple[str, str, list[str]]] = {
    "onboarding fatigue": ("onboarding", "friction", [
        "Setting up the account took her four separate sessions because the onboarding "
        "checklist kept growing.",
        "He gave up halfway through onboarding: too many forms asking for the same details.",
        "The welcome emails arrive daily for two weeks and customers stop opening them.",
        "She said getting started felt like homework, step after step before anything worked.",
        "Onboarding asks for documents the customer already uploaded during the sale.",
        "Customer sighed at step nine of the setup wizard and asked how many steps were left.",
        "New customers are exhausted by the setup before they ever use the product.",
        "He needed three calls with us just to finish the initial configuration.",
        "The onboarding video series is eleven parts long; nobody watches past the second.",
        "A new client called the onboarding process 'a marathon of paperwork'.",
        "Set-up drags on for weeks and the excitement from signing is gone by the end.",
        "Too many onboarding steps: verification, profile, preferences, training, then more.",
    ]),
    "too little self-service": ("support", "friction", [
        "She had to phone us just to change her billing address; there is no way to do it "
        "online.",
        "Customers call to reset things they could fix themselves if the portal allowed it.",
        "He wanted to download an old invoice but had to email support and wait two days.",
        "Nothing in the app lets you update your plan, so every small change becomes a ticket.",
        "A customer asked why she cannot cancel an add-on without talking to an agent.",
        "Half the calls I listened to were simple requests the website should handle.",
        "The help centre explains the steps but the button it mentions does not exist for "
        "them.",
        "He would rather do it himself at midnight than wait for office hours to call us.",
        "Customers cannot see their order history themselves and ring us to read it out.",
        "There is no self-service option for changing the delivery day; it needs an agent.",
        "She said: 'just let me do it myself, I do not want to talk to anyone for this'.",
        "Password and contact changes all go through the phone line because the portal is "
        "read-only.",
    ]),
    "confusing language": ("product", "emotion", [
        "The customer did not understand what 'provisioning pending' meant and assumed the "
        "order failed.",
        "Our invoice uses internal codes like 'ADJ-PR' that nobody outside the company "
        "understands.",
        "He read the error message three times and still could not tell what to do next.",
        "The letter said 'your entitlement has lapsed'; she thought she had lost her account.",
        "Customers are confused by the jargon in our plan names: Core, Core+, Core Flex.",
        "A customer asked what 'pro-rated reconciliation' means on his statement.",
        "Our terms and wording confuse people; she asked me to translate the email into "
        "plain English.",
        "The app says 'sync conflict' and customers panic because they think data is gone.",
        "He was anxious because the status 'under review' gave no idea how long it would "
        "take.",
        "The contract wording is so technical the customer signed without understanding it.",
        "Agents spend minutes explaining what our own notification messages mean.",
        "She felt stupid reading our FAQ, the language assumes you already know the product.",
    ]),
    "billing surprises": ("billing", "friction", [
        "He was charged twice this month and only noticed when the bank warned him.",
        "The first bill was much higher than the price on the website because of setup fees.",
        "She was surprised by a charge after the free trial ended without any reminder.",
        "Customers find unexpected extra fees on their invoice and call to complain.",
        "The price went up at renewal and the customer learned it from the bank statement.",
        "A surprise late fee appeared although he paid on the due date.",
        "Her invoice amount changed every month and she could not predict what she would pay.",
        "He felt cheated by a hidden charge for paper invoices.",
    ]),
    "repeating the story on handoffs": ("support", "emotion", [
        "She was transferred three times and had to explain the whole problem again each "
        "time.",
        "The customer was furious at repeating his account details to every new agent.",
        "Every handoff between teams means starting the story from the beginning.",
        "He said nobody reads the notes; each person asks the same questions again.",
        "Moving from chat to phone lost the history, so she had to repeat everything.",
        "The second-line team called back and asked for information he had already given.",
        "Being passed between departments made her feel like nobody owned her problem.",
        "Customers hate retelling their case every time they are transferred.",
    ]),
    "delivery tracking gaps": ("delivery", "friction", [
        "The tracking page said 'in transit' for six days with no further detail.",
        "He stayed home all day because we could not tell him a delivery window.",
        "Customers call to ask where their parcel is because the tracking never updates.",
        "The delivery estimate moved three times and nobody told her why.",
        "She only learned the order was delayed when it did not arrive.",
        "Our tracking link shows nothing for the first two days after dispatch.",
    ]),
    "agents going the extra mile": ("support", "delight", [
        "The agent stayed on the line until the customer's printer actually worked; he was "
        "delighted.",
        "She was moved that the agent remembered her from last week and followed up unasked.",
        "A customer thanked the team for calling back before the promised time.",
        "He was relieved and happy when the agent simply fixed it instead of reading a script.",
        "The customer said the agent's patience made her feel respected.",
        "Delight when the agent refunded the fee without being asked.",
    ]),
}

ANECDOTES: list[tuple[str, str, str]] = [
    ("product", "story", "A bakery owner uses our reports to plan flour orders for the "
     "weekend."),
    ("product", "quote", "'I printed your dashboard and stuck it on the fridge', said one "
     "customer."),
    ("delivery", "story", "One driver knows every customer's dog by name on his route."),
    ("billing", "story", "A charity pays by cheque because their treasurer is 84 and trusts "
     "paper."),
    ("product", "emotion", "A teenager set up the account for her grandmother over video call."),
    ("support", "quote", "'Your hold music is the only jazz I hear all week', he joked."),
    ("onboarding", "story", "A school signed up during the summer break to be ready for term."),
    ("product", "delight", "A customer discovered the dark mode and was thrilled."),
    ("offboarding", "story", "A customer left because his company was acquired, not because "
     "of us."),
    ("product", "story", "A farmer checks the app from the tractor with gloves on."),
    ("support", "emotion", "An elderly customer cried with relief when her photos were "
     "restored."),
    ("delivery", "quote", "'Leave it with the neighbour at number 12, she is always in.'"),
    ("product", "story", "One customer runs the whole shop from a tablet at the market stall."),
    ("billing", "quote", "'I would pay more if you kept the same person answering my calls.'"),
    ("product", "story", "A wedding planner uses shared folders to coordinate forty guests."),
    ("support", "story", "A caller in another time zone rings at 3 a.m. his time because "
     "the line is shorter."),
    ("onboarding", "delight", "A customer loved the handwritten welcome card in the box."),
    ("product", "story", "A customer's cat walked across the keyboard and changed his "
     "settings."),
    ("offboarding", "emotion", "A widow asked how to close her late husband's account, and "
     "the agent took great care."),
    ("product", "quote", "'Your app is the first thing I open in the morning', said a "
     "pharmacist."),
]

# Spoken framings leaders add; they vary the wording without changing the meaning.
FRAMES = ["{}", "{}", "{}", "Heard today: {}", "Noted during the session: {}",
          "Again this week — {}", "{} (seen twice)", "Worth flagging: {}"]
