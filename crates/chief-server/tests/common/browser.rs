//! A browser for the dashboard's tests: it keeps the session cookie, reads
//! the CSRF token from the pages it loads and posts forms the way a
//! browser does (urlencoded), through the whole router.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chief_domain::tenant::User;
use chief_store::{Db, Scope, password, tenancy};
use std::net::SocketAddr;

pub struct Browser {
    pub app: Router,
    /// The session cookie.
    pub cookie: Option<String>,
    /// The login form's CSRF cookie.
    pub login_cookie: Option<String>,
    pub csrf: Option<String>,
    /// The address the server sees this browser connect from, if any.
    pub client: Option<SocketAddr>,
}

/// A page as the browser got it.
pub struct Got {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Got {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }
}

/// The owner of workspace `slug` (made by `key_for`), with `pw` set.
pub async fn owner_with_password(db: &Db, slug: &str, pw: &str) -> User {
    let tenant = tenancy::list_tenants(db)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.slug == slug)
        .unwrap();
    let owner = tenancy::list_users(db, tenant.id).await.unwrap()[0].clone();
    let mut tx = db.write(&Scope::user(tenant.id, owner.id)).await.unwrap();
    password::set_password(&mut tx, owner.id, pw).await.unwrap();
    tx.commit().await.unwrap();
    owner
}

fn encode(fields: &[(&str, &str)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        out.append_pair(k, v);
    }
    out.finish()
}

impl Browser {
    pub fn new(db: &Db) -> Browser {
        Browser {
            app: chief_server::router(db.clone()),
            cookie: None,
            login_cookie: None,
            csrf: None,
            client: None,
        }
    }

    /// Another browser on the same server, connecting from `client`.
    pub fn beside(&self, client: &str) -> Browser {
        Browser {
            app: self.app.clone(),
            cookie: None,
            login_cookie: None,
            csrf: None,
            client: Some(client.parse().expect("an ip:port")),
        }
    }

    /// This browser, connecting from `client`.
    pub fn connecting_from(mut self, client: &str) -> Browser {
        self.client = Some(client.parse().expect("an ip:port"));
        self
    }

    async fn send(&mut self, req: Request<Body>) -> Got {
        let (status, headers, bytes) = super::send(&self.app, req).await;
        for set in headers.get_all(header::SET_COOKIE) {
            let v = set.to_str().unwrap();
            let (name, token) = v.split(';').next().unwrap().split_once('=').unwrap();
            let token = (!token.is_empty()).then(|| token.to_string());
            match name {
                "chief_session" => self.cookie = token,
                "chief_login_csrf" => self.login_cookie = token,
                _ => {}
            }
        }
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(at) = body.find("name=\"csrf\" value=\"") {
            let rest = &body[at + 19..];
            self.csrf = Some(rest[..rest.find('"').unwrap()].to_string());
        }
        Got {
            status,
            headers,
            body,
        }
    }

    fn request(&self, method: &str, path: &str) -> axum::http::request::Builder {
        let mut req = Request::builder().method(method).uri(path);
        let mut jar = Vec::new();
        if let Some(c) = &self.cookie {
            jar.push(format!("chief_session={c}"));
        }
        if let Some(c) = self
            .login_cookie
            .as_ref()
            .filter(|_| path.starts_with("/login"))
        {
            jar.push(format!("chief_login_csrf={c}"));
        }
        if !jar.is_empty() {
            req = req.header(header::COOKIE, jar.join("; "));
        }
        if let Some(client) = self.client {
            req = req.extension(ConnectInfo(client));
        }
        req
    }

    pub async fn get(&mut self, path: &str) -> Got {
        let req = self.request("GET", path).body(Body::empty()).unwrap();
        self.send(req).await
    }

    /// Posts a form as is (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Got {
        let req = self
            .request("POST", path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(encode(fields)))
            .unwrap();
        self.send(req).await
    }

    /// Posts a form with the session's CSRF token, as the pages' forms do.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Got {
        let csrf = self.csrf.clone().expect("load a page before posting");
        let mut all = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post_raw(path, &all).await
    }

    /// Loads the login form and posts it with its CSRF token, as a
    /// person signing in does.
    pub async fn post_login(&mut self, fields: &[(&str, &str)]) -> Got {
        self.get("/login").await;
        let csrf = self.csrf.clone().expect("the login form has a CSRF token");
        let mut all = fields.to_vec();
        all.push(("csrf", &csrf));
        self.post_raw("/login", &all).await
    }

    /// Logs in and loads the dashboard, which gives the CSRF token.
    pub async fn login(&mut self, email: &str, pw: &str) -> Got {
        let got = self
            .post_login(&[("email", email), ("password", pw), ("next", "/")])
            .await;
        assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.body);
        self.get("/").await
    }
}

/// A browser signed in as the owner of a new workspace `slug` (made with
/// `key_for`), with the owner.
pub async fn signed_in(db: &Db, slug: &str) -> (Browser, User) {
    super::key_for(db, slug).await;
    let pw = "correct horse battery";
    let owner = owner_with_password(db, slug, pw).await;
    let mut b = Browser::new(db);
    b.login(&format!("owner@{slug}.test"), pw).await;
    (b, owner)
}
