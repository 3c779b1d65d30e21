//! chief's MCP server. Any MCP client (Claude Desktop, Claude Code, …) runs
//! seed 003's work loop through it:
//! - **tools**: exactly `chief_ai::Registry::work_loop()`, so the MCP tool
//!   list and the built-in agent's tools are one definition;
//! - **resources**: `chief://playbooks/{name}`, `chief://dashboard` and
//!   `chief://tasks/{id}/context` ([`resources`]);
//! - **prompts**: the operating loop and a morning review ([`prompts`]).
//!
//! Two transports: stdio (`chief mcp`, one caller fixed at start from its
//! API key) and streamable HTTP (`/mcp` on `chief serve`, where the server
//! authenticates every request and hands its [`Scope`] in the request's
//! extensions; see [`http`]).

pub mod http;
mod prompts;
mod resources;

use chief_ai::{Caller, Registry, ToolClass, ToolError};
use chief_store::{Db, Scope};
use rmcp::model::{
    CallToolRequestParams, CallToolResult, Content, GetPromptRequestParams, GetPromptResult,
    Implementation, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResult,
    ServerCapabilities, ServerInfo, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, ServiceExt};
use std::sync::Arc;

/// Whose request this is.
#[derive(Clone)]
enum Identity {
    /// Fixed for the whole connection (stdio, authenticated at start).
    Fixed(Scope),
    /// Read from each HTTP request, which the server authenticated.
    PerRequest,
}

/// The MCP server over one store.
#[derive(Clone)]
pub struct ChiefMcp {
    db: Db,
    registry: Arc<Registry>,
    identity: Identity,
}

impl ChiefMcp {
    /// A server acting for one caller throughout (stdio).
    pub fn for_scope(db: Db, scope: Scope) -> ChiefMcp {
        ChiefMcp {
            db,
            registry: Arc::new(Registry::work_loop()),
            identity: Identity::Fixed(scope),
        }
    }

    /// A server that acts for whoever each HTTP request authenticated as:
    /// the request's extensions must carry its [`Scope`].
    pub fn per_request(db: Db) -> ChiefMcp {
        ChiefMcp {
            db,
            registry: Arc::new(Registry::work_loop()),
            identity: Identity::PerRequest,
        }
    }

    /// The caller of the request `context` belongs to.
    fn caller(&self, context: &RequestContext<RoleServer>) -> Result<Caller, McpError> {
        let scope = match &self.identity {
            Identity::Fixed(scope) => scope.clone(),
            Identity::PerRequest => context
                .extensions
                .get::<::http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<Scope>())
                .cloned()
                .ok_or_else(|| {
                    McpError::invalid_request("the request is not authenticated", None)
                })?,
        };
        Ok(Caller::new(self.db.clone(), scope))
    }

    /// Runs a registry tool for a resource or prompt; a failure is a
    /// protocol error there (tool calls report it as a tool result instead).
    async fn run(
        &self,
        caller: &Caller,
        tool: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, McpError> {
        self.registry
            .call(caller, tool, args)
            .await
            .map_err(|e| match e {
                ToolError::Store(chief_store::StoreError::NotFound { .. }) => {
                    McpError::resource_not_found(e.to_string(), None)
                }
                ToolError::Store(chief_store::StoreError::Domain(_))
                | ToolError::InvalidArguments { .. } => {
                    McpError::invalid_params(e.to_string(), None)
                }
                _ => McpError::internal_error(e.to_string(), None),
            })
    }
}

/// The MCP description of a registry tool.
fn mcp_tool(tool: &chief_ai::Tool) -> Tool {
    let annotations = ToolAnnotations {
        read_only_hint: Some(tool.class == ToolClass::Read),
        destructive_hint: Some(tool.class == ToolClass::Admin),
        ..Default::default()
    };
    Tool {
        name: tool.name.into(),
        title: None,
        description: Some(tool.description.into()),
        input_schema: Arc::new(tool.input_schema.clone()),
        output_schema: None,
        annotations: Some(annotations),
        execution: None,
        icons: None,
        meta: None,
    }
}

impl ServerHandler for ChiefMcp {
    fn get_info(&self) -> ServerInfo {
        ServerInfo {
            capabilities: ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
            server_info: Implementation {
                name: "chief".into(),
                title: Some("chief, your chief of staff".into()),
                version: env!("CARGO_PKG_VERSION").into(),
                description: None,
                icons: None,
                website_url: None,
            },
            instructions: Some(chief_ai::instructions::server_instructions()),
            ..Default::default()
        }
    }

    async fn list_tools(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult {
            tools: self.registry.tools().iter().map(mcp_tool).collect(),
            ..Default::default()
        })
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, McpError> {
        let caller = self.caller(&context)?;
        let args = request
            .arguments
            .map_or(serde_json::Value::Null, serde_json::Value::Object);
        // A failing tool is a result the model reads and acts on, not a
        // protocol error.
        Ok(
            match self.registry.call(&caller, &request.name, args).await {
                Ok(value) => {
                    let text = serde_json::to_string_pretty(&value)
                        .map_err(|e| McpError::internal_error(e.to_string(), None))?;
                    CallToolResult::success(vec![Content::text(text)])
                }
                Err(e) => CallToolResult::error(vec![Content::text(e.to_string())]),
            },
        )
    }

    async fn list_resources(
        &self,
        _: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let caller = self.caller(&context)?;
        Ok(ListResourcesResult {
            resources: resources::list(&caller).await?,
            ..Default::default()
        })
    }

    async fn list_resource_templates(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        Ok(ListResourceTemplatesResult {
            resource_templates: resources::templates(),
            ..Default::default()
        })
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResult, McpError> {
        let caller = self.caller(&context)?;
        resources::read(self, &caller, &request.uri).await
    }

    async fn list_prompts(
        &self,
        _: Option<PaginatedRequestParams>,
        _: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult {
            prompts: prompts::list(),
            ..Default::default()
        })
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResult, McpError> {
        let caller = self.caller(&context)?;
        prompts::get(self, &caller, &request.name).await
    }
}

/// Why the stdio server stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the MCP client did not initialize: {0}")]
    Initialize(String),
    #[error("the MCP connection failed: {0}")]
    Connection(String),
}

/// Serves MCP on stdin/stdout for `scope`'s user until the client leaves.
pub async fn serve_stdio(db: Db, scope: Scope) -> Result<(), ServeError> {
    let running = ChiefMcp::for_scope(db, scope)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| ServeError::Initialize(e.to_string()))?;
    running
        .waiting()
        .await
        .map_err(|e| ServeError::Connection(e.to_string()))?;
    Ok(())
}
