//! The OpenAPI 3.1 document, generated from the route registry and the
//! types' JSON Schemas, and the interactive docs at `/api/docs` (Swagger UI,
//! embedded in the binary: no CDN).

use crate::api::{Operation, Success};
use axum::http::header;
use axum::response::{Html, IntoResponse};
use chief_domain::tenant::Role;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

/// The problem responses every operation may give.
const PROBLEMS: [(&str, &str); 6] = [
    ("400", "Malformed JSON or query string"),
    ("401", "Missing, unknown or revoked API key"),
    ("404", "No such entity in this workspace"),
    ("413", "Body over the size limit"),
    ("422", "A field breaks a rule; `errors` names it"),
    ("429", "Over the key's rate limit; see Retry-After"),
];

/// Builds the document for `ops`.
pub fn document(ops: &[Operation]) -> Value {
    let settings = SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = "#/components/schemas/".into();
    });
    let mut generator = settings.into_generator();
    let mut paths = Map::new();
    for op in ops {
        let path = format!("/api{}", op.path);
        let entry = paths
            .entry(path)
            .or_insert_with(|| Value::Object(Map::new()));
        entry[op.method.as_str().to_ascii_lowercase()] = operation(op, &mut generator);
    }
    let mut schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    schemas.insert("Problem".into(), problem_schema());
    let responses: Map<String, Value> = PROBLEMS
        .iter()
        .chain(&[
            ("403", "The key's role may not do this"),
            ("409", "The entity's state does not allow this"),
        ])
        .map(|(code, text)| {
            (
                format!("P{code}"),
                json!({
                    "description": text,
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
                }),
            )
        })
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "chief",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "chief's HTTP API: one system of record for a person's work, shared with an AI agent. Authenticate with an API key in `X-API-Key` or `Authorization: Bearer`. Every id belongs to the key's workspace; another workspace's ids answer 404. Errors are RFC 9457 problem+json.",
        },
        "servers": [{"url": "/"}],
        "security": [{"apiKey": []}, {"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": responses,
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "chief_<prefix>_<secret>"},
            },
        },
    })
}

fn operation(op: &Operation, generator: &mut schemars::SchemaGenerator) -> Value {
    let mut parameters: Vec<Value> = op
        .path_params()
        .into_iter()
        .map(|name| {
            json!({
                "name": name, "in": "path", "required": true,
                "schema": {"type": "string", "format": "uuid"},
            })
        })
        .collect();
    if let Some(query) = op.query {
        let schema = query(generator).to_value();
        let required: Vec<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = schema["properties"].as_object() {
            for (name, prop) in props {
                let mut p = json!({
                    "name": name, "in": "query",
                    "required": required.contains(&name.as_str()),
                    "schema": prop,
                });
                if let Some(d) = prop.get("description") {
                    p["description"] = d.clone();
                }
                parameters.push(p);
            }
        }
    }
    let mut responses = Map::new();
    match op.success {
        Success::Json(code, schema) => {
            responses.insert(
                code.to_string(),
                json!({"description": "Success", "content": {"application/json": {"schema": schema(generator).to_value()}}}),
            );
        }
        Success::NoContent => {
            responses.insert("204".into(), json!({"description": "Done; no body"}));
        }
        Success::Other(code, media) => {
            responses.insert(
                code.to_string(),
                json!({"description": "Success", "content": {media: {"schema": {"type": "string"}}}}),
            );
        }
    }
    for (code, _) in PROBLEMS {
        responses.insert(
            code.into(),
            json!({"$ref": format!("#/components/responses/P{code}")}),
        );
    }
    if op.role != Role::Member {
        responses.insert("403".into(), json!({"$ref": "#/components/responses/P403"}));
    }
    if matches!(
        op.method,
        axum::http::Method::POST | axum::http::Method::PUT
    ) {
        responses.insert("409".into(), json!({"$ref": "#/components/responses/P409"}));
    }
    let mut out = json!({
        "tags": [op.tag],
        "summary": op.summary,
        "operationId": operation_id(op),
        "parameters": parameters,
        "responses": responses,
        "x-chief-role": op.role.as_str(),
    });
    if !op.description.is_empty() {
        out["description"] = json!(op.description);
    }
    if let Some(body) = op.body {
        out["requestBody"] = json!({
            "required": true,
            "content": {"application/json": {"schema": body(generator).to_value()}}
        });
    }
    out
}

/// A stable id such as `post_tasks_id_start`.
fn operation_id(op: &Operation) -> String {
    let mut id = op.method.as_str().to_ascii_lowercase();
    for seg in op.path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.extend(
            seg.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_'),
        );
    }
    id
}

fn problem_schema() -> Value {
    json!({
        "type": "object",
        "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "description": "A stable identifier, such as /problems/not-found"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}},
            },
        },
    })
}

/// `GET /api/openapi.json`.
pub async fn openapi_json(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.openapi.to_string(),
    )
}

const SWAGGER_JS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js");
const SWAGGER_CSS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui.css");

/// Starts Swagger UI: a file, not an inline script, so the page keeps to
/// a policy that runs no inline script. No validator badge: it would load
/// an image from swagger.io.
const DOCS_JS: &str = r##"window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#docs", persistAuthorization: true, validatorUrl: null });
"##;

/// The docs page's Content-Security-Policy: the site's own
/// (`http::security::POLICY`) but for inline styles, which Swagger UI
/// writes into the page as it renders.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `GET /api/docs`: Swagger UI over the document.
pub async fn docs() -> impl IntoResponse {
    (
        [(header::CONTENT_SECURITY_POLICY, DOCS_POLICY)],
        Html(
            r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>chief API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/docs.js"></script>
</body>
</html>"##,
        ),
    )
}

/// The embedded Swagger UI assets.
pub async fn asset(
    axum::extract::Path(name): axum::extract::Path<String>,
) -> axum::response::Response {
    let (body, kind) = match name.as_str() {
        "swagger-ui-bundle.js" => (SWAGGER_JS, "text/javascript; charset=utf-8"),
        "swagger-ui.css" => (SWAGGER_CSS, "text/css; charset=utf-8"),
        "docs.js" => (DOCS_JS.as_bytes(), "text/javascript; charset=utf-8"),
        _ => return crate::ApiError::not_found("asset", &name).into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}
