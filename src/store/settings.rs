//! An institution's settings: the names of its modules and its colours, saved together with
//! their audit line and announced, so open pages change without a restart.

use super::audit::Audit;
use super::Store;
use crate::error::CoreResult;
use crate::model::{InstitutionId, LiveEvent, Module, Settings, UserId};
use crate::theme::Theme;

impl Store {
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
        })
    }

    /// Saves checked settings with one audit line per change, in one transaction, then tells
    /// every open page of the institution.
    pub async fn save_settings(
        &self,
        institution_id: InstitutionId,
        actor_id: UserId,
        origin: Option<&str>,
        settings: &Settings,
    ) -> CoreResult<()> {
        let before = self.settings(institution_id).await?;
        let mut tx = self.write_tx().await?;
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
            self.append_audit(
                &mut tx,
                &Audit {
                    institution_id,
                    actor_id: Some(actor_id),
                    origin,
                    action: "rename module",
                    subject_type: "module",
                    subject_id: Some(module.key().into()),
                    detail: format!("{old} → {new}"),
                },
            )
            .await?;
        }
        for (name, old, new) in [
            ("primary", &before.theme.primary, &settings.theme.primary),
            ("accent", &before.theme.accent, &settings.theme.accent),
            (
                "background",
                &before.theme.background,
                &settings.theme.background,
            ),
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
            self.append_audit(
                &mut tx,
                &Audit {
                    institution_id,
                    actor_id: Some(actor_id),
                    origin,
                    action: "change colour",
                    subject_type: "theme",
                    subject_id: Some(name.into()),
                    detail: format!("{old} → {new}"),
                },
            )
            .await?;
        }
        let event = LiveEvent::Settings {
            institution_id,
            at: crate::clock::now(),
        };
        self.notify_others(&mut tx, &event).await?;
        tx.commit().await?;
        self.changed();
        self.publish(event);
        Ok(())
    }
}
