//! Loading a generated school: every table, then its current levels and cohort counts, in one
//! transaction, so a failure leaves nothing.

use super::batch;
use super::{Backend, Store};
use crate::demo::School;
use crate::error::{CoreError, CoreResult};

impl Store {
    /// Inserts a generated school into an empty database, all or nothing.
    pub async fn load_school(&self, school: &School) -> CoreResult<()> {
        if !self.is_empty().await? {
            return Err(CoreError::Conflict(
                "the database already holds a school; seed into a fresh database".into(),
            ));
        }
        let mut tx = self.write().await?;
        for table in &school.tables {
            batch::insert(&mut tx, self.backend(), table).await?;
        }
        super::levels::rebuild(&mut tx, self.backend()).await?;
        if self.backend() == Backend::Postgres {
            // Rows came with their ids: move each identity sequence past them.
            for table in &school.tables {
                if table.columns.first() == Some(&"id") {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
                         (SELECT COALESCE(MAX(id), 0) + 1 FROM {0}), false)",
                        table.table
                    );
                    sqlx::query(&sql).execute(&mut *tx).await?;
                }
            }
        }
        tx.touch_access();
        tx.commit().await?;
        Ok(())
    }
}
