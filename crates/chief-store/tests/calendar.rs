//! Calendar: events read back by time range in start order, the end-before-
//! start check, the audit row each change writes, and isolation between
//! workspaces.

use chief_domain::DomainError;
use chief_domain::calendar::{CalendarEvent, CalendarSource, NewCalendarEvent};
use chief_store::{Db, Scope, StoreError, audit, calendar};
use chief_testkit as common;
use chrono::{DateTime, Duration, Utc};
use common::{assert_not_found, both_backends, in_tx, noon, scope, workspace};

/// An event from `starts_at` lasting `minutes`.
fn event(title: &str, starts_at: DateTime<Utc>, minutes: i64) -> NewCalendarEvent {
    NewCalendarEvent {
        title: title.into(),
        starts_at,
        ends_at: Some(starts_at + Duration::minutes(minutes)),
        ..Default::default()
    }
}

async fn add(db: &Db, s: &Scope, new: NewCalendarEvent) -> Result<CalendarEvent, StoreError> {
    let user = s.actor.user_id.expect("events are added by a user");
    in_tx(db, s, async |tx| calendar::create(tx, user, new).await).await
}

both_backends! {
    async fn events_in_a_range_are_listed_by_start_time(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let h = Duration::hours;
        let lunch = add(&db, &s, event("Lunch", noon(), 60)).await?;
        let standup = add(&db, &s, event("Standup", noon() - h(3), 15)).await?;
        let running_in = add(&db, &s, event("Workshop", noon() - h(6), 5 * 60)).await?;
        let reminder = add(
            &db,
            &s,
            NewCalendarEvent {
                ends_at: None,
                ..event("Pay rent", noon() + h(2), 0)
            },
        )
        .await?;
        let _tomorrow = add(&db, &s, event("Dentist", noon() + h(24), 30)).await?;
        let _over = add(&db, &s, event("Breakfast", noon() - h(5), 30)).await?;
        assert_eq!(lunch.source, CalendarSource::Manual);

        let from = noon() - h(4);
        let to = noon() + h(4);
        assert_eq!(
            calendar::list_between(&db, tenant, from, to).await?,
            [running_in, standup, lunch, reminder]
        );
        // An event starting exactly at `to` is not in the range.
        assert!(
            calendar::list_between(&db, tenant, noon() - h(1), noon())
                .await?
                .is_empty()
        );
        Ok(())
    }
}

both_backends! {
    async fn an_event_cannot_end_before_it_starts(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        match add(&db, &s, event("Backwards", noon(), -1)).await {
            Err(StoreError::Domain(DomainError::Invalid {
                field: "ends_at", ..
            })) => {}
            other => panic!("expected ends_at to be invalid, got {other:?}"),
        }
        let instant = add(&db, &s, event("Deadline", noon(), 0)).await?;
        assert_eq!(instant.ends_at, Some(noon()));
        Ok(())
    }
}

both_backends! {
    async fn creating_and_deleting_events_is_audited(db: Db) -> anyhow::Result<()> {
        let (tenant, user) = workspace(&db, "a").await;
        let s = scope(tenant, user);
        let e = add(&db, &s, event("Board meeting", noon(), 90)).await?;
        in_tx(&db, &s, async |tx| calendar::delete(tx, e.id).await).await?;
        assert_not_found(calendar::get(&db, tenant, e.id).await);

        let mut log = audit::list(&db, tenant, Some(e.id), 10).await?;
        log.reverse();
        let actions: Vec<_> = log.into_iter().map(|l| l.action).collect();
        assert_eq!(actions, ["calendar.created", "calendar.deleted"]);
        assert_eq!(audit::verify(&db, Some(tenant)).await?.broken, None);
        Ok(())
    }
}

both_backends! {
    async fn events_of_another_tenant_cannot_be_read_or_deleted(db: Db) -> anyhow::Result<()> {
        let (a_tenant, a_user) = workspace(&db, "a").await;
        let (b_tenant, b_user) = workspace(&db, "b").await;
        let a = scope(a_tenant, a_user);
        let b = scope(b_tenant, b_user);
        let b_event = add(&db, &b, event("B's offsite", noon(), 60)).await?;

        assert_not_found(calendar::get(&db, a_tenant, b_event.id).await);
        assert_not_found(in_tx(&db, &a, async |tx| calendar::delete(tx, b_event.id).await).await);
        let day = Duration::days(1);
        assert!(
            calendar::list_between(&db, a_tenant, noon() - day, noon() + day)
                .await?
                .is_empty()
        );

        assert_eq!(
            calendar::get(&db, b_tenant, b_event.id).await?,
            b_event,
            "B's event is unchanged"
        );
        Ok(())
    }
}
