//! The route registry. Every API endpoint is declared once, with its handler
//! and its documentation; the same declaration builds the axum router, the
//! role check and the OpenAPI document, so they cannot drift apart.
//!
//! ```ignore
//! pub fn routes(api: &mut Api) {
//!     api.section("Tasks");
//!     api.get("/tasks/{id}", show).summary("Get a task").ok::<Task>();
//!     api.post("/tasks", create).summary("Create a task").body::<CreateBody>().created::<Task>();
//! }
//! ```

use crate::AppState;
use crate::http::auth::require_role;
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};
use chief_domain::tenant::Role;
use schemars::{JsonSchema, Schema, SchemaGenerator};

/// Writes a type's schema: named parts go to the document's components.
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// How a successful call answers.
#[derive(Clone, Copy)]
pub enum Success {
    /// `200` or `201` with a JSON body.
    Json(u16, SchemaFn),
    /// `204`, no body.
    NoContent,
    /// A body of another media type, such as `text/event-stream`.
    Other(u16, &'static str),
}

/// One endpoint's documentation.
#[derive(Clone)]
pub struct Operation {
    pub method: Method,
    /// The path under `/api`, as axum writes it: `/tasks/{id}`.
    pub path: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    /// The least role that may call it.
    pub role: Role,
    /// The query string's object schema, whose properties become parameters.
    pub query: Option<SchemaFn>,
    pub body: Option<SchemaFn>,
    pub success: Success,
}

impl Operation {
    pub fn summary(&mut self, summary: &'static str) -> &mut Self {
        self.summary = summary;
        self
    }

    /// Longer prose, shown under the summary.
    pub fn describe(&mut self, description: &'static str) -> &mut Self {
        self.description = description;
        self
    }

    /// The query string's fields.
    pub fn query<Q: JsonSchema>(&mut self) -> &mut Self {
        self.query = Some(Q::json_schema);
        self
    }

    /// The JSON request body.
    pub fn body<B: JsonSchema>(&mut self) -> &mut Self {
        self.body = Some(|g| g.subschema_for::<B>());
        self
    }

    /// Answers 200 with a `R`.
    pub fn ok<R: JsonSchema>(&mut self) -> &mut Self {
        self.success = Success::Json(200, |g| g.subschema_for::<R>());
        self
    }

    /// Answers 201 with the created `R`.
    pub fn created<R: JsonSchema>(&mut self) -> &mut Self {
        self.success = Success::Json(201, |g| g.subschema_for::<R>());
        self
    }

    /// Answers 204 with no body.
    pub fn no_content(&mut self) -> &mut Self {
        self.success = Success::NoContent;
        self
    }

    /// Answers with a body of another media type.
    pub fn streams(&mut self, media_type: &'static str) -> &mut Self {
        self.success = Success::Other(200, media_type);
        self
    }

    /// Only owners and admins may call it; members get 403.
    pub fn admin(&mut self) -> &mut Self {
        self.role = Role::Admin;
        self
    }

    /// Only owners may call it.
    pub fn owner(&mut self) -> &mut Self {
        self.role = Role::Owner;
        self
    }

    /// The path parameters, in order: `{id}` in `/tasks/{id}`.
    pub fn path_params(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }
}

/// The registry being filled.
pub struct Api {
    routes: Vec<(Operation, MethodRouter<AppState>)>,
    tag: &'static str,
}

impl Default for Api {
    fn default() -> Self {
        Api {
            routes: Vec::new(),
            tag: "General",
        }
    }
}

impl Api {
    /// Operations declared after this belong to `tag` in the document.
    pub fn section(&mut self, tag: &'static str) {
        self.tag = tag;
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(
        &mut self,
        path: &'static str,
        handler: H,
    ) -> &mut Operation {
        self.add(Method::GET, MethodFilter::GET, path, handler)
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(
        &mut self,
        path: &'static str,
        handler: H,
    ) -> &mut Operation {
        self.add(Method::POST, MethodFilter::POST, path, handler)
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(
        &mut self,
        path: &'static str,
        handler: H,
    ) -> &mut Operation {
        self.add(Method::PUT, MethodFilter::PUT, path, handler)
    }

    pub fn delete<H: Handler<T, AppState>, T: 'static>(
        &mut self,
        path: &'static str,
        handler: H,
    ) -> &mut Operation {
        self.add(Method::DELETE, MethodFilter::DELETE, path, handler)
    }

    fn add<H: Handler<T, AppState>, T: 'static>(
        &mut self,
        method: Method,
        filter: MethodFilter,
        path: &'static str,
        handler: H,
    ) -> &mut Operation {
        let op = Operation {
            method,
            path,
            tag: self.tag,
            summary: "",
            description: "",
            role: Role::Member,
            query: None,
            body: None,
            success: Success::NoContent,
        };
        self.routes.push((op, on(filter, handler)));
        &mut self.routes.last_mut().expect("just pushed").0
    }

    /// The router, with each route's role check, and the operations.
    pub fn finish(self) -> (Router<AppState>, Vec<Operation>) {
        let mut router = Router::new();
        let mut ops = Vec::with_capacity(self.routes.len());
        for (op, method_router) in self.routes {
            let role = op.role;
            let method_router = if role == Role::Member {
                method_router
            } else {
                method_router.route_layer(axum::middleware::from_fn(move |req, next| {
                    require_role(role, req, next)
                }))
            };
            router = router.route(op.path, method_router);
            ops.push(op);
        }
        (router, ops)
    }
}
