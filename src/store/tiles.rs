//! Which tiles each role's home page shows, and in what order, as an institution's
//! administrators arrange them. Each change rewrites the role's layout with its audit line in
//! one transaction.

use super::audit::Actor;
use super::Store;
use crate::error::{CoreError, CoreResult};
use crate::model::{HomeTile, InstitutionId, Role, TileChange, TileChoice, TileLayout};

impl Store {
    /// One role's layout: its arranged tiles, then any it has no row for, shown, in the
    /// default order.
    pub async fn tile_layout(
        &self,
        institution_id: InstitutionId,
        role: Role,
    ) -> CoreResult<TileLayout> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT tile, shown FROM home_tiles WHERE institution_id = $1 AND role = $2 \
             ORDER BY position, tile",
        )
        .bind(institution_id)
        .bind(role.key())
        .fetch_all(self.pool())
        .await?;
        let mut tiles: Vec<TileChoice> = rows
            .into_iter()
            .filter_map(|(tile, shown)| {
                HomeTile::from_key(&tile).map(|tile| TileChoice {
                    tile,
                    shown: shown != 0,
                })
            })
            .collect();
        for tile in HomeTile::ALL {
            if !tiles.iter().any(|choice| choice.tile == tile) {
                tiles.push(TileChoice { tile, shown: true });
            }
        }
        Ok(TileLayout { role, tiles })
    }

    /// Every role's layout.
    pub async fn tile_layouts(&self, institution_id: InstitutionId) -> CoreResult<Vec<TileLayout>> {
        let mut layouts = Vec::new();
        for role in Role::ALL {
            layouts.push(self.tile_layout(institution_id, role).await?);
        }
        Ok(layouts)
    }

    /// Moves, shows or hides one tile of a role's home.
    pub async fn arrange_tile(
        &self,
        by: Actor<'_>,
        role: Role,
        tile: HomeTile,
        change: TileChange,
    ) -> CoreResult<TileLayout> {
        let layout = self.tile_layout(by.institution_id, role).await?;
        let arranged = layout.arranged(tile, change).ok_or_else(|| {
            CoreError::invalid(
                "tile",
                format!(
                    "{} is {} already",
                    tile.label(),
                    match change {
                        TileChange::Up => "first",
                        TileChange::Down => "last",
                        TileChange::Show => "shown",
                        TileChange::Hide => "hidden",
                    }
                ),
            )
        })?;
        let mut tx = self.write_as(by).await?;
        sqlx::query("DELETE FROM home_tiles WHERE institution_id = $1 AND role = $2")
            .bind(by.institution_id)
            .bind(role.key())
            .execute(&mut *tx)
            .await?;
        for (position, choice) in arranged.tiles.iter().enumerate() {
            sqlx::query(
                "INSERT INTO home_tiles (institution_id, role, tile, position, shown) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(by.institution_id)
            .bind(role.key())
            .bind(choice.tile.key())
            .bind(position as i64)
            .bind(i64::from(choice.shown))
            .execute(&mut *tx)
            .await?;
        }
        tx.audit(
            "arrange home tiles",
            ("role", Some(role.key().to_string())),
            format!("{}: {} {}", role.label(), tile.label(), change.describe()),
        );
        tx.touch_everyone();
        tx.commit().await?;
        Ok(arranged)
    }
}
