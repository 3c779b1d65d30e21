//! Which briefings there are. Composing them is the brain's job
//! (`chief_brain::briefing`); the kind lives here because jobs and
//! triggers name it too.

crate::text_enum! {
    /// Which briefing: the morning plan, the midday progress check, the
    /// evening summary or the weekly review.
    BriefingKind {
        Morning => "morning",
        Midday => "midday",
        Evening => "evening",
        Weekly => "weekly",
    }
}

impl BriefingKind {
    /// The name people read: "Morning plan".
    pub fn label(self) -> &'static str {
        match self {
            BriefingKind::Morning => "Morning plan",
            BriefingKind::Midday => "Midday check",
            BriefingKind::Evening => "Evening summary",
            BriefingKind::Weekly => "Weekly review",
        }
    }
}
