//! Urgency: how `chief next` orders a person's queue. It weighs priority,
//! how close the due date is (overdue first), and age, in the spirit of
//! Taskwarrior's urgency but with fewer knobs.
//!
//! The weights are data: the store turns them into an SQL expression so the
//! database ranks 10,000 tasks without shipping them to Rust, and
//! [`Urgency::score`] computes the same number for display and tests.

use chief_domain::Priority;
use chrono::{DateTime, Duration, Utc};

/// Weights of the urgency score.
#[derive(Clone, Debug, PartialEq)]
pub struct Urgency {
    /// Added to every overdue task, so overdue work always comes first.
    pub overdue: f64,
    /// Points per priority step: priority 1 earns 5 steps, priority 5 one.
    pub priority_step: f64,
    /// (due within, points), nearest first; the first band that holds wins.
    pub due_bands: [(Duration, f64); 4],
    /// (older than, points), oldest first; the first band that holds wins.
    pub age_bands: [(Duration, f64); 3],
    /// Points for work already started.
    pub working: f64,
}

/// The weights chief uses.
pub fn weights() -> Urgency {
    Urgency {
        overdue: 100.0,
        priority_step: 2.0,
        due_bands: [
            (Duration::days(1), 9.0),
            (Duration::days(3), 6.0),
            (Duration::days(7), 4.0),
            (Duration::days(14), 2.0),
        ],
        age_bands: [
            (Duration::days(30), 1.5),
            (Duration::days(14), 1.0),
            (Duration::days(7), 0.5),
        ],
        working: 4.0,
    }
}

impl Urgency {
    /// The urgency of one task at `now`.
    pub fn score(
        &self,
        priority: Priority,
        due: Option<DateTime<Utc>>,
        created: DateTime<Utc>,
        working: bool,
        now: DateTime<Utc>,
    ) -> f64 {
        let mut score = (6 - priority.get()) as f64 * self.priority_step;
        if let Some(due) = due {
            if due < now {
                score += self.overdue;
            }
            if let Some((_, pts)) = self
                .due_bands
                .iter()
                .find(|(within, _)| due < now + *within)
            {
                score += pts;
            }
        }
        if let Some((_, pts)) = self
            .age_bands
            .iter()
            .find(|(older, _)| created < now - *older)
        {
            score += pts;
        }
        if working {
            score += self.working;
        }
        score
    }

    /// The highest urgency any task of `priority` can reach, overdue or
    /// not: [`Urgency::score`] with every other part at its best.
    pub fn ceiling(&self, priority: Priority, overdue: bool) -> f64 {
        let best = |pts: &mut dyn Iterator<Item = f64>| pts.fold(0.0, f64::max);
        (6 - priority.get()) as f64 * self.priority_step
            + if overdue { self.overdue } else { 0.0 }
            + best(&mut self.due_bands.iter().map(|b| b.1))
            + best(&mut self.age_bands.iter().map(|b| b.1))
            + self.working
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_task_scores_above_its_ceiling_and_the_best_placed_one_reaches_it() {
        let w = weights();
        let now = Utc::now();
        let old = now - Duration::days(40);
        for n in 1..=5 {
            let best_overdue = w.score(p(n), Some(now - Duration::hours(1)), old, true, now);
            assert_eq!(best_overdue, w.ceiling(p(n), true));
            let best_on_time = w.score(p(n), Some(now + Duration::hours(1)), old, true, now);
            assert_eq!(best_on_time, w.ceiling(p(n), false));
            let undated = w.score(p(n), None, now, false, now);
            assert!(undated <= w.ceiling(p(n), false));
        }
        // Being overdue outweighs everything else.
        assert!(w.ceiling(p(1), false) < w.ceiling(p(5), true) - 2.0 * w.priority_step);
    }

    fn p(n: i64) -> Priority {
        Priority::try_from(n).unwrap()
    }

    #[test]
    fn overdue_work_outranks_any_priority() {
        let now = Utc::now();
        let w = weights();
        let overdue_low = w.score(p(5), Some(now - Duration::hours(1)), now, false, now);
        let urgent_high = w.score(
            p(1),
            Some(now + Duration::hours(2)),
            now - Duration::days(60),
            true,
            now,
        );
        assert!(overdue_low > urgent_high, "{overdue_low} <= {urgent_high}");
    }

    #[test]
    fn closer_due_dates_and_higher_priorities_rank_higher() {
        let now = Utc::now();
        let w = weights();
        let tomorrow = w.score(p(3), Some(now + Duration::hours(20)), now, false, now);
        let next_week = w.score(p(3), Some(now + Duration::days(6)), now, false, now);
        let undated = w.score(p(3), None, now, false, now);
        assert!(tomorrow > next_week && next_week > undated);
        assert!(w.score(p(1), None, now, false, now) > w.score(p(2), None, now, false, now));
    }

    #[test]
    fn older_tasks_gain_a_little() {
        let now = Utc::now();
        let w = weights();
        assert!(
            w.score(p(3), None, now - Duration::days(40), false, now)
                > w.score(p(3), None, now, false, now)
        );
    }
}
