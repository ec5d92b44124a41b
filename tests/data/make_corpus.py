"""Writes tests/data/corpus.jsonl: a small corpus written for unspun's tests.

Three stories, each with an original, an exact copy under another id, a light edit and
a heavy rewrite; unrelated distractors; and "near-miss" articles on the same topic
that are different stories. Run this file to regenerate the JSONL.
"""

import json
from pathlib import Path

STORIES = {
    "flood": {
        "original": (
            "Flood barriers on the River Wend failed on Sunday night, forcing 1,200 residents of Millbrook to leave their homes. "
            "The county council said water rose 2.3 metres above normal within six hours. "
            "Emergency crews rescued 45 people from cars and rooftops, the fire service said. "
            "Council leader Anita Rowe said the barriers had been inspected in March and declared safe. "
            "A temporary shelter has opened at Millbrook Community School, and officials expect families to stay there until Friday."
        ),
        "edit": (
            "Flood barriers on the River Wend failed late on Sunday, forcing 1,200 residents of Millbrook from their homes. "
            "The county council said the water rose 2.3 metres above its normal level within six hours. "
            "Emergency crews rescued 45 people from cars and rooftops, according to the fire service. "
            "Council leader Anita Rowe said the barriers had been inspected in March and found safe. "
            "A temporary shelter is open at Millbrook Community School, where families are expected to stay until Friday."
        ),
        "rewrite": (
            "Residents of Millbrook woke to chaos after the River Wend broke through its defences overnight. "
            "Some 1,200 people have been told to abandon their homes as the river climbed 2.3 metres in just six hours, according to county officials. "
            "Firefighters pulled 45 people to safety, many of them stranded on roofs or in vehicles. "
            "Anita Rowe, who leads the council, insisted the defences had passed an inspection only in March. "
            "Displaced families are being housed at the local community school, probably until the end of the week. "
            "Many locals say they have lost everything, and questions about the barriers are mounting."
        ),
    },
    "chip": {
        "original": (
            "Solvane Technologies will build a 4.5 billion dollar chip factory near the port city of Kestrel, the company announced on Tuesday. "
            "The plant will employ about 3,000 people when it opens in 2028. "
            "Chief executive Marcus Ilves said the site was chosen for its water supply and skilled workforce. "
            "The national government has agreed to provide 600 million dollars in subsidies. "
            "Construction is due to begin in the autumn."
        ),
        "edit": (
            "Solvane Technologies is to build a $4.5 billion chip factory near the port city of Kestrel, the company said on Tuesday. "
            "The plant will employ around 3,000 people when it opens in 2028. "
            "Chief executive Marcus Ilves said the location was picked for its water supply and skilled workers. "
            "The national government has agreed to provide $600 million in subsidies. "
            "Building work is due to start in the autumn."
        ),
        "rewrite": (
            "Kestrel is set to become home to one of the region's largest semiconductor plants. "
            "In an announcement on Tuesday, Solvane Technologies revealed plans for a factory worth 4.5 billion dollars close to the port. "
            "Once running in 2028, the facility should create roughly 3,000 jobs. "
            "Marcus Ilves, the firm's chief executive, pointed to plentiful water and a well-trained labour pool as the reasons for picking the area. "
            "State support worth 600 million dollars has been promised, and builders are expected to move in this autumn."
        ),
    },
    "strike": {
        "original": (
            "Train drivers on the Northern Line will strike for 48 hours from Thursday after pay talks collapsed, their union said. "
            "The union, Rail Workers United, wants a 9 percent pay rise over two years. "
            "The operator, Metrolink, has offered 5 percent and said the demand was unaffordable. "
            "About 400,000 passengers use the line every weekday. "
            "Transport minister Olu Bankole urged both sides to return to talks."
        ),
        "edit": (
            "Train drivers on the Northern Line will walk out for 48 hours from Thursday after pay talks broke down, their union said. "
            "The union, Rail Workers United, is seeking a 9% pay rise over two years. "
            "The operator, Metrolink, has offered 5% and said the demand was unaffordable. "
            "Some 400,000 passengers use the line each weekday. "
            "Transport minister Olu Bankole urged both sides to go back to the table."
        ),
        "rewrite": (
            "Commuters face two days of disruption as Northern Line drivers prepare to down tools on Thursday. "
            "Rail Workers United called the 48-hour stoppage after negotiations over pay fell apart. "
            "Drivers are asking for 9 percent spread across two years, while Metrolink says it cannot go beyond 5 percent. "
            "Roughly 400,000 people rely on the route on a typical weekday. "
            "Olu Bankole, the transport minister, appealed to the union and the operator to resume negotiations."
        ),
    },
}

DISTRACTORS = [
    "The city orchestra will open its new season with Mahler's second symphony under guest conductor Ines Varga. "
    "Tickets go on sale next Monday, and the orchestra says it has sold more subscriptions than in any year since 2015. "
    "The season also includes three premieres by young composers.",
    "A rare white stork has been spotted nesting on a church roof in the village of Hollin for the first time in a century. "
    "Birdwatchers have travelled from across the country to see it. "
    "The local wildlife trust asked visitors to keep their distance.",
    "The national football team beat Ardenia 3-1 in a friendly on Saturday, with two goals from striker Teo Malik. "
    "Coach Ruth Hale said the young side showed promise ahead of the qualifiers. "
    "The team plays again in October.",
]

NEAR_MISS = [
    # Same topic as "flood", different story (another river, another town, another year).
    "The River Tarn burst its banks in Eastwold on Wednesday, flooding 80 homes and closing the main road to the coast. "
    "The environment agency said the river peaked at 1.1 metres above normal after two days of rain. "
    "No one was hurt, and most residents were able to stay in their homes.",
    # Same topic as "strike", different story.
    "Bus drivers in Corven have accepted a 6 percent pay offer, ending a dispute that had threatened weekend services. "
    "The agreement covers 2,500 drivers and runs for 18 months. "
    "Union officials said members voted by a large majority to accept it.",
]


def records():
    out = []
    for name, versions in STORIES.items():
        out.append({"id": f"{name}-original", "text": versions["original"], "source": "wire.example", "published": "2024-05-06"})
        out.append({"id": f"{name}-copy", "text": versions["original"], "source": "mirror.example", "published": "2024-05-07"})
        out.append({"id": f"{name}-edit", "text": versions["edit"], "source": "daily.example", "published": "2024-05-07"})
        out.append({"id": f"{name}-rewrite", "text": versions["rewrite"], "source": "farm.example", "published": "2024-05-08"})
    for k, text in enumerate(DISTRACTORS):
        out.append({"id": f"other-{k}", "text": text, "source": "local.example"})
    for k, text in enumerate(NEAR_MISS):
        out.append({"id": f"nearmiss-{k}", "text": text, "source": "local.example"})
    return out


if __name__ == "__main__":
    path = Path(__file__).with_name("corpus.jsonl")
    path.write_text("".join(json.dumps(r) + "\n" for r in records()))
    print(f"wrote {path}")
