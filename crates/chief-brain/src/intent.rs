//! What a free-text message from chat or a bot asks for, by rules and
//! keyword features: no model. Each intent collects evidence (a phrase, a
//! leading verb, a question mark), the strongest wins, and the confidence
//! says how clearly it beat the others.

use crate::knowledge_route::detect_trigger;
use crate::words::{contains_words, words};
use serde::Serialize;

/// What the sender wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    AddTask,
    ListTasks,
    CompleteTask,
    Query,
    CaptureKnowledge,
    Brief,
    AnswerQuestion,
    Unknown,
}

impl Intent {
    const SCORED: [Intent; 7] = [
        Intent::AddTask,
        Intent::ListTasks,
        Intent::CompleteTask,
        Intent::Query,
        Intent::CaptureKnowledge,
        Intent::Brief,
        Intent::AnswerQuestion,
    ];
}

/// The decision, with the evidence behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Classification {
    pub intent: Intent,
    /// 0 to 1: the winner's share of all the evidence, lowered when the
    /// evidence is thin.
    pub confidence: f64,
    /// What tipped it: the phrases and features that matched the winner.
    pub reasons: Vec<String>,
}

/// Below this much evidence the message is `unknown`.
const MIN_EVIDENCE: f64 = 1.0;

/// Phrases and their weights, per intent. Phrases match as whole words.
const PHRASES: &[(Intent, &str, f64)] = &[
    (Intent::ListTasks, "my tasks", 3.0),
    (Intent::ListTasks, "my todo", 3.0),
    (Intent::ListTasks, "to do list", 3.0),
    (Intent::ListTasks, "todo list", 3.0),
    (Intent::ListTasks, "on my plate", 3.0),
    (Intent::ListTasks, "what s next", 2.5),
    (Intent::ListTasks, "what do i have", 3.0),
    (Intent::ListTasks, "what should i do", 2.5),
    (Intent::ListTasks, "list", 1.5),
    (Intent::Query, "how many", 3.0),
    (Intent::ListTasks, "whats next", 2.5),
    (Intent::ListTasks, "tasks", 2.0),
    (Intent::ListTasks, "blocked", 1.0),
    (Intent::ListTasks, "what do i need to do", 4.0),
    (Intent::ListTasks, "what s on", 1.5),
    (Intent::ListTasks, "show me", 1.0),
    (Intent::ListTasks, "overdue", 1.5),
    (Intent::ListTasks, "due today", 1.5),
    (Intent::CompleteTask, "done", 2.0),
    (Intent::CompleteTask, "finished", 2.0),
    (Intent::CompleteTask, "completed", 2.0),
    (Intent::CompleteTask, "mark", 1.0),
    (Intent::CompleteTask, "i did", 2.0),
    (Intent::CompleteTask, "i ve sent", 2.0),
    (Intent::CompleteTask, "i sent", 2.0),
    (Intent::CompleteTask, "check off", 3.5),
    (Intent::CompleteTask, "tick off", 3.5),
    (Intent::CompleteTask, "complete", 2.0),
    (Intent::CompleteTask, "wrapped up", 2.5),
    (Intent::CompleteTask, "close", 1.0),
    (Intent::Brief, "brief", 3.0),
    (Intent::Brief, "briefing", 3.0),
    (Intent::Brief, "summary", 2.5),
    (Intent::Brief, "summarize", 2.5),
    (Intent::Brief, "summarise", 2.5),
    (Intent::Brief, "recap", 3.0),
    (Intent::Brief, "morning plan", 3.0),
    (Intent::Brief, "plan my day", 3.0),
    (Intent::Brief, "weekly review", 3.0),
    (Intent::Brief, "how did today go", 3.0),
    (Intent::Brief, "what happened", 2.0),
    (Intent::Brief, "digest", 3.0),
    (Intent::Brief, "catch me up", 3.0),
    (Intent::Brief, "day look like", 3.0),
    (Intent::Brief, "end of day", 1.5),
    (Intent::CaptureKnowledge, "fyi", 2.5),
    (Intent::CaptureKnowledge, "remember", 3.0),
    (Intent::CaptureKnowledge, "note to self", 3.5),
    (Intent::CaptureKnowledge, "the rule is", 3.5),
    (Intent::AnswerQuestion, "the answer is", 3.5),
    (Intent::AnswerQuestion, "answer", 2.0),
    (Intent::AnswerQuestion, "to your question", 3.5),
    (Intent::AnswerQuestion, "re your question", 3.5),
    (Intent::AnswerQuestion, "you asked", 3.0),
    (Intent::AnswerQuestion, "go with", 1.5),
    (Intent::AddTask, "remind me", 3.0),
    (Intent::AddTask, "add a task", 3.5),
    (Intent::AddTask, "add task", 3.5),
    (Intent::AddTask, "new task", 3.5),
    (Intent::AddTask, "todo", 1.5),
    (Intent::AddTask, "add", 3.0),
    (Intent::AddTask, "to my list", 3.0),
    (Intent::AddTask, "reminder", 2.5),
    (Intent::AddTask, "i need to", 2.0),
    (Intent::AddTask, "i have to", 2.0),
    (Intent::AddTask, "don t forget", 2.5),
    (Intent::AddTask, "tomorrow", 1.0),
    (Intent::AddTask, "next week", 1.0),
    (Intent::AddTask, "by friday", 1.0),
];

/// Verbs that start an instruction to do something ("Call Patrick …").
const TASK_VERBS: &[&str] = &[
    "call", "email", "mail", "text", "phone", "ring", "buy", "send", "write", "draft", "book",
    "schedule", "pay", "fix", "review", "prepare", "prep", "follow", "check", "ask", "tell",
    "invite", "order", "renew", "cancel", "update", "finish", "submit", "file", "plan", "organize",
    "organise", "clean", "read", "research", "contact", "meet", "reply", "respond", "set", "pick",
    "get", "make", "create", "arrange", "confirm", "print", "sign", "put",
];

/// Past forms of task verbs that say a piece of work is done ("paid the
/// bill"): the regular ones are found by their `-ed` ending.
const IRREGULAR_PAST: &[&str] = &[
    "paid", "sent", "wrote", "made", "bought", "did", "rang", "met", "told", "got",
];

/// Politeness and filler that may come before the verb that matters:
/// "pls add …", "can you add …", "just wrapped up …".
const LEADING_FILLER: &[&[&str]] = &[
    &["can", "you"],
    &["could", "you"],
    &["would", "you"],
    &["pls"],
    &["please"],
    &["just"],
    &["i", "ve"],
    &["i"],
    &["also"],
    &["hey"],
];

/// Words that carry no request at all: "ok cool thanks" is small talk.
const SMALL_TALK: &[&str] = &[
    "awesome", "bye", "cheers", "cool", "great", "hello", "hey", "hi", "lol", "nice", "ok", "okay",
    "thank", "thanks", "thx", "you",
];

/// The first word that matters, after any filler.
fn first_meaningful(w: &[String]) -> &str {
    let mut rest = w;
    while let Some(filler) = LEADING_FILLER
        .iter()
        .find(|f| rest.len() > f.len() && rest.iter().zip(f.iter()).all(|(a, b)| a == b))
    {
        rest = &rest[filler.len()..];
    }
    rest.first().map(String::as_str).unwrap_or("")
}

/// Whether `word` is the past form of a task verb: "called", "emailed", "paid".
fn is_done_verb(word: &str) -> bool {
    if IRREGULAR_PAST.contains(&word) {
        return true;
    }
    let Some(base) = word.strip_suffix("ed") else {
        return false;
    };
    let doubled =
        base.len() > 2 && base.as_bytes()[base.len() - 1] == base.as_bytes()[base.len() - 2];
    let candidates = [
        base.to_string(),
        format!("{base}e"),
        base[..base.len() - usize::from(doubled)].to_string(),
        base.strip_suffix('i')
            .map(|b| format!("{b}y"))
            .unwrap_or_default(),
    ];
    candidates.iter().any(|c| TASK_VERBS.contains(&c.as_str()))
}

/// Words that open a question.
const QUESTION_WORDS: &[&str] = &[
    "who", "what", "when", "where", "why", "how", "which", "is", "are", "does", "do", "did", "can",
    "could", "will", "should", "was", "were", "has", "have",
];

/// Classifies one message.
pub fn classify(text: &str) -> Classification {
    let w = words(text);
    let mut scores = [0.0f64; 7];
    let mut reasons: [Vec<String>; 7] = Default::default();
    let slot = |intent: Intent| Intent::SCORED.iter().position(|i| *i == intent).unwrap();
    let mut add = |intent: Intent, weight: f64, reason: String| {
        let i = slot(intent);
        scores[i] += weight;
        reasons[i].push(reason);
    };

    if let Some(trigger) = detect_trigger(text) {
        add(
            Intent::CaptureKnowledge,
            4.0,
            format!("trigger phrase '{trigger}'"),
        );
    }
    for (intent, phrase, weight) in PHRASES {
        if contains_words(&w, &words(phrase)) {
            add(*intent, *weight, format!("'{phrase}'"));
        }
    }
    let first = w.first().map(String::as_str).unwrap_or("");
    let verb = first_meaningful(&w);
    let trimmed = text.trim();
    if w.iter().all(|x| SMALL_TALK.contains(&x.as_str())) {
        return Classification {
            intent: Intent::Unknown,
            confidence: 1.0,
            reasons: vec!["no request: small talk or nothing".into()],
        };
    }
    if is_done_verb(verb) {
        add(
            Intent::CompleteTask,
            2.5,
            format!("starts with the past form '{verb}'"),
        );
    } else if TASK_VERBS.contains(&verb) {
        add(
            Intent::AddTask,
            2.5,
            format!("starts with the verb '{verb}'"),
        );
    }
    let asks = trimmed.ends_with('?');
    if QUESTION_WORDS.contains(&first) {
        add(Intent::Query, 2.0, format!("starts with '{first}'"));
    }
    if asks {
        add(Intent::Query, 1.5, "ends with a question mark".into());
    }
    if matches!(
        first,
        "yes" | "no" | "yep" | "nope" | "ok" | "okay" | "sure"
    ) && !asks
    {
        add(
            Intent::AnswerQuestion,
            2.0,
            format!("starts with '{first}'"),
        );
    }
    // "What's on my plate?" lists; "what is Patrick's email?" asks.
    if scores[slot(Intent::ListTasks)] > 0.0 {
        scores[slot(Intent::Query)] *= 0.25;
    }
    if scores[slot(Intent::Brief)] > 0.0 {
        scores[slot(Intent::Query)] *= 0.25;
    }

    let total: f64 = scores.iter().sum();
    let (best, &top) = scores
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))
        .expect("seven intents");
    if top < MIN_EVIDENCE {
        return Classification {
            intent: Intent::Unknown,
            confidence: if total == 0.0 {
                1.0
            } else {
                1.0 - total / MIN_EVIDENCE
            },
            reasons: vec!["no intent has enough evidence".into()],
        };
    }
    let share = top / total;
    let strength = (top / 4.0).min(1.0);
    Classification {
        intent: Intent::SCORED[best],
        confidence: (share * (0.5 + 0.5 * strength) * 100.0).round() / 100.0,
        reasons: std::mem::take(&mut reasons[best]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intent(text: &str) -> Intent {
        classify(text).intent
    }

    #[test]
    fn each_intent_is_recognised() {
        let cases = [
            (
                "Call Patrick tomorrow 3pm about the Liberty renewal",
                Intent::AddTask,
            ),
            ("remind me to renew the domain next week", Intent::AddTask),
            ("what's on my plate today?", Intent::ListTasks),
            ("show me my tasks", Intent::ListTasks),
            ("done with the Liberty proposal", Intent::CompleteTask),
            ("I sent the invoice to Patrick", Intent::CompleteTask),
            ("who is the decision maker at Liberty?", Intent::Query),
            ("when is the board meeting?", Intent::Query),
            (
                "remember that Patrick prefers short emails",
                Intent::CaptureKnowledge,
            ),
            (
                "going forward, always cc Sarah on contracts",
                Intent::CaptureKnowledge,
            ),
            ("give me my morning brief", Intent::Brief),
            ("recap of the week please", Intent::Brief),
            ("the answer is Thursday at 10", Intent::AnswerQuestion),
            ("yes, go with the second slot", Intent::AnswerQuestion),
            ("hmm", Intent::Unknown),
            ("", Intent::Unknown),
        ];
        for (text, want) in cases {
            assert_eq!(intent(text), want, "{text:?}: {:?}", classify(text));
        }
    }

    #[test]
    fn clear_messages_are_confident_and_mixed_ones_less_so() {
        let clear = classify("remember that Patrick prefers short emails");
        assert!(clear.confidence >= 0.8, "{clear:?}");
        assert!(clear.reasons[0].contains("remember that"), "{clear:?}");
        let mixed = classify("done? what is next");
        assert!(mixed.confidence < clear.confidence, "{mixed:?}");
        for text in ["", "call", "x?", "yes"] {
            let c = classify(text);
            assert!((0.0..=1.0).contains(&c.confidence), "{text:?}: {c:?}");
        }
    }
}
