//! Packing a task's context into a token budget. The agent gets the most
//! relevant items first, and is told what was left out.
//!
//! **The estimator.** An item costs `ceil(chars / 4)` tokens, where `chars`
//! counts the characters (not bytes) of its compact JSON, as the API sends it.
//! Four characters a token is the usual rule of thumb for English with
//! today's tokenizers. It is cheap and needs no vocabulary. It overestimates
//! JSON punctuation a little, which errs on the side of staying in budget.
//!
//! **Packing.** The core (the task itself and the must-consult playbooks) is
//! never dropped, and its cost is counted first. The other items are sorted
//! by relevance, highest first; ties keep the order they were given in. Each
//! one is kept if it still fits, and otherwise counted as omitted under its
//! kind. A large item that does not fit does not stop a smaller, less
//! relevant one from fitting after it. So the kept items are in relevance
//! order, and they never take the total past the budget. The core alone may
//! exceed the budget; the result then says so, and nothing else is kept.

use serde::Serialize;

/// The default budget, in estimated tokens.
pub const DEFAULT_TOKEN_BUDGET: usize = 4_000;
/// The largest budget a caller may ask for.
pub const MAX_TOKEN_BUDGET: usize = 200_000;

/// The estimated tokens of a text: `ceil(chars / 4)`.
pub fn estimate_tokens(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// What an item of context is, which decides where it is shown and what it
/// counts under when it is omitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemKind {
    Project,
    Person,
    RelatedTask,
    History,
    Knowledge,
    Playbook,
}

/// One item that may go into the context.
#[derive(Clone, Debug, PartialEq)]
pub struct Item<T> {
    pub kind: ItemKind,
    /// From 0 to 1; higher goes in first.
    pub relevance: f64,
    /// Its estimated cost ([`estimate_tokens`] of its JSON).
    pub tokens: usize,
    pub value: T,
}

/// How many items of each kind did not fit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Omitted {
    pub project: usize,
    pub people: usize,
    pub related_tasks: usize,
    pub history: usize,
    pub knowledge: usize,
    pub playbooks: usize,
}

impl Omitted {
    fn count(&mut self, kind: ItemKind) {
        let n = match kind {
            ItemKind::Project => &mut self.project,
            ItemKind::Person => &mut self.people,
            ItemKind::RelatedTask => &mut self.related_tasks,
            ItemKind::History => &mut self.history,
            ItemKind::Knowledge => &mut self.knowledge,
            ItemKind::Playbook => &mut self.playbooks,
        };
        *n += 1;
    }

    /// All the items left out.
    pub fn total(&self) -> usize {
        self.project
            + self.people
            + self.related_tasks
            + self.history
            + self.knowledge
            + self.playbooks
    }
}

/// The result of packing.
#[derive(Clone, Debug, PartialEq)]
pub struct Packed<T> {
    /// The items kept, most relevant first.
    pub kept: Vec<Item<T>>,
    pub omitted: Omitted,
    /// The core's cost plus the kept items'.
    pub tokens_used: usize,
    pub token_budget: usize,
    /// The never-dropped core's own cost.
    pub core_tokens: usize,
}

impl<T> Packed<T> {
    /// Whether the core alone is larger than the budget.
    pub fn core_over_budget(&self) -> bool {
        self.core_tokens > self.token_budget
    }
}

/// Packs `items` into `budget` tokens after a core of `core_tokens`, most
/// relevant first (see the module documentation).
pub fn pack<T>(core_tokens: usize, items: Vec<Item<T>>, budget: usize) -> Packed<T> {
    let mut items = items;
    // A stable sort keeps the given order among equal relevances; NaN sorts
    // last so a bad score cannot push an item ahead.
    items.sort_by(|a, b| {
        let key = |r: f64| if r.is_nan() { f64::NEG_INFINITY } else { r };
        key(b.relevance).total_cmp(&key(a.relevance))
    });
    let mut used = core_tokens;
    let mut kept = Vec::new();
    let mut omitted = Omitted::default();
    for item in items {
        match used.checked_add(item.tokens) {
            Some(total) if total <= budget => {
                used = total;
                kept.push(item);
            }
            _ => omitted.count(item.kind),
        }
    }
    Packed {
        kept,
        omitted,
        tokens_used: used,
        token_budget: budget,
        core_tokens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn item(kind: ItemKind, relevance: f64, tokens: usize) -> Item<usize> {
        Item {
            kind,
            relevance,
            tokens,
            value: tokens,
        }
    }

    #[test]
    fn the_estimator_is_a_quarter_of_the_characters_rounded_up() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abcd"), 1);
        assert_eq!(estimate_tokens("abcde"), 2);
        // Characters, not bytes: four emoji are one token, not four.
        assert_eq!(estimate_tokens("😀😀😀😀"), 1);
    }

    #[test]
    fn the_most_relevant_items_go_in_and_the_rest_are_counted_by_kind() {
        let items = vec![
            item(ItemKind::History, 0.2, 50),
            item(ItemKind::Person, 0.9, 50),
            item(ItemKind::RelatedTask, 0.5, 50),
            item(ItemKind::Knowledge, 0.4, 50),
        ];
        let packed = pack(100, items, 200);
        let kinds: Vec<ItemKind> = packed.kept.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, vec![ItemKind::Person, ItemKind::RelatedTask]);
        assert_eq!(packed.tokens_used, 200);
        assert_eq!(packed.omitted.knowledge, 1);
        assert_eq!(packed.omitted.history, 1);
        assert_eq!(packed.omitted.total(), 2);
    }

    #[test]
    fn a_big_item_that_does_not_fit_leaves_room_for_smaller_ones() {
        let items = vec![
            item(ItemKind::History, 0.9, 500),
            item(ItemKind::Person, 0.5, 10),
        ];
        let packed = pack(0, items, 100);
        assert_eq!(packed.kept.len(), 1);
        assert_eq!(packed.kept[0].kind, ItemKind::Person);
        assert_eq!(packed.omitted.history, 1);
    }

    #[test]
    fn a_core_over_budget_is_kept_and_reported_and_nothing_else_goes_in() {
        let packed = pack(300, vec![item(ItemKind::Person, 1.0, 1)], 100);
        assert!(packed.core_over_budget());
        assert_eq!(packed.tokens_used, 300);
        assert!(packed.kept.is_empty());
        assert_eq!(packed.omitted.people, 1);
    }

    #[test]
    fn equal_relevance_keeps_the_given_order_and_nan_goes_last() {
        let items = vec![
            item(ItemKind::Knowledge, f64::NAN, 1),
            item(ItemKind::History, 0.5, 1),
            item(ItemKind::Person, 0.5, 2),
        ];
        let packed = pack(0, items, 10);
        let sizes: Vec<usize> = packed.kept.iter().map(|i| i.value).collect();
        assert_eq!(sizes, vec![1, 2, 1]);
        assert_eq!(packed.kept[2].kind, ItemKind::Knowledge);
    }

    fn kind() -> impl Strategy<Value = ItemKind> {
        prop_oneof![
            Just(ItemKind::Project),
            Just(ItemKind::Person),
            Just(ItemKind::RelatedTask),
            Just(ItemKind::History),
            Just(ItemKind::Knowledge),
            Just(ItemKind::Playbook),
        ]
    }

    proptest! {
        #[test]
        fn packing_never_exceeds_the_budget_and_keeps_relevance_order(
            core in 0usize..3_000,
            budget in 0usize..5_000,
            raw in proptest::collection::vec((kind(), 0.0f64..1.0, 0usize..2_000), 0..60),
        ) {
            let n = raw.len();
            let items: Vec<Item<usize>> = raw
                .into_iter()
                .enumerate()
                .map(|(i, (k, r, t))| Item { kind: k, relevance: r, tokens: t, value: i })
                .collect();
            let packed = pack(core, items.clone(), budget);
            // Only the never-dropped core may exceed the budget.
            if core <= budget {
                prop_assert!(packed.tokens_used <= budget);
            } else {
                prop_assert_eq!(packed.tokens_used, core);
                prop_assert!(packed.kept.is_empty());
            }
            let kept_tokens: usize = packed.kept.iter().map(|i| i.tokens).sum();
            prop_assert_eq!(packed.tokens_used, core + kept_tokens);
            for pair in packed.kept.windows(2) {
                prop_assert!(pair[0].relevance >= pair[1].relevance);
            }
            // Every item is either kept or counted as omitted.
            prop_assert_eq!(packed.kept.len() + packed.omitted.total(), n);
            // Nothing omitted would have fitted in the room left.
            let room = budget.saturating_sub(packed.tokens_used);
            let kept: Vec<usize> = packed.kept.iter().map(|i| i.value).collect();
            for i in items.iter().filter(|i| !kept.contains(&i.value)) {
                prop_assert!(core > budget || i.tokens > room);
            }
        }
    }
}
