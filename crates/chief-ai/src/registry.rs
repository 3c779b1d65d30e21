//! The tool registry: each tool's name, description, argument schema,
//! class and handler, declared once. Arguments are parsed strictly (unknown
//! fields are refused) before the handler runs, so a malformed call is a
//! clear [`ToolError`] and writes nothing; each handler writes in one
//! store transaction, so a failing call leaves no partial write.

use chief_store::{Db, Scope, StoreError, Tx};
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use thiserror::Error;
use uuid::Uuid;

/// How much a tool may change, which an approval policy can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ToolClass {
    /// Reads only (reading a playbook records that it was consulted).
    Read,
    /// Changes internal records: tasks, people, waiting items.
    Write,
    /// Proposes something a person reviews: drafts, playbooks, learnings.
    Propose,
    /// Administers or deletes.
    Admin,
}

impl ToolClass {
    /// The class's name, as the README and tool listings show it.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolClass::Read => "read",
            ToolClass::Write => "write",
            ToolClass::Propose => "propose",
            ToolClass::Admin => "admin",
        }
    }
}

/// Who is calling: the store and the caller's tenant and user. Every read
/// is scoped to `scope.tenant` and every write is audited as `scope.actor`.
#[derive(Clone)]
pub struct Caller {
    pub db: Db,
    pub scope: Scope,
}

impl Caller {
    pub fn new(db: Db, scope: Scope) -> Caller {
        Caller { db, scope }
    }

    /// Runs `f` in one audited write transaction for the caller's user and
    /// commits it; on an error nothing `f` wrote is kept.
    pub async fn write<T>(
        &self,
        f: impl AsyncFnOnce(&mut Tx, Uuid) -> Result<T, StoreError>,
    ) -> Result<T, ToolError> {
        self.user()?;
        Ok(chief_app::write::in_tx(&self.db, &self.scope, f).await?)
    }

    /// The caller's user.
    pub fn user(&self) -> Result<Uuid, ToolError> {
        self.scope
            .actor
            .user_id
            .ok_or_else(|| ToolError::Refused("tools need a user to act as".into()))
    }
}

/// Why a tool call failed; its message is written for the model to act on.
#[derive(Debug, Error)]
pub enum ToolError {
    #[error("there is no tool {name:?}; the tools are: {known}")]
    UnknownTool { name: String, known: String },
    #[error("invalid arguments for {tool}: {message}")]
    InvalidArguments { tool: &'static str, message: String },
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl From<chief_domain::DomainError> for ToolError {
    fn from(e: chief_domain::DomainError) -> Self {
        ToolError::Store(e.into())
    }
}

type Output = Pin<Box<dyn Future<Output = Result<Value, ToolError>> + Send>>;
type Handler = Box<dyn Fn(Caller, Value) -> Output + Send + Sync>;

/// One tool.
pub struct Tool {
    pub name: &'static str,
    pub description: &'static str,
    pub class: ToolClass,
    /// The JSON Schema of the arguments: an object, with no references.
    pub input_schema: serde_json::Map<String, Value>,
    handler: Handler,
}

impl Tool {
    /// A tool whose arguments are an `A` and whose result serializes.
    pub fn new<A, R, F, Fut>(
        name: &'static str,
        class: ToolClass,
        description: &'static str,
        run: F,
    ) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        R: Serialize,
        F: Fn(Caller, A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ToolError>> + Send + 'static,
    {
        let run = std::sync::Arc::new(run);
        let handler: Handler = Box::new(move |caller, args| {
            let run = run.clone();
            Box::pin(async move {
                let args: A = parse(name, args)?;
                let out = run(caller, args).await?;
                serde_json::to_value(out).map_err(|e| ToolError::Refused(e.to_string()))
            })
        });
        Tool {
            name,
            description,
            class,
            input_schema: schema_of::<A>(),
            handler,
        }
    }
}

/// Parses `args` (null counts as `{}`) through the one strict JSON parser:
/// only an object, naming the field that is wrong.
fn parse<A: DeserializeOwned>(tool: &'static str, args: Value) -> Result<A, ToolError> {
    let args = if args.is_null() {
        Value::Object(Default::default())
    } else {
        args
    };
    chief_json::parse_value(args, "arguments").map_err(|rejection| {
        let message = match rejection {
            chief_json::Rejection::Field { field, message } if field != "arguments" => {
                format!("{field}: {message}")
            }
            chief_json::Rejection::Field { message, .. } => format!("the arguments {message}"),
            // A parsed value is never empty or malformed.
            chief_json::Rejection::Empty => "the arguments are empty".to_string(),
            chief_json::Rejection::Malformed(message) => message,
        };
        ToolError::InvalidArguments { tool, message }
    })
}

/// `A`'s schema with every sub-schema inlined, as tool callers expect. It
/// is sent with every model call, so what says nothing to the model goes:
/// the request type's own description (the tool's says what it does, and
/// the type's is written for the API) and a `null` default, which an
/// optional field has anyway.
fn schema_of<A: JsonSchema>() -> serde_json::Map<String, Value> {
    let generator = SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let mut schema = generator.into_root_schema_for::<A>().to_value();
    drop_null_defaults(&mut schema);
    if let Some(map) = schema.as_object_mut() {
        map.remove("$schema");
        map.remove("title");
        map.remove("description");
        return map.clone();
    }
    serde_json::Map::new()
}

fn drop_null_defaults(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            map.values_mut().for_each(drop_null_defaults);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_defaults),
        _ => {}
    }
}

/// The tools an agent may call, in a stable order.
pub struct Registry {
    tools: Vec<Tool>,
}

impl Registry {
    /// Seed 003's work loop: tasks, playbooks, drafts, knowledge, waiting
    /// items, questions, search and people. There is no send tool: a person
    /// sends an approved draft.
    pub fn work_loop() -> Registry {
        let mut tools = Vec::new();
        crate::tools::tasks::register(&mut tools);
        crate::tools::playbooks::register(&mut tools);
        crate::tools::drafts::register(&mut tools);
        crate::tools::knowledge::register(&mut tools);
        crate::tools::lookups::register(&mut tools);
        crate::tools::people::register(&mut tools);
        Registry { tools }
    }

    /// Every tool, in declaration order.
    pub fn tools(&self) -> &[Tool] {
        &self.tools
    }

    /// The tool named `name`.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        self.tools.iter().find(|t| t.name == name)
    }

    /// Runs tool `name` for `caller` with `args` (a JSON object).
    pub async fn call(&self, caller: &Caller, name: &str, args: Value) -> Result<Value, ToolError> {
        let tool = self.get(name).ok_or_else(|| ToolError::UnknownTool {
            name: name.to_string(),
            known: self
                .tools
                .iter()
                .map(|t| t.name)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        (tool.handler)(caller.clone(), args).await
    }
}
