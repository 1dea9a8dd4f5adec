"""The demo briefings shipped with the site: India–China talks of January 2025."""

DEMO_AUTHOR = {"username": "foreign-desk", "first_name": "Foreign", "last_name": "Desk"}

# What the demo topics are; the rest stay subjects.
TOPICS = {
    "India": {"kind": "country", "same_as": "https://www.wikidata.org/wiki/Q668"},
    "China": {"kind": "country", "same_as": "https://www.wikidata.org/wiki/Q148"},
    "SCO": {"kind": "organisation"},
    "LAC": {"kind": "place"},
    "75th anniversary": {"kind": "event"},
}
# Their other names, (name, language), in the scripts the desk reads.
OTHER_NAMES = {
    "SCO": [("Shanghai Cooperation Organisation", "en"), ("ШОС", "ru"),
            ("上海合作组织", "zh"), ("शंघाई सहयोग संगठन", "hi")],
    "India": [("भारत", "hi"), ("印度", "zh")],
    "China": [("中国", "zh"), ("चीन", "hi")],
    "LAC": [("Line of Actual Control", "en")],
}  # fmt: skip

BRIEFINGS = [
    {
        "slug": "misri-opens-two-days-of-talks-in-beijing",
        "title": "Misri opens two days of talks in Beijing",
        "published_at": "2025-01-26T09:00:00+00:00",
        "standfirst": "India's Foreign Secretary Vikram Misri arrived in Beijing for two days "
        "of talks, the most senior Indian diplomatic visit since the two sides eased "
        "their border standoff.",
        "tags": ["India", "China", "border talks"],
        "image_caption": "Misri's visit runs from 26 to 27 January.",
        "body": """
Foreign Secretary Vikram Misri began a two-day visit to Beijing on 26 January,
with meetings scheduled with Chinese Foreign Minister Wang Yi and with Liu Jianchao,
head of the Communist Party's International Department.

## Why the visit matters

Relations between the two countries have been strained since the 2020 military
standoff in Ladakh. The visit follows two steps taken in late 2024:

- an agreement in October on patrolling arrangements at friction points on the
  Line of Actual Control (LAC);
- the meeting of Prime Minister Narendra Modi and President Xi Jinping at the
  BRICS summit in Kazan, where both agreed on steps to normalise relations.

## On the agenda

Officials listed the border, pilgrimages, flights and visas, river data and the
75th anniversary of diplomatic ties among the subjects for discussion.
""",
    },
    {
        "slug": "border-patrolling-agreement-under-review",
        "title": "Border patrolling agreement under review",
        "published_at": "2025-01-27T08:00:00+00:00",
        "standfirst": "The October 2024 arrangements for patrolling friction points on the "
        "Line of Actual Control were reviewed, with both sides looking to de-escalation.",
        "tags": ["border talks", "LAC", "India", "China"],
        "image_caption": "The Line of Actual Control runs through the Himalaya.",
        "body": """
The talks in Beijing took stock of the patrolling arrangements that India and
China agreed in October 2024 for friction points on the **Line of Actual Control**,
including the *Depsang Plains* and *Demchok*.

## From disengagement to de-escalation

The October agreement restored patrolling at points where troops had faced each
other since 2020. The next step discussed is de-escalation: reducing the number
of troops deployed close to the LAC.

## Background

National Security Adviser Ajit Doval visited Beijing in December 2024, the first
high-level meeting of the special representatives on the boundary question in
several years.
""",
    },
    {
        "slug": "kailash-mansarovar-yatra-and-direct-flights",
        "title": "Pilgrimage and direct flights set to resume",
        "published_at": "2025-01-27T14:00:00+00:00",
        "standfirst": "India and China discussed resuming the Kailash Mansarovar Yatra and "
        "direct flights, and easing visas, as steps that touch ordinary travellers.",
        "tags": ["Kailash Mansarovar Yatra", "connectivity", "visas", "India", "China"],
        "image_caption": "Mount Kailash lies in Tibet, north of the Indian border.",
        "body": """
Among the most concrete subjects of the Beijing talks were steps affecting people
who travel between the two countries.

## The pilgrimage

The **Kailash Mansarovar Yatra**, an annual pilgrimage by Indian pilgrims to Mount
Kailash and Lake Mansarovar in Tibet, has been suspended since the pandemic. Its
resumption was on the agenda.

## Flights and visas

- Direct flights between India and China, halted since 2020, were discussed.
- Both sides considered easing visa procedures.
- People-to-people exchanges, including among media and think tanks, were raised.
""",
    },
    {
        "slug": "river-data-sharing-back-on-the-table",
        "title": "River data sharing back on the table",
        "published_at": "2025-01-27T18:00:00+00:00",
        "standfirst": "Resuming the exchange of hydrological data on trans-border rivers was "
        "one of the subjects of the talks, amid Indian concern over upstream dams.",
        "tags": ["trans-border rivers", "water security", "India", "China"],
        "image_caption": "Rivers rising in Tibet flow into India.",
        "body": """
India and China discussed resuming the sharing of hydrological data on rivers that
flow from Tibet into India. The data help downstream authorities prepare for floods
in the monsoon season.

## Concerns downstream

In India there is concern over Chinese hydropower projects near Arunachal Pradesh
and what they may mean for **water security** downstream. Data sharing is one of
the few existing channels of cooperation on the rivers.

## Expert-level mechanism

The two countries have an expert-level mechanism on trans-border rivers; reviving
its meetings was among the steps considered.
""",
    },
    {
        "slug": "75th-anniversary-of-diplomatic-relations",
        "title": "Seventy-five years of diplomatic relations",
        "published_at": "2025-01-28T08:00:00+00:00",
        "standfirst": "India and China established diplomatic relations in 1950; the 75th "
        "anniversary in 2025 gives both governments an occasion for public events.",
        "tags": ["75th anniversary", "India", "China", "Kazan consensus"],
        "image_caption": "Diplomatic relations were established in 1950.",
        "body": """
India was among the first countries to establish diplomatic relations with the
People's Republic of China, in 1950. The anniversary falls in 2025.

## An occasion for outreach

During the Beijing talks, the two sides discussed marking the 75th anniversary
with events to improve public understanding and restore trust.

## Part of a wider thaw

The anniversary comes as both governments act on the understanding reached by
Prime Minister Modi and President Xi at Kazan in 2024.
""",
    },
    {
        "slug": "from-kazan-to-beijing",
        "title": "From Kazan to Beijing: how the thaw took shape",
        "published_at": "2025-01-28T12:00:00+00:00",
        "standfirst": "The January talks built on the Kazan consensus of October 2024, when "
        "Modi and Xi agreed on steps to normalise relations.",
        "tags": ["Kazan consensus", "border talks", "LAC", "India", "China"],
        "image_caption": "The BRICS summit in Kazan was held in October 2024.",
        "body": """
The meeting of Prime Minister Narendra Modi and President Xi Jinping at the BRICS
summit in Kazan in 2024 set out what is now called the *Kazan consensus*: steps to
normalise relations after four years of tension.

## The sequence

1. October 2024: agreement on patrolling at friction points on the LAC.
2. Kazan, 2024: Modi and Xi agree on steps to normalise relations.
3. December 2024: National Security Adviser Ajit Doval visits Beijing.
4. January 2025: Foreign Secretary Vikram Misri holds talks in Beijing.

## What each side stressed

Wang Yi called for concrete steps to build trust and reduce suspicion. Misri spoke
of resolving differences through dialogue while advancing practical cooperation.
""",
    },
    {
        "slug": "china-sco-chairmanship",
        "title": "China's SCO chairmanship frames the regional calendar",
        "published_at": "2025-01-28T16:00:00+00:00",
        "standfirst": "China chairs the Shanghai Cooperation Organisation, and India's "
        "participation in its meetings was among the subjects of the talks.",
        "tags": ["SCO", "China", "India"],
        "image_caption": "India is a member of the Shanghai Cooperation Organisation.",
        "body": """
China currently holds the chairmanship of the **Shanghai Cooperation Organisation
(SCO)**, a regional grouping of which India is a member.

## Why it matters for India

SCO meetings bring Indian and Chinese ministers together several times a year.
During the Beijing talks, China's chairmanship was discussed alongside the
bilateral agenda.

## Party-to-party ties

Liu Jianchao of the Communist Party's International Department stressed
party-to-party as well as government-to-government ties in his meeting with
Misri.
""",
    },
    {
        "slug": "apps-films-and-economic-irritants",
        "title": "Apps, films and other irritants raised",
        "published_at": "2025-01-28T19:00:00+00:00",
        "standfirst": "India's ban on Chinese mobile apps and limits on Indian films in "
        "Chinese cinemas came up as the two sides listed practical irritants.",
        "tags": ["India", "China", "connectivity"],
        "image_caption": "India banned a number of Chinese apps from 2020.",
        "body": """
Alongside the border and the rivers, the Beijing talks touched on economic and
cultural irritants.

## Apps and films

- India has banned a number of Chinese mobile apps since 2020.
- China limits the number of Indian films shown in its cinemas.

## Practical cooperation

Both sides presented these as questions to be handled through dialogue, in line
with the wider aim of advancing practical cooperation.
""",
    },
]
