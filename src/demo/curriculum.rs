//! The demo school's frameworks: syllabus outcomes, general capabilities, co-curricular
//! activities and school values, with the achievements that recognise them.

/// A framework to generate: its category, areas, and competencies per area.
pub struct FrameworkSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub category: &'static str,
    pub mastery_method: &'static str,
    pub areas: &'static [AreaSpec],
}

pub struct AreaSpec {
    pub code: &'static str,
    pub name: &'static str,
    pub competencies: &'static [CompetencySpec],
}

/// (code, name, skill statement, keywords, tag)
pub type CompetencySpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The categories of PRODUCT.md, in the order pages show them.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("curriculum", "Curriculum"),
    ("cross_curriculum", "Cross-curriculum"),
    ("co_curricular", "Co-curricular"),
    ("values", "School values"),
];

/// Rubric levels: (level, name, points, colour). Colours are a colour-blind-safe blue scale.
pub const RUBRIC_LEVELS: &[(i64, &str, f64, &str)] = &[
    (1, "Beginning", 1.0, "#c6dbef"),
    (2, "Developing", 2.0, "#6baed6"),
    (3, "Proficient", 3.0, "#2171b5"),
    (4, "Extending", 4.0, "#08306b"),
];
pub const MASTERY_LEVEL: f64 = 3.0;

pub const FRAMEWORKS: &[FrameworkSpec] = &[
    FrameworkSpec {
        name: "Stage 4 Syllabus Outcomes",
        description: "Outcomes from the Stage 4 English, Mathematics and Science syllabuses.",
        category: "curriculum",
        mastery_method: "decaying_average",
        areas: &[
            AreaSpec {
                code: "EN4",
                name: "English",
                competencies: &[
                    ("EN4-RVL-01", "Reading, viewing and listening", "Uses a range of personal, creative and critical strategies to read texts that are complex in their ideas and construction.", "reading; comprehension; analysis", "Literacy"),
                    ("EN4-URA-01", "Understanding and responding to texts", "Analyses how meaning is created through the use and interpretation of language forms, features and structures.", "interpretation; language features", "Literacy"),
                    ("EN4-ECA-01", "Expressing ideas in writing", "Creates written texts for a range of purposes and audiences, using processes of planning, drafting and revising.", "writing; composition; editing", "Literacy"),
                ],
            },
            AreaSpec {
                code: "MA4",
                name: "Mathematics",
                competencies: &[
                    ("MA4-ALG-C-01", "Algebraic techniques", "Generalises number properties to operate with algebraic expressions including expansion and factorisation.", "algebra; expressions", "Numeracy"),
                    ("MA4-LIN-C-01", "Linear relationships", "Creates and displays number patterns and finds graphical solutions to problems involving linear relationships.", "linear; graphs; patterns", "Numeracy"),
                    ("MA4-DAT-C-01", "Data classification and visualisation", "Classifies and displays data using a variety of graphical representations.", "statistics; data; graphs", "Numeracy"),
                ],
            },
            AreaSpec {
                code: "SC4",
                name: "Science",
                competencies: &[
                    ("SC4-WS-01", "Working scientifically", "Identifies questions and problems that can be tested or researched and makes predictions.", "inquiry; hypothesis", "Inquiry"),
                    ("SC4-WS-02", "Planning and conducting investigations", "Plans and conducts safe, fair investigations, collecting and recording data.", "investigation; method; safety", "Inquiry"),
                    ("SC4-CW-01", "Chemical world", "Describes the observed properties and behaviour of matter using scientific models.", "chemistry; matter; particles", "Inquiry"),
                ],
            },
            AreaSpec {
                code: "HT4",
                name: "History",
                competencies: &[
                    ("HT4-HIS-01", "Historical sources", "Locates, selects and uses information from a range of sources as evidence about the past.", "sources; evidence; history", "Inquiry"),
                    ("HT4-HIS-02", "Historical explanation", "Explains past events and developments, including causes and effects.", "cause; effect; chronology", "Literacy"),
                    ("HT4-HIS-03", "Perspectives and interpretations", "Identifies and describes different perspectives of people in the past.", "perspectives; interpretation", "Thinking"),
                ],
            },
            AreaSpec {
                code: "GE4",
                name: "Geography",
                competencies: &[
                    ("GE4-PLC-01", "Places and environments", "Describes the geographical processes that influence the features and characteristics of places.", "places; environments; processes", "Inquiry"),
                    ("GE4-TLS-01", "Geographical tools", "Acquires and processes information using maps, graphs, fieldwork and spatial technologies.", "maps; fieldwork; data", "Numeracy"),
                    ("GE4-INT-01", "Interconnections", "Explains how people, places and environments are connected, near and far.", "interconnection; sustainability", "Thinking"),
                ],
            },
            AreaSpec {
                code: "TE4",
                name: "Technology",
                competencies: &[
                    ("TE4-DES-01", "Design process", "Designs, produces and evaluates solutions to identified needs and opportunities.", "design; prototyping; evaluation", "Creativity"),
                    ("TE4-DIG-01", "Digital systems", "Explains how digital systems represent data and connect to form networks.", "data; networks; hardware", "Digital"),
                    ("TE4-ALG-01", "Algorithms and programming", "Designs algorithms and implements them in a general-purpose programming language.", "algorithms; coding; debugging", "Digital"),
                ],
            },
            AreaSpec {
                code: "PD4",
                name: "Personal development, health and physical education",
                competencies: &[
                    ("PD4-HLT-01", "Health and wellbeing", "Investigates practices that support and promote health, safety and wellbeing.", "health; safety; wellbeing", "Wellbeing"),
                    ("PD4-MOV-01", "Movement skill", "Refines movement skills and applies them in a variety of physical activities.", "movement; games; skill", "Teamwork"),
                    ("PD4-REL-01", "Respectful relationships", "Explains the skills that build respectful relationships and help others.", "relationships; empathy", "Wellbeing"),
                ],
            },
        ],
    },
    FrameworkSpec {
        name: "General Capabilities",
        description: "Capabilities that run across every subject.",
        category: "cross_curriculum",
        mastery_method: "decaying_average",
        areas: &[
            AreaSpec {
                code: "GC-SOC",
                name: "Working with others",
                competencies: &[
                    ("GC-COL", "Collaboration", "Works with others to share ideas, negotiate roles and reach a shared goal.", "teamwork; cooperation", "Teamwork"),
                    ("GC-COM", "Communication", "Communicates ideas clearly for different audiences and purposes.", "speaking; listening; presenting", "Teamwork"),
                ],
            },
            AreaSpec {
                code: "GC-THK",
                name: "Thinking",
                competencies: &[
                    ("GC-CRT", "Critical thinking", "Analyses and evaluates information and arguments to reach reasoned conclusions.", "reasoning; evaluation", "Thinking"),
                    ("GC-CRE", "Creative thinking", "Generates and develops original ideas and possibilities.", "creativity; ideas", "Thinking"),
                ],
            },
            AreaSpec {
                code: "GC-SELF",
                name: "Personal and ethical",
                competencies: &[
                    ("GC-SMG", "Self-management", "Sets goals, manages time and perseveres with challenging tasks.", "organisation; perseverance", "Wellbeing"),
                    ("GC-ETH", "Ethical understanding", "Explores ethical concepts and reasons about ethical decisions.", "ethics; fairness", "Wellbeing"),
                ],
            },
            AreaSpec {
                code: "GC-CIT",
                name: "Digital and global citizenship",
                competencies: &[
                    ("GC-ICT", "Digital literacy", "Uses digital tools to investigate, create and communicate, safely and responsibly.", "digital; online safety", "Digital"),
                    ("GC-INT", "Intercultural understanding", "Recognises cultural diversity and interacts respectfully with people of other cultures.", "culture; diversity; respect", "Service"),
                ],
            },
        ],
    },
    FrameworkSpec {
        name: "Co-curricular Program",
        description: "Sport, the arts, service and leadership beyond the classroom.",
        category: "co_curricular",
        mastery_method: "highest",
        areas: &[AreaSpec {
            code: "CO",
            name: "Activities",
            competencies: &[
                ("CO-SPT", "Team sport", "Contributes to a team through training, fair play and match performance.", "sport; fitness; fair play", "Teamwork"),
                ("CO-MUS", "Music performance", "Rehearses and performs music with an ensemble or as a soloist.", "music; ensemble; performance", "Creativity"),
                ("CO-DEB", "Debating", "Constructs and delivers arguments and rebuttals in competitive debates.", "debating; argument", "Thinking"),
                ("CO-SRV", "Community service", "Plans and carries out service that benefits the local community.", "service; volunteering", "Service"),
                ("CO-LDR", "Leadership", "Leads peers by example, organises events and supports others.", "leadership; initiative", "Service"),
                ("CO-DRA", "Drama production", "Rehearses and performs in a stage production, on stage or behind the scenes.", "drama; theatre; production", "Creativity"),
                ("CO-ART", "Visual arts", "Develops an artwork from idea to exhibition and reflects on the process.", "art; exhibition; making", "Creativity"),
            ],
        }],
    },
    FrameworkSpec {
        name: "Riverbend Values",
        description: "The values the school community shares.",
        category: "values",
        mastery_method: "latest",
        areas: &[AreaSpec {
            code: "VAL",
            name: "Values",
            competencies: &[
                ("VAL-RES", "Respect", "Treats others, their ideas and property with consideration.", "respect; kindness", "Respect"),
                ("VAL-RSP", "Responsibility", "Takes ownership of learning, actions and commitments.", "responsibility; reliability", "Responsibility"),
                ("VAL-RSL", "Resilience", "Keeps going after setbacks and learns from mistakes.", "resilience; growth mindset", "Resilience"),
                ("VAL-INT", "Integrity", "Acts honestly and fairly, even when no one is watching.", "honesty; integrity", "Integrity"),
            ],
        }],
    },
];

/// Achievements: (name, description, category, competency codes required at mastery).
pub const ACHIEVEMENTS: &[(&str, &str, &str, &[&str])] = &[
    (
        "Stage 4 English",
        "Proficient in every Stage 4 English outcome.",
        "curriculum",
        &["EN4-RVL-01", "EN4-URA-01", "EN4-ECA-01"],
    ),
    (
        "Stage 4 Mathematics",
        "Proficient in every Stage 4 Mathematics outcome.",
        "curriculum",
        &["MA4-ALG-C-01", "MA4-LIN-C-01", "MA4-DAT-C-01"],
    ),
    (
        "Stage 4 Science",
        "Proficient in every Stage 4 Science outcome.",
        "curriculum",
        &["SC4-WS-01", "SC4-WS-02", "SC4-CW-01"],
    ),
    (
        "Collaborator",
        "Works and communicates well with others, at a proficient level.",
        "cross_curriculum",
        &["GC-COL", "GC-COM"],
    ),
    (
        "Critical and Creative Thinker",
        "Thinks critically and creatively, at a proficient level.",
        "cross_curriculum",
        &["GC-CRT", "GC-CRE"],
    ),
    (
        "Community Contributor",
        "Serves the community and leads peers.",
        "co_curricular",
        &["CO-SRV", "CO-LDR"],
    ),
    (
        "Riverbend Values Award",
        "Lives every one of the school's values.",
        "values",
        &["VAL-RES", "VAL-RSP", "VAL-RSL", "VAL-INT"],
    ),
];

/// Goals: (title, the competency it works on, its action plan).
pub const GOALS: &[(&str, &str, [&str; 3])] = &[
    (
        "Write more persuasive essays",
        "EN4-ECA-01",
        [
            "Read two model essays",
            "Plan an essay with a clear thesis",
            "Ask for feedback on a draft",
        ],
    ),
    (
        "Master linear equations",
        "MA4-LIN-C-01",
        [
            "Finish the practice set",
            "Explain a worked solution to a friend",
            "Score 80% on the quiz",
        ],
    ),
    (
        "Speak up more in class discussions",
        "GC-COM",
        [
            "Prepare one question per lesson",
            "Share an idea in group work",
            "Lead one discussion",
        ],
    ),
    (
        "Get organised for assessments",
        "GC-SMG",
        [
            "Use a weekly planner",
            "Start assignments a week early",
            "Check the rubric before submitting",
        ],
    ),
    (
        "Read ten novels this term",
        "EN4-RVL-01",
        [
            "Choose a reading list",
            "Read 20 minutes a day",
            "Write a short review of each",
        ],
    ),
    (
        "Improve my lab reports",
        "SC4-WS-01",
        [
            "Learn the report structure",
            "Record data in tables",
            "Write a conclusion linked to the aim",
        ],
    ),
];

pub const PROJECTS: &[(&str, &str, [&str; 2])] = &[
    ("River health investigation", "We tested water quality at three points along Riverbend Creek and compared our results with council data.", ["SC4-WS-02", "GC-COL"]),
    ("Persuasive podcast: screen time", "A three-episode podcast arguing for a school-wide screen time agreement.", ["EN4-ECA-01", "GC-COM"]),
    ("Designing a fair game", "A board game whose odds we analysed with probability and data displays.", ["MA4-DAT-C-01", "GC-CRE"]),
    ("Community garden plan", "A proposal and budget for a garden run by Year 8 students with local volunteers.", ["CO-SRV", "GC-CRT"]),
];

pub const COMMENTS: &[&str] = &[
    "Clear reasoning — keep showing your working.",
    "Great contribution to the group task.",
    "Check the rubric for what Proficient looks like here.",
    "Strong improvement since the last task.",
    "Good start; add more evidence to support your ideas.",
    "Excellent attention to detail.",
];

/// Trainings: (name, description, weeks from term start to start, duration weeks).
pub const TRAININGS: &[(&str, &str, i64, i64)] = &[
    (
        "Digital Citizenship",
        "Staying safe, kind and critical online.",
        0,
        4,
    ),
    (
        "First Aid Certificate (HLTAID011)",
        "Provide first aid: nationally recognised unit.",
        3,
        2,
    ),
    (
        "Workplace Safety Induction",
        "Work health and safety for work experience placements.",
        9,
        1,
    ),
];
