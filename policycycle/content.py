"""The toolkit's starting content: stages, activities, techniques, case studies and testimonials.

Written for this portal. Case studies state only what their cited sources say, and every fact links to
its source; where no source gives a figure, none is given here. Staff edit all of it afterwards (history
keeps every version). `toolkit_seed` never overwrites what a person has edited; a case study nobody has
edited follows this file when its text here changes.
"""

from __future__ import annotations

from typing import Any

# Sources, as (title, address). Every fact in a case study names one of them; nothing is stated that
# its source does not say.
DH_STRATEGY = (
    "Department of Health, Digital strategy (December 2012)",
    "https://webarchive.nationalarchives.gov.uk/20140505100235/http:/digitalhealth.dh.gov.uk/digital-strategy/",
)
GDS_CASE_STUDY = (
    "Government Digital Strategy (2012), case study: open policy making on the draft Care and Support Bill",
    "https://github.com/alphagov/government-digital-strategy",
)
CARE_BILL_RESPONSES = (
    "Summary of responses to the draft Care and Support Bill consultation, as reported by Tendering for Care",
    "http://tenderingforcare.com/about/news/care-and-support-bill-consultation",
)
JOINT_COMMITTEE = (
    "Joint Committee on the Draft Care and Support Bill, Report (HL Paper 143, HC 822, March 2013), "
    "chapter 1",
    "https://publications.parliament.uk/pa/jt201213/jtselect/jtcare/143/14304.htm",
)
MAPS_AND_APPS_NEWS = (
    "GOV.UK news story: Read all about your favourite health apps and ideas",
    "https://www.gov.uk/government/news/read-all-about-your-favourite-health-apps-and-ideas",
)
MAPS_AND_APPS_LAUNCH = (
    "Wired UK, 22 August 2011: the Health Secretary's competition for health app ideas",
    "http://www.wired.co.uk/news/archive/2011-08/22/nhs-apps",
)
CARING_FOR_OUR_FUTURE = (
    "Caring for our future (Department of Health site, archived): Queen's Speech announces draft Care and "
    "Support Bill, 9 May 2012",
    "https://webarchive.nationalarchives.gov.uk/20130919143551/http:/caringforourfuture.dh.gov.uk/2012/05/09/"
    "queens-speech-announces-draft-care-and-support-bill/",
)
CARING_FOR_OUR_FUTURE_LAUNCH = (
    "National Elf Service: Caring for our future, Department of Health launch consultation on social care "
    "reform (15 September 2011)",
    "https://nationalelfservice.net/publication-types/legislation/"
    "caring-for-our-future-department-of-health-launch-consultation-on-social-care-reform",
)
CARING_FOR_OUR_FUTURE_WORKSHOP = (
    "Summary of the final Caring for our future engagement workshop",
    "https://dementiapartnerships.com/summary-caring-for-our-future-workshop/",
)
CARE_BILL_NOTES = (
    "Explanatory notes to the Care Bill, as brought from the House of Lords on 30 October 2013",
    "https://publications.parliament.uk/pa/bills/cbill/2013-2014/0123/en/14123en.htm",
)
SOCIAL_SIMULATOR = (
    "Department of Health digital blog: Testing our response to a social media crisis",
    "http://digitalhealth.dh.gov.uk/social-simulator/",
)
STOPTOBER_EVALUATION = (
    "Brown J, Kotz D, Michie S, Stapleton J, Walmsley M, West R. How effective and cost-effective was the "
    "national mass media smoking cessation campaign 'Stoptober'? Drug and Alcohol Dependence 2014; "
    "135: 52-58",
    "https://doi.org/10.1016/j.drugalcdep.2013.11.003",
)


def facts(*items: tuple[str, tuple[str, str]]) -> str:
    """A case study's facts as a Markdown list, each fact followed by a link to its source."""
    return "\n".join(f"- {text} ([{title}]({url}))" for text, (title, url) in items)


STAGES: list[dict[str, Any]] = [
    {
        "slug": "shaping",
        "number": 1,
        "name": "Shaping the policy product",
        "summary": "Work out what the problem is, who it affects and what could be done, before any "
        "option is fixed.",
        "description": "At the start, the most useful thing digital can do is widen the field of view: "
        "find out what people already say about the problem, who is influential, and what "
        "ideas exist outside the department.",
        "activities": [
            (
                "gathering-evidence",
                "Gathering evidence",
                "Find what is already known and said: research, data, and conversations already "
                "happening online.",
            ),
            (
                "collecting-ideas",
                "Collecting ideas",
                "Invite people to suggest ideas and vote on each other's, so good ones surface early.",
            ),
        ],
    },
    {
        "slug": "engaging",
        "number": 2,
        "name": "Engaging stakeholders",
        "summary": "Talk with the people affected and the people who will deliver the policy, in the "
        "places they already are.",
        "description": "Engagement works when it is two-way: people see their contribution, others can "
        "reply to it, and the team answers. Combine online spaces with events so that people "
        "who are not online are heard too.",
        "activities": [
            (
                "talking-to-people",
                "Talking to people",
                "Conversations with the public and professionals: online chats, events, social media.",
            ),
            (
                "working-with-others",
                "Working with others",
                "Drafting and testing proposals together with experts, delivery partners and other "
                "departments.",
            ),
        ],
    },
    {
        "slug": "analysis",
        "number": 3,
        "name": "Building robust analysis and evaluation",
        "summary": "Ask precise questions about a concrete proposal and analyse every answer, so the "
        "decision rests on evidence.",
        "description": "Once there is a draft, comments can be tied to the exact clause or question they "
        "are about. That makes analysis faster and lets the team show, clause by clause, "
        "what changed as a result.",
        "activities": [
            (
                "asking-questions",
                "Asking questions",
                "Formal consultation questions and comments on a draft, clause by clause.",
            ),
            (
                "analysing-responses",
                "Analysing responses",
                "Reading, tagging and summarising every response, and detecting campaigns.",
            ),
        ],
    },
    {
        "slug": "delivery",
        "number": 4,
        "name": "Finding practical solutions and enabling delivery",
        "summary": "Explain the final policy to the people it affects, help them act on it, and measure "
        "whether it worked.",
        "description": "Delivery is where a policy meets real life. Explain it plainly, prepare for what "
        "can go wrong in public, and measure reach and results so the next policy starts "
        "from evidence.",
        "activities": [
            (
                "evaluating-what-works",
                "Evaluating what works",
                "Measuring reach, engagement and the effect of contributions on the policy.",
            ),
            (
                "explaining-policy",
                "Explaining policy",
                "Plain-English explanations, summaries and campaigns that help people act.",
            ),
        ],
    },
]

ALL_AUDIENCES = ["public", "professionals", "organisations", "seldom_heard"]

TECHNIQUES: list[dict[str, Any]] = [
    {
        "slug": "influencer-mapping",
        "name": "Influencer mapping",
        "effort": "low",
        "portal_feature": "",
        "stages": ["shaping", "engaging"],
        "activities": ["gathering-evidence", "talking-to-people"],
        "audiences": ["organisations", "professionals"],
        "summary": "A map of the people and organisations who shape the conversation about an issue "
        "online: who they are, who listens to them, and what they say.",
        "when_to_use": "Early, before you engage, so you know whom to invite and where the conversation "
        "already happens. Refresh it before each big moment such as publishing a draft.",
        "risks": "A map of loud voices is not a map of affected people. Keep personal data to what is "
        "public and needed, and do not treat influence as agreement.",
        "accessibility": "Publish the resulting invitation list and channels so that others can ask to "
        "be added.",
        "assisted_digital": "Add organisations that represent people who are not online (carers' groups, "
        "local charities) by asking front-line staff, not only by searching.",
    },
    {
        "slug": "social-media-monitoring",
        "name": "Social media monitoring",
        "effort": "low",
        "portal_feature": "",
        "stages": ["shaping", "analysis"],
        "activities": ["gathering-evidence", "analysing-responses"],
        "audiences": ["public", "professionals"],
        "summary": "Following what people say in public about a topic, using searches and hashtags, to "
        "spot concerns, misunderstandings and ideas.",
        "when_to_use": "Throughout, and especially after publishing something: it shows what people "
        "understood and what worried them.",
        "risks": "Social media is not a representative sample. Do not collect more personal data than "
        "the task needs, and never quote individuals without care.",
        "accessibility": "Report what you learn in plain text, not only as charts.",
        "assisted_digital": "Balance it with what helplines, front-line staff and post tell you.",
    },
    {
        "slug": "crowd-sourcing-ideas",
        "name": "Crowd-sourcing ideas",
        "effort": "medium",
        "portal_feature": "ideas",
        "stages": ["shaping"],
        "activities": ["collecting-ideas"],
        "audiences": ["public", "professionals", "organisations"],
        "summary": "An open call for ideas that people can post, vote on and discuss, so the most useful "
        "ones rise to the top.",
        "when_to_use": "When the problem is clear but the solutions are not, and people outside "
        "government are likely to know things you do not.",
        "risks": "Votes can be organised by campaigns; say in advance how ideas will be judged, and "
        "close the loop by saying what happened to them.",
        "accessibility": "Keep the submission form short; accept ideas by email or post as well.",
        "assisted_digital": "Officials can enter ideas received at events or by post on someone's behalf.",
    },
    {
        "slug": "commentable-documents",
        "name": "Commentable documents",
        "effort": "medium",
        "portal_feature": "draft_bill",
        "stages": ["engaging", "analysis"],
        "activities": ["asking-questions", "working-with-others"],
        "audiences": ["public", "organisations", "professionals"],
        "summary": "Publishing a draft (a bill, a guidance document) so that anyone can comment on each "
        "clause and reply to each other, in public.",
        "when_to_use": "When there is a concrete text and the detail matters: the comments land on the "
        "exact words they are about, which makes analysis and a clause-by-clause response "
        "possible.",
        "risks": "Legal text is hard to read: publish a plain-English summary next to each clause. "
        "Comments need moderating and a published response.",
        "accessibility": "Each clause has its own page and heading structure; offer accessible formats on "
        "request.",
        "assisted_digital": "Comments by email and post are entered against the right clause by the team.",
    },
    {
        "slug": "formal-online-consultation",
        "name": "Formal online consultation",
        "effort": "high",
        "portal_feature": "formal",
        "is_formal_consultation": True,
        "stages": ["analysis"],
        "activities": ["asking-questions", "analysing-responses"],
        "audiences": ALL_AUDIENCES,
        "summary": "A public consultation with questions, a closing date and a published government "
        "response, meeting the minimum digital standard.",
        "when_to_use": "When the law or the consultation principles require one, or when a decision "
        "needs a documented public record of views.",
        "risks": "Large campaigns and form letters are normal; plan the analysis and the time to publish "
        "a response before you open.",
        "accessibility": "Questions in plain English, accessible formats on request, enough time "
        "(usually twelve weeks).",
        "assisted_digital": "Always give an email address, a postal address and a phone number; responses "
        "by any channel are recorded with the online ones.",
    },
    {
        "slug": "digital-engagement-events",
        "name": "Digital engagement events",
        "effort": "medium",
        "portal_feature": "event",
        "stages": ["engaging"],
        "activities": ["talking-to-people", "working-with-others"],
        "audiences": ["professionals", "organisations", "seldom_heard", "public"],
        "summary": "Events (online, in person or both) linked to a consultation, whose discussions are "
        "recorded against it so they count alongside online responses.",
        "when_to_use": "To reach people who will not respond to a document, and to explore an issue in "
        "depth with those who deliver services.",
        "risks": "Events reach few people each; record what was said faithfully and publish a summary.",
        "accessibility": "Step-free venues, captions and transcripts for online sessions, materials in "
        "advance.",
        "assisted_digital": "Partner organisations can host local sessions for people who are not online.",
    },
    {
        "slug": "social-media-conversations",
        "name": "Social media conversations",
        "effort": "low",
        "portal_feature": "",
        "stages": ["engaging", "delivery"],
        "activities": ["talking-to-people", "explaining-policy"],
        "audiences": ["professionals", "public"],
        "summary": "Leaders and teams talking directly with people on social media: answering questions, "
        "hosting scheduled chats, sharing work in progress.",
        "when_to_use": "When a professional community is already active online and a senior voice can "
        "join it regularly.",
        "risks": "Needs a named person's time and judgement; agree in advance what can be said during "
        "sensitive periods.",
        "accessibility": "Use plain language, describe images, and use camel case in hashtags.",
        "assisted_digital": "Repeat the key messages through newsletters and professional bodies.",
    },
    {
        "slug": "plain-english-explainers",
        "name": "Plain-English explainers",
        "effort": "low",
        "portal_feature": "",
        "stages": ["delivery", "engaging"],
        "activities": ["explaining-policy"],
        "audiences": ["public", "seldom_heard"],
        "summary": "Short explanations of what a policy or clause means for people, published next to "
        "the formal text and shared on social media.",
        "when_to_use": "Whenever you publish something formal, and after the decision, so people "
        "understand what changes for them.",
        "risks": "A summary must not change the meaning; have the policy lead check each one.",
        "accessibility": "Write for a reading age of about nine; offer easy-read versions.",
        "assisted_digital": "Print versions for distribution through local services.",
    },
    {
        "slug": "online-metrics",
        "name": "Online metrics",
        "effort": "low",
        "portal_feature": "evaluation",
        "stages": ["delivery", "analysis"],
        "activities": ["evaluating-what-works"],
        "audiences": ["internal"],
        "summary": "Measuring reach and engagement (visitors, respondents, comments per clause, channels) "
        "and what changed as a result, to learn what worked.",
        "when_to_use": "Decide the measures before you start; review them during and after every "
        "exercise and compare with earlier projects.",
        "risks": "Counting clicks is not measuring influence; pair numbers with what changed in the "
        "policy. Avoid invasive tracking.",
        "accessibility": "Report figures in tables, not only in charts.",
        "assisted_digital": "Count responses by post, email and at events, not only online ones.",
    },
    {
        "slug": "crisis-simulation",
        "name": "Social media crisis simulation",
        "effort": "medium",
        "portal_feature": "",
        "stages": ["delivery"],
        "activities": ["working-with-others", "explaining-policy"],
        "audiences": ["internal"],
        "summary": "A rehearsal in which a team responds, in real time, to a simulated public incident "
        "unfolding on social media.",
        "when_to_use": "Before launching something that could go wrong in public, or to train a team "
        "that will handle urgent communications.",
        "risks": "Keep the simulation closed so no simulated message can be mistaken for a real one.",
        "accessibility": "Make sure the exercise tools work with the assistive technology staff use.",
        "assisted_digital": "Include the non-digital channels (phone lines, press) in the scenario.",
    },
]

CASE_STUDIES: list[dict[str, Any]] = [
    {
        "slug": "draft-care-and-support-bill",
        "title": "The draft Care and Support Bill, clause by clause",
        "organisation": "Department of Health",
        "year": 2012,
        "position": 1,
        "source": GDS_CASE_STUDY,
        "stages": ["engaging", "analysis"],
        "techniques": ["commentable-documents", "plain-english-explainers", "social-media-conversations"],
        "summary": "The department published a draft bill online so that anyone could comment on each "
        "clause, answer questions by topic and reply to each other.",
        "body": facts(
            (
                "The draft Bill was published on 11 July 2012, and the public consultation on it ran until "
                "19 October 2012.",
                CARE_BILL_RESPONSES,
            ),
            (
                "Part 1 of the draft Bill, on care and support, was clauses 1 to 53; Part 2, clauses 54 to "
                "77, dealt with health education, health research and two health regulators.",
                JOINT_COMMITTEE,
            ),
            (
                "People could comment publicly on individual clauses, answer questions by topic, or reply to "
                "other people's comments: the first time a government department had made a draft Bill "
                "available for comment online in this way and at such an early stage.",
                GDS_CASE_STUDY,
            ),
            (
                "A dedicated Twitter feed, @caresupportbill, summarised each clause in a tweet.",
                GDS_CASE_STUDY,
            ),
            (
                "The Department's summary of the responses reported over 1,000 comments, with around 430 "
                "unique respondents commenting by email, by post and on the draft Bill's own website.",
                CARE_BILL_RESPONSES,
            ),
        ),
        "testimonials": [
            {
                "person": "Stephen Hale",
                "role": "Head of Digital, Department of Health",
                "quote": "Of all the things we've done with digital and policy making, inviting comments "
                "on a "
                "draft bill provides the clearest potential route for digital engagement to feed "
                "directly into the policy-making process.",
            },
            {
                "person": "Rachel Neaman",
                "role": "Departmental Digital Leader, Department of Health",
                "quote": "By opening up the draft Bill to online comments, we enabled anyone to help shape "
                "the "
                "legislation, not just the main stakeholder organisations who will give evidence in "
                "Parliamentary pre-legislative scrutiny",
            },
        ],
    },
    {
        "slug": "maps-and-apps",
        "title": "Maps and Apps: crowd-sourcing ideas for health apps",
        "organisation": "Department of Health",
        "year": 2011,
        "position": 2,
        "source": MAPS_AND_APPS_NEWS,
        "stages": ["shaping"],
        "techniques": ["crowd-sourcing-ideas"],
        "summary": "For six weeks the department asked people to put forward ideas and favourite apps "
        "for health and care, and to vote and comment on each other's suggestions.",
        "body": facts(
            (
                "The Health Secretary launched it in August 2011, inviting developers, doctors and patients "
                "to suggest ideas for new health apps and their favourite existing ones over six weeks.",
                MAPS_AND_APPS_LAUNCH,
            ),
            (
                "By the time it closed to new entries, more than 490 suggestions had been posted, along with "
                "7,625 votes and almost 900 comments.",
                MAPS_AND_APPS_NEWS,
            ),
            (
                "A panel of independent judges chose favourites in two categories: ideas for new health "
                "apps, and favourite existing apps.",
                MAPS_AND_APPS_NEWS,
            ),
        ),
        "testimonials": [],
    },
    {
        "slug": "caring-for-our-future",
        "title": "Caring for our future: engagement with linked events",
        "organisation": "Department of Health",
        "year": 2011,
        "position": 3,
        "source": CARING_FOR_OUR_FUTURE,
        "stages": ["engaging"],
        "techniques": ["digital-engagement-events", "commentable-documents"],
        "summary": "An engagement exercise on the priorities for reforming care and support, run with the "
        "care and support sector, whose discussions and events fed the White Paper of the same name.",
        "body": facts(
            (
                "It was launched on 15 September 2011 and ran until early December 2011, asking people who "
                "use care and support, carers, councils, care providers and the voluntary sector about "
                "their priorities for improving care and support.",
                CARING_FOR_OUR_FUTURE_LAUNCH,
            ),
            (
                "The Department described it as co-led with the care and support sector, and as central to "
                "developing its vision for care and support.",
                CARING_FOR_OUR_FUTURE,
            ),
            (
                "Its final workshop brought together the discussion leaders and the reference group to "
                "describe what care and support should look like in 2025 and the practical steps to get "
                "there.",
                CARING_FOR_OUR_FUTURE_WORKSHOP,
            ),
            (
                "The White Paper that followed, Caring for our future: reforming care and support "
                "(Cm 8378), was published in July 2012.",
                CARE_BILL_NOTES,
            ),
        ),
        "testimonials": [],
    },
    {
        "slug": "nursing-social-media",
        "title": "Social media engagement by the Director of Nursing",
        "organisation": "Department of Health",
        "year": None,
        "position": 4,
        "source": DH_STRATEGY,
        "stages": ["engaging", "delivery"],
        "techniques": ["social-media-conversations", "influencer-mapping"],
        "summary": "The department's Director of Nursing used social media to follow news and to join up "
        "nursing and midwifery communications through organised \u2018nurse chats\u2019.",
        "body": facts(
            (
                "The department's digital strategy gives, under \u2018People talking to people\u2019, Viv "
                "Bennett's account as Director of Nursing of how she used social media: for up-to-date news, "
                "and to join up nursing and midwifery communications through organised \u2018nurse "
                "chats\u2019.",
                DH_STRATEGY,
            ),
        ),
        "testimonials": [
            {
                "person": "Viv Bennett",
                "role": "Director of Nursing, Department of Health",
                "quote": "it has proved a valuable communication tool that I wouldn't want to be without",
            },
        ],
    },
    {
        "slug": "social-media-crisis-simulation",
        "title": "A social media crisis simulation",
        "organisation": "Department of Health",
        "year": None,
        "position": 5,
        "source": SOCIAL_SIMULATOR,
        "stages": ["delivery"],
        "techniques": ["crisis-simulation"],
        "summary": "A rehearsal of how the department would handle a public crisis unfolding on social "
        "media, run in a closed environment.",
        "body": facts(
            (
                "A team of Department of Health staff from press, speechwriting, private office, "
                "communications and digital took part in a \u2018social simulator\u2019 run by Helpful "
                "Technology, to prepare for responding to a crisis such as a flu pandemic.",
                SOCIAL_SIMULATOR,
            ),
            (
                "It took place in a private, closed environment: a crisis broke, the team responded mainly "
                "on simulated social media, and another team played stakeholders and the public.",
                SOCIAL_SIMULATOR,
            ),
            (
                "The team's own account says the consistency of its messages was where it was most often "
                "tripped up, and that a player working from the office rather than the room felt out of "
                "the loop.",
                SOCIAL_SIMULATOR,
            ),
        ),
        "testimonials": [],
    },
    {
        "slug": "stoptober",
        "title": "Stoptober",
        "organisation": "Department of Health",
        "year": 2012,
        "position": 6,
        "source": STOPTOBER_EVALUATION,
        "stages": ["delivery"],
        "techniques": ["social-media-conversations", "online-metrics"],
        "summary": "A national stop-smoking campaign through traditional and new media that set smokers one "
        "clear goal, and was then evaluated against national survey data.",
        "body": facts(
            (
                "Launched across England in late 2012, it set smokers the goal of being smoke-free for "
                "October, through both traditional and new media.",
                STOPTOBER_EVALUATION,
            ),
            (
                "An evaluation using monthly national household surveys of 31,566 past-year smokers found "
                "about 50% more quit attempts in October 2012 than in the other months of that year (9.6% "
                "against 6.6%), and estimated that the campaign generated an additional 350,000 quit "
                "attempts.",
                STOPTOBER_EVALUATION,
            ),
            (
                "The same evaluation estimated 10,400 discounted life years saved, at less than \u00a3415 "
                "each in the most common age group.",
                STOPTOBER_EVALUATION,
            ),
        ),
        "testimonials": [],
    },
]
