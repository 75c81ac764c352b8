//! Multi-row inserts for bulk loads (the demo school, scale seeds, imports): one statement per
//! chunk of rows, inside the caller's transaction.
//!
//! Placeholders differ by backend here, unlike everywhere else: SQLite keeps numbered and named
//! parameters (`$n`, `?n`) in a list it scans for every one, which is quadratic in a
//! 30,000-parameter statement, while anonymous `?` parameters cost nothing. PostgreSQL only
//! knows `$n`.

use sqlx::AnyConnection;

use super::Backend;
use crate::error::CoreResult;

/// One cell of a row to insert.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Value::Int(Some(value))
    }
}
impl From<Option<i64>> for Value {
    fn from(value: Option<i64>) -> Self {
        Value::Int(value)
    }
}
impl From<f64> for Value {
    fn from(value: f64) -> Self {
        Value::Real(Some(value))
    }
}
impl From<Option<f64>> for Value {
    fn from(value: Option<f64>) -> Self {
        Value::Real(value)
    }
}
impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Value::Int(Some(i64::from(value)))
    }
}
impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Text(Some(value.to_string()))
    }
}
impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(Some(value))
    }
}
impl From<&String> for Value {
    fn from(value: &String) -> Self {
        Value::Text(Some(value.clone()))
    }
}
impl From<Option<&str>> for Value {
    fn from(value: Option<&str>) -> Self {
        Value::Text(value.map(str::to_string))
    }
}
impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Self {
        Value::Text(value)
    }
}

/// A row of cells from plain values: `row![id, "name", Some(2.5), &created_at]`.
#[macro_export]
macro_rules! row {
    ($($value:expr),* $(,)?) => {
        vec![$($crate::store::batch::Value::from($value)),*]
    };
}

/// The rows of one table, ready to insert.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRows {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<Value>>,
}

impl TableRows {
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        TableRows {
            table,
            columns,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(
            row.len(),
            self.columns.len(),
            "row width for {}",
            self.table
        );
        self.rows.push(row);
    }
}

/// Bind parameters per statement: under SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_PARAMETERS: usize = 30_000;

/// Inserts every row, a chunk per statement.
pub async fn insert(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: &TableRows,
) -> CoreResult<()> {
    let width = rows.columns.len();
    if width == 0 || rows.rows.is_empty() {
        return Ok(());
    }
    let per_statement = (MAX_PARAMETERS / width).max(1);
    for chunk in rows.rows.chunks(per_statement) {
        let sql = insert_sql(backend, rows.table, rows.columns, chunk.len());
        let mut query = sqlx::query(&sql).persistent(false);
        for row in chunk {
            for value in row {
                query = match value {
                    Value::Int(v) => query.bind(*v),
                    Value::Real(v) => query.bind(*v),
                    Value::Text(v) => query.bind(v.clone()),
                };
            }
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

fn insert_sql(backend: Backend, table: &str, columns: &[&str], row_count: usize) -> String {
    let width = columns.len();

    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    for row in 0..row_count {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..width {
            if column > 0 {
                sql.push_str(", ");
            }
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&(row * width + column + 1).to_string());
                }
            }
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_every_cell_in_order() {
        assert_eq!(
            insert_sql(Backend::Postgres, "t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            insert_sql(Backend::Sqlite, "t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
    }
}
