//! Bind values and row access that work the same on both backends.
//!
//! Repositories write each query once and pass its arguments as [`Value`]s;
//! the backend decides how each kind is stored (a UUID is native on
//! PostgreSQL and text on SQLite, a timestamp is TIMESTAMPTZ or fixed-width
//! RFC 3339 text, JSON is JSONB or text).

use crate::StoreError;
use chief_domain::TenantId;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::Row as _;
use uuid::Uuid;

/// One bound argument. `None` binds a typed NULL.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Uuid(Option<Uuid>),
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Ts(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    Json(Option<serde_json::Value>),
}

impl Value {
    /// A JSON value from anything serialisable.
    pub fn json<T: serde::Serialize>(value: &T) -> Value {
        Value::Json(Some(
            serde_json::to_value(value).expect("domain values serialise to JSON"),
        ))
    }
}

macro_rules! value_from {
    ($variant:ident: $($ty:ty => $conv:expr),+ $(,)?) => {
        $(
            impl From<$ty> for Value {
                fn from(v: $ty) -> Value { Value::$variant(Some($conv(v))) }
            }
            impl From<Option<$ty>> for Value {
                fn from(v: Option<$ty>) -> Value { Value::$variant(v.map($conv)) }
            }
        )+
    };
}

value_from!(Uuid: Uuid => |v| v, TenantId => |v: TenantId| v.0);
value_from!(Text: String => |v| v, &str => |v: &str| v.to_string(), &String => |v: &String| v.clone());
value_from!(Int: i64 => |v| v, chief_domain::Priority => |v: chief_domain::Priority| v.get());
value_from!(Bool: bool => |v| v);
value_from!(Ts: DateTime<Utc> => |v| v);
value_from!(Date: NaiveDate => |v| v);

/// The fixed-width text form of a timestamp on SQLite: microseconds, UTC,
/// `Z`. Text comparison of two such values is time comparison.
pub fn sqlite_ts(ts: &DateTime<Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Truncates a timestamp to the microseconds both backends keep, so that a
/// value read back equals the value written.
pub fn micros(ts: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(ts.timestamp_micros()).expect("a valid timestamp stays valid")
}

/// A row from either backend, read by column name.
pub enum Row {
    Sqlite(sqlx::sqlite::SqliteRow),
    Postgres(sqlx::postgres::PgRow),
}

fn decode_err(column: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column {column}: {e}"))
}

impl Row {
    fn text_or_null(&self, c: &str) -> Result<Option<String>, StoreError> {
        match self {
            Row::Sqlite(r) => r.try_get(c).map_err(|e| decode_err(c, e)),
            Row::Postgres(r) => r.try_get(c).map_err(|e| decode_err(c, e)),
        }
    }

    /// A non-null text column.
    pub fn text(&self, c: &str) -> Result<String, StoreError> {
        self.opt_text(c)?
            .ok_or_else(|| decode_err(c, "unexpected NULL"))
    }

    /// A nullable text column.
    pub fn opt_text(&self, c: &str) -> Result<Option<String>, StoreError> {
        self.text_or_null(c)
    }

    /// A non-null UUID column.
    pub fn uuid(&self, c: &str) -> Result<Uuid, StoreError> {
        self.opt_uuid(c)?
            .ok_or_else(|| decode_err(c, "unexpected NULL"))
    }

    /// A nullable UUID column.
    pub fn opt_uuid(&self, c: &str) -> Result<Option<Uuid>, StoreError> {
        match self {
            Row::Sqlite(r) => {
                let s: Option<String> = r.try_get(c).map_err(|e| decode_err(c, e))?;
                s.map(|s| Uuid::parse_str(&s).map_err(|e| decode_err(c, e)))
                    .transpose()
            }
            Row::Postgres(r) => r.try_get(c).map_err(|e| decode_err(c, e)),
        }
    }

    /// The tenant id column.
    pub fn tenant(&self, c: &str) -> Result<TenantId, StoreError> {
        self.uuid(c).map(TenantId)
    }

    /// A non-null integer column.
    pub fn int(&self, c: &str) -> Result<i64, StoreError> {
        self.opt_int(c)?
            .ok_or_else(|| decode_err(c, "unexpected NULL"))
    }

    /// A nullable integer column.
    pub fn opt_int(&self, c: &str) -> Result<Option<i64>, StoreError> {
        match self {
            Row::Sqlite(r) => r.try_get(c).map_err(|e| decode_err(c, e)),
            Row::Postgres(r) => r.try_get(c).map_err(|e| decode_err(c, e)),
        }
    }

    /// A floating-point column (ranks and scores).
    pub fn float(&self, c: &str) -> Result<f64, StoreError> {
        match self {
            Row::Sqlite(r) => r.try_get(c).map_err(|e| decode_err(c, e)),
            Row::Postgres(r) => r
                .try_get::<f64, _>(c)
                .or_else(|_| r.try_get::<f32, _>(c).map(f64::from))
                .map_err(|e| decode_err(c, e)),
        }
    }

    /// A boolean column.
    pub fn bool(&self, c: &str) -> Result<bool, StoreError> {
        match self {
            Row::Sqlite(r) => r.try_get(c).map_err(|e| decode_err(c, e)),
            Row::Postgres(r) => r.try_get(c).map_err(|e| decode_err(c, e)),
        }
    }

    /// A non-null timestamp column.
    pub fn ts(&self, c: &str) -> Result<DateTime<Utc>, StoreError> {
        self.opt_ts(c)?
            .ok_or_else(|| decode_err(c, "unexpected NULL"))
    }

    /// A nullable timestamp column.
    pub fn opt_ts(&self, c: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        match self {
            Row::Sqlite(r) => {
                let s: Option<String> = r.try_get(c).map_err(|e| decode_err(c, e))?;
                s.map(|s| {
                    DateTime::parse_from_rfc3339(&s)
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|e| decode_err(c, e))
                })
                .transpose()
            }
            Row::Postgres(r) => r.try_get(c).map_err(|e| decode_err(c, e)),
        }
    }

    /// A nullable date column.
    pub fn opt_date(&self, c: &str) -> Result<Option<NaiveDate>, StoreError> {
        match self {
            Row::Sqlite(r) => {
                let s: Option<String> = r.try_get(c).map_err(|e| decode_err(c, e))?;
                s.map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| decode_err(c, e)))
                    .transpose()
            }
            Row::Postgres(r) => r.try_get(c).map_err(|e| decode_err(c, e)),
        }
    }

    /// A nullable JSON column.
    pub fn opt_json(&self, c: &str) -> Result<Option<serde_json::Value>, StoreError> {
        match self {
            Row::Sqlite(r) => {
                let s: Option<String> = r.try_get(c).map_err(|e| decode_err(c, e))?;
                s.map(|s| serde_json::from_str(&s).map_err(|e| decode_err(c, e)))
                    .transpose()
            }
            Row::Postgres(r) => {
                let v: Option<sqlx::types::Json<serde_json::Value>> =
                    r.try_get(c).map_err(|e| decode_err(c, e))?;
                Ok(v.map(|j| j.0))
            }
        }
    }

    /// A non-null JSON column.
    pub fn json(&self, c: &str) -> Result<serde_json::Value, StoreError> {
        self.opt_json(c)?
            .ok_or_else(|| decode_err(c, "unexpected NULL"))
    }

    /// A JSON column decoded into a Rust type.
    pub fn json_as<T: serde::de::DeserializeOwned>(&self, c: &str) -> Result<T, StoreError> {
        serde_json::from_value(self.json(c)?).map_err(|e| decode_err(c, e))
    }

    /// A text column parsed into a domain enum.
    pub fn parse<T: std::str::FromStr>(&self, c: &str) -> Result<T, StoreError>
    where
        T::Err: std::fmt::Display,
    {
        self.text(c)?.parse().map_err(|e| decode_err(c, e))
    }
}
