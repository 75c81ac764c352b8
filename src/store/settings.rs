//! An institution's settings: the names of its modules, its colours and its time zone, saved together with
//! their audit line and announced, so open pages change without a restart.

use super::audit::{Actor, Audit};
use super::Store;
use crate::error::{CoreError, CoreResult};
use crate::model::{InstitutionId, LiveEvent, Module, Settings, ThemeImage, ThemeImages};
use crate::theme::Theme;

impl Store {
    /// The institution's name (a CASE package's creator, the trusted issuers' page).
    pub async fn institution_name(&self, institution_id: InstitutionId) -> CoreResult<String> {
        sqlx::query_scalar("SELECT name FROM institutions WHERE id = $1")
            .bind(institution_id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| CoreError::NotFound(format!("institution {institution_id}")))
    }

    /// The institution's colours (the defaults where it chose none).
    pub async fn theme(&self, institution_id: InstitutionId) -> CoreResult<Theme> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT name, value FROM theme_settings WHERE institution_id = $1")
                .bind(institution_id)
                .fetch_all(self.pool())
                .await?;
        let mut theme = Theme::default();
        for (name, value) in rows {
            match name.as_str() {
                "primary" => theme.primary = value,
                "accent" => theme.accent = value,
                "background" => theme.background = value,
                _ => {}
            }
        }
        Ok(theme)
    }

    pub async fn settings(&self, institution_id: InstitutionId) -> CoreResult<Settings> {
        Ok(Settings {
            modules: self.module_names(institution_id).await?,
            theme: self.theme(institution_id).await?,
            images: self.theme_images(institution_id).await?,
            time_zone: self.time_zone(Some(institution_id)).await?,
        })
    }

    /// The name of an institution's time zone ("UTC" until it chooses one); for a visitor
    /// who belongs to none, the first institution's (the one a single-school Cairn serves).
    pub async fn time_zone(&self, institution_id: Option<InstitutionId>) -> CoreResult<String> {
        let kept = self.kept(
            |kept| &kept.time_zones,
            super::kept::Shows::Shared,
            institution_id,
            self.read_time_zone(institution_id),
        );
        Ok(kept.await?.as_ref().clone())
    }

    async fn read_time_zone(&self, institution_id: Option<InstitutionId>) -> CoreResult<String> {
        let name: Option<String> = sqlx::query_scalar(
            "SELECT value FROM theme_settings WHERE name = 'time_zone' \
             AND institution_id = COALESCE($1, (SELECT MIN(id) FROM institutions))",
        )
        .bind(institution_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(name.unwrap_or_else(|| "UTC".into()))
    }

    /// The institution's logo and background image, if it chose them.
    pub async fn theme_images(&self, institution_id: InstitutionId) -> CoreResult<ThemeImages> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, value FROM theme_settings WHERE institution_id = $1 \
             AND name IN ('logo_file', 'background_file')",
        )
        .bind(institution_id)
        .fetch_all(self.pool())
        .await?;
        let mut images = ThemeImages::default();
        for (name, value) in rows {
            let id = value.parse::<i64>().ok();
            if name == ThemeImage::Logo.setting() {
                images.logo = id;
            } else if name == ThemeImage::Background.setting() {
                images.background = id;
            }
        }
        Ok(images)
    }

    /// Sets (a kept file's id) or removes one of the institution's pictures, with its audit
    /// line, and tells every open page of the institution.
    pub async fn set_theme_image(
        &self,
        by: Actor<'_>,
        image: ThemeImage,
        file: Option<(i64, &str)>,
    ) -> CoreResult<()> {
        let mut tx = self.write_as(by).await?;
        sqlx::query("DELETE FROM theme_settings WHERE institution_id = $1 AND name = $2")
            .bind(by.institution_id)
            .bind(image.setting())
            .execute(&mut *tx)
            .await?;
        if let Some((id, _)) = file {
            sqlx::query(
                "INSERT INTO theme_settings (institution_id, name, value) VALUES ($1, $2, $3)",
            )
            .bind(by.institution_id)
            .bind(image.setting())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        }
        let (action, detail) = match file {
            Some((_, name)) => (format!("change {}", image.label()), name.to_string()),
            None => (format!("remove {}", image.label()), String::new()),
        };
        tx.audit(&action, ("theme", Some(image.key().to_string())), detail);
        tx.event(LiveEvent::Settings {
            institution_id: by.institution_id,
            at: crate::clock::now(),
        });
        tx.commit().await
    }

    /// Saves checked settings with one audit line per change, in one transaction, then tells
    /// every open page of the institution.
    pub async fn save_settings(&self, by: Actor<'_>, settings: &Settings) -> CoreResult<()> {
        let Actor {
            institution_id,
            actor_id,
            origin,
        } = by;
        let before = self.settings(institution_id).await?;
        let mut tx = self.write().await?;
        for module in Module::ALL {
            let (old, new) = (before.modules.name(module), settings.modules.name(module));
            if old == new {
                continue;
            }
            sqlx::query(
                "INSERT INTO module_names (institution_id, module, label) VALUES ($1, $2, $3) \
                 ON CONFLICT (institution_id, module) DO UPDATE SET label = excluded.label",
            )
            .bind(institution_id)
            .bind(module.key())
            .bind(new)
            .execute(&mut *tx)
            .await?;
            tx.audit_line(&Audit {
                institution_id,
                actor_id: Some(actor_id),
                origin,
                action: "rename module",
                subject_type: "module",
                subject_id: Some(module.key().into()),
                detail: format!("{old} → {new}"),
            });
        }
        // Colours and the time zone: one `theme_settings` row each, one audit line per change.
        let (colour, zone) = (
            ("change colour", "theme"),
            ("change time zone", "time zone"),
        );
        for (name, (action, subject_type), old, new) in [
            (
                "primary",
                colour,
                &before.theme.primary,
                &settings.theme.primary,
            ),
            (
                "accent",
                colour,
                &before.theme.accent,
                &settings.theme.accent,
            ),
            (
                "background",
                colour,
                &before.theme.background,
                &settings.theme.background,
            ),
            ("time_zone", zone, &before.time_zone, &settings.time_zone),
        ] {
            if old == new {
                continue;
            }
            sqlx::query(
                "INSERT INTO theme_settings (institution_id, name, value) VALUES ($1, $2, $3) \
                 ON CONFLICT (institution_id, name) DO UPDATE SET value = excluded.value",
            )
            .bind(institution_id)
            .bind(name)
            .bind(new)
            .execute(&mut *tx)
            .await?;
            tx.audit_line(&Audit {
                institution_id,
                actor_id: Some(actor_id),
                origin,
                action,
                subject_type,
                // A colour is named by which it is; there is one time zone.
                subject_id: (subject_type == "theme").then(|| name.into()),
                detail: format!("{old} → {new}"),
            });
        }
        tx.event(LiveEvent::Settings {
            institution_id,
            at: crate::clock::now(),
        });
        tx.commit().await
    }
}
