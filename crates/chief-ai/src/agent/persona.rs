//! Personas (seeds 001 and 004): who the agent is for a task — its system
//! prompt and the tools it may use — and the keyword rules that pick one.
//! A requested persona wins; otherwise the first persona with a keyword in
//! the task's title or description; otherwise General.

use super::journal::Routing;

/// One persona.
#[derive(Debug)]
pub struct Persona {
    pub name: &'static str,
    /// What it is for, first in its system prompt.
    pub prompt: &'static str,
    /// Words in a task that route it here (lower case).
    pub keywords: &'static [&'static str],
    /// The tools it may call beyond the task tools every persona has; empty
    /// means every tool.
    pub extra_tools: &'static [&'static str],
}

/// Tools every persona needs to work a task through seed 003's loop.
pub const CORE_TOOLS: &[&str] = &[
    "get_task_context",
    "complete_task",
    "block_task",
    "get_playbook",
    "match_playbooks",
    "capture_knowledge",
    "search",
];

/// The built-in personas; General comes last and takes everything else.
pub const PERSONAS: &[Persona] = &[
    Persona {
        name: "execution",
        prompt: "You are the Execution persona: you get things done — drafts, follow-ups, updates — quickly and exactly as the playbooks say.",
        keywords: &[
            "draft",
            "email",
            "send",
            "reply",
            "follow up",
            "follow-up",
            "schedule",
            "book",
        ],
        extra_tools: &[
            "create_draft",
            "revise_draft",
            "create_task",
            "update_task",
            "add_waiting_item",
        ],
    },
    Persona {
        name: "strategy",
        prompt: "You are the Strategy persona: you weigh options, priorities and trade-offs, and write plans and recommendations.",
        keywords: &[
            "strategy",
            "plan",
            "prioritize",
            "prioritise",
            "roadmap",
            "decide",
            "options",
        ],
        extra_tools: &[
            "create_task",
            "update_task",
            "create_draft",
            "propose_playbook",
        ],
    },
    Persona {
        name: "discovery",
        prompt: "You are the Discovery persona: you research, find out what is known and capture it.",
        keywords: &[
            "research",
            "find out",
            "investigate",
            "look into",
            "learn about",
        ],
        extra_tools: &["create_task", "create_draft", "propose_playbook"],
    },
    Persona {
        name: "stakeholder",
        prompt: "You are the Stakeholder persona: you look after relationships — what each person prefers, what they owe and are owed.",
        keywords: &[
            "relationship",
            "stakeholder",
            "check in",
            "intro",
            "introduce",
            "thank",
        ],
        extra_tools: &[
            "update_person",
            "add_waiting_item",
            "create_draft",
            "create_task",
        ],
    },
    Persona {
        name: "general",
        prompt: "You are chief, the person's AI chief of staff.",
        keywords: &[],
        extra_tools: &[],
    },
];

/// The persona named `name` (ignoring case).
pub fn by_name(name: &str) -> Option<&'static Persona> {
    PERSONAS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
}

impl Persona {
    /// Whether it may call `tool`. The loop takes the next task itself, so
    /// no persona gets `get_next_task`.
    pub fn allows(&self, tool: &str) -> bool {
        tool != "get_next_task"
            && (self.extra_tools.is_empty()
                || CORE_TOOLS.contains(&tool)
                || self.extra_tools.contains(&tool))
    }
}

/// Picks the persona for a task: `requested` if given, else keyword rules.
pub fn route(requested: Option<&'static Persona>, text: &str) -> (&'static Persona, Routing) {
    if let Some(p) = requested {
        return (p, routing(p, "requested".into(), 100));
    }
    let text = text.to_lowercase();
    for p in PERSONAS {
        if let Some(word) = p.keywords.iter().find(|k| text.contains(*k)) {
            return (p, routing(p, format!("keyword:{word}"), 80));
        }
    }
    let general = by_name("general").expect("general is built in");
    (general, routing(general, "default".into(), 50))
}

fn routing(p: &Persona, decision: String, confidence: u8) -> Routing {
    Routing {
        persona: p.name.to_string(),
        decision,
        confidence,
    }
}
