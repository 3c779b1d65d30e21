//! What a task run and a proactive check share: the journal, the
//! workspace's policy, the persona, and whether the conversation carries
//! untrusted content. Model calls go through [`Session::model_call`], which
//! stops hard once the day's token budget is spent; tool calls the model
//! asks for go through [`tool_step::requested`] with the run's rules, and
//! their results are bounded to the persona's knowledge scope.

use super::journal::Journal;
use super::persona::Persona;
use super::run::Agent;
use super::tool_step::{self, StepRules, ToolOutcome};
use crate::policy::{self, Policy};
use crate::registry::Caller;
use chief_llm::{LlmError, Request, Response};
use chief_store::StoreError;
use chrono::Utc;
use serde_json::Value;
use std::time::Instant;
use uuid::Uuid;

/// Why a model call was not answered.
pub(super) enum Stop {
    /// The model could not be used.
    Model(LlmError),
    /// The tenant's tokens for the day are spent.
    DayBudget(String),
}

/// One run in progress.
pub(super) struct Session<'a> {
    pub agent: &'a Agent,
    pub caller: &'a Caller,
    pub journal: Journal,
    pub policy: Policy,
    pub persona: Persona,
    /// Set once outside content entered the conversation; it stays set.
    pub untrusted: bool,
    pub task_id: Option<Uuid>,
    /// Exactly these tools, instead of the persona's (the check's).
    pub only_tools: Option<&'static [&'static str]>,
}

impl Session<'_> {
    /// One model call, journaled, unless the day's budget is spent. A
    /// cut-off stream is asked again (nothing was written from it).
    pub async fn model_call(
        &mut self,
        req: &Request,
    ) -> Result<Result<Response, Stop>, StoreError> {
        let mut tries = 0;
        loop {
            if let Some(note) = self.journal.day_spent(&self.policy).await? {
                return Ok(Err(Stop::DayBudget(note)));
            }
            let started = Instant::now();
            match self.agent.provider.stream(req, &mut |_| {}).await {
                Ok(resp) => {
                    self.journal.model_call(&resp);
                    return Ok(Ok(resp));
                }
                Err(e) => {
                    self.journal
                        .model_failure(&e.to_string(), started.elapsed());
                    let cut_off = matches!(e.root(), LlmError::CutOff { .. });
                    if !cut_off || tries >= self.agent.options.cut_off_retries {
                        return Ok(Err(Stop::Model(e)));
                    }
                    tries += 1;
                }
            }
        }
    }

    /// A tool call the model asked for, under the run's rules. A result
    /// that carries outside content marks the rest of the run untrusted.
    pub async fn requested(&mut self, name: &str, input: Value) -> Result<ToolOutcome, StoreError> {
        let (persona, only) = (&self.persona, self.only_tools);
        let allowed = |tool: &str| match only {
            Some(list) => list.contains(&tool),
            None => persona.allows(tool),
        };
        let rules = StepRules {
            allowed: &allowed,
            policy: &self.policy,
            untrusted: self.untrusted,
            task_id: self.task_id,
        };
        let registry = &self.agent.registry;
        let mut result = tool_step::requested(
            &mut self.journal,
            registry,
            self.caller,
            &rules,
            name,
            input,
        )
        .await?;
        if let Ok(v) = &mut result {
            if name == "get_task_context" {
                self.persona.knowledge_scope.filter_context(v);
            }
            if policy::carries_untrusted(&v.to_string()) {
                self.untrusted = true;
            }
        }
        Ok(result)
    }

    /// Runs a registry tool the loop itself calls, journaled.
    pub async fn tool(&mut self, name: &str, args: Value) -> Result<ToolOutcome, StoreError> {
        tool_step::run(
            &mut self.journal,
            &self.agent.registry,
            self.caller,
            name,
            args,
        )
        .await
    }
}

/// The caller's clock: the scope's when a test or script pins it.
pub(super) fn now(caller: &Caller) -> chrono::DateTime<Utc> {
    caller.scope.now.unwrap_or_else(Utc::now)
}
