//! Personas (seeds 001 and 004): who the agent is for a task — its system
//! prompt, the tools it may use and the knowledge it sees. Five are built
//! in (Execution, Strategy, Discovery, Stakeholder, General); a workspace
//! adds its own ([`super::persona_store`]). [`super::routing`] picks one.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One persona.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Persona {
    pub name: String,
    /// What it is for, first in its system prompt.
    pub prompt: String,
    /// Words in a task that route it here (lower case).
    pub keywords: Vec<String>,
    /// The tools it may call beyond [`CORE_TOOLS`]; empty means every tool.
    pub tools: Vec<String>,
    /// The knowledge its runs see.
    pub knowledge_scope: KnowledgeScope,
    /// One of the five that ship with chief.
    pub built_in: bool,
}

/// Which learned knowledge enters a persona's context. Empty lists bound
/// nothing; otherwise a knowledge item must be about one of the entity
/// `kinds` (person, client, project, playbook, setting, rule) and mention
/// one of the `topics` (words, ignoring case).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeScope {
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
}

/// The entity kinds knowledge can be about.
pub const KNOWLEDGE_KINDS: &[&str] =
    &["person", "client", "project", "playbook", "setting", "rule"];

impl KnowledgeScope {
    /// Whether it bounds anything.
    pub fn is_open(&self) -> bool {
        self.kinds.is_empty() && self.topics.is_empty()
    }

    /// Whether knowledge item `k` (as the context shows it) is in scope.
    pub fn admits(&self, k: &Value) -> bool {
        let kind_ok = self.kinds.is_empty()
            || ["category", "routed_to_type"].iter().any(|f| {
                k[*f]
                    .as_str()
                    .is_some_and(|v| self.kinds.iter().any(|w| w.eq_ignore_ascii_case(v)))
            });
        let content = k["content"].as_str().unwrap_or_default().to_lowercase();
        let topic_ok = self.topics.is_empty()
            || self
                .topics
                .iter()
                .any(|t| content.contains(&t.to_lowercase()));
        kind_ok && topic_ok
    }

    /// Drops the knowledge outside the scope from a task context (the
    /// `knowledge` list of `get_next_task` / `get_task_context`), counting
    /// what it dropped under `omitted.knowledge_out_of_scope`.
    pub fn filter_context(&self, context: &mut Value) {
        if self.is_open() {
            return;
        }
        let Some(items) = context.get_mut("knowledge").and_then(Value::as_array_mut) else {
            return;
        };
        let before = items.len();
        items.retain(|k| self.admits(k));
        let dropped = before - items.len();
        if let Some(omitted) = context.get_mut("omitted").and_then(Value::as_object_mut) {
            omitted.insert("knowledge_out_of_scope".into(), dropped.into());
        }
    }
}

/// A built-in persona's definition.
struct BuiltIn {
    name: &'static str,
    prompt: &'static str,
    /// The kinds of work it takes, in everyday words: what embedding
    /// routing compares a task with, besides its prompt (see
    /// [`Persona::profile`]).
    about: &'static [&'static str],
    keywords: &'static [&'static str],
    extra_tools: &'static [&'static str],
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
const BUILT_IN: &[BuiltIn] = &[
    BuiltIn {
        name: "execution",
        prompt: "You are the Execution persona: you get things done — drafts, follow-ups, updates — quickly and exactly as the playbooks say.",
        about: &[
            "write and send a message",
            "answer a message",
            "pay a bill",
            "order or buy something",
            "update a document or a record",
            "fill in a form",
            "arrange a meeting in the calendar",
            "renew or cancel a subscription",
        ],
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
    BuiltIn {
        name: "strategy",
        prompt: "You are the Strategy persona: you weigh options, priorities and trade-offs, and write plans and recommendations.",
        about: &[
            "decide between options",
            "set goals and priorities",
            "weigh pros, cons and trade-offs",
            "plan a budget",
            "write a proposal or recommendation",
            "think about the direction of the business",
            "forecast",
            "choose what to do first",
        ],
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
    BuiltIn {
        name: "discovery",
        prompt: "You are the Discovery persona: you research, find out what is known and capture it.",
        about: &[
            "research a subject",
            "find facts, figures and statistics",
            "compare products, services or vendors",
            "read up on rules, laws or regulations",
            "how does something work?",
            "summarise what is known",
            "what do others do?",
        ],
        keywords: &[
            "research",
            "find out",
            "investigate",
            "look into",
            "learn about",
        ],
        extra_tools: &["create_task", "create_draft", "propose_playbook"],
    },
    BuiltIn {
        name: "stakeholder",
        prompt: "You are the Stakeholder persona: you look after relationships — what each person prefers, what they owe and are owed.",
        about: &[
            "keep in touch with people",
            "celebrate someone's good news",
            "remember what a person likes and prefers",
            "repair a relationship after a problem",
            "welcome someone new",
            "ease tension between people",
            "show someone you care",
            "introduce people to each other",
        ],
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
    BuiltIn {
        name: "general",
        prompt: "You are chief, the person's AI chief of staff.",
        about: &[],
        keywords: &[],
        extra_tools: &[],
    },
];

/// The five built-in personas; General comes last and takes everything
/// else.
pub fn built_in() -> Vec<Persona> {
    BUILT_IN
        .iter()
        .map(|b| Persona {
            name: b.name.into(),
            prompt: b.prompt.into(),
            keywords: b.keywords.iter().map(|k| k.to_string()).collect(),
            tools: b.extra_tools.iter().map(|k| k.to_string()).collect(),
            knowledge_scope: KnowledgeScope::default(),
            built_in: true,
        })
        .collect()
}

/// The General persona.
pub fn general() -> Persona {
    built_in()
        .pop()
        .expect("general is the last built-in persona")
}

/// The persona named `name` (ignoring case) among `all`.
pub fn by_name<'a>(all: &'a [Persona], name: &str) -> Option<&'a Persona> {
    all.iter()
        .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
}

impl Persona {
    /// Whether it may call `tool`. The loop takes the next task itself, so
    /// no persona gets `get_next_task`.
    pub fn allows(&self, tool: &str) -> bool {
        tool != "get_next_task"
            && (self.tools.is_empty()
                || CORE_TOOLS.contains(&tool)
                || self.tools.iter().any(|t| t == tool))
    }

    /// What embedding routing compares a task with, as short texts: its
    /// name with its prompt's first paragraph, a built-in persona's kinds
    /// of work, and its keywords.
    pub fn profile(&self) -> Vec<String> {
        let first_paragraph = self.prompt.split("\n\n").next().unwrap_or_default();
        let mut profile = vec![format!("{}: {}", self.name, first_paragraph.trim())];
        if let Some(b) = BUILT_IN
            .iter()
            .find(|b| self.built_in && b.name == self.name)
        {
            profile.extend(b.about.iter().map(|a| a.to_string()));
        }
        if !self.keywords.is_empty() {
            profile.push(self.keywords.join(", "));
        }
        profile
    }

    /// The first of its keywords found in `text` (lower case).
    pub fn keyword_in(&self, text: &str) -> Option<&str> {
        self.keywords
            .iter()
            .find(|k| !k.is_empty() && text.contains(k.as_str()))
            .map(String::as_str)
    }
}
