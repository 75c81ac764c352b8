//! Live events across server instances sharing one PostgreSQL database. Each evidence event is
//! also sent with `NOTIFY` inside the transaction that records it (so it goes out only if the
//! transaction commits); every instance `LISTEN`s and republishes what the others sent to its
//! own subscribers. SQLite has one process, so nothing is relayed there.

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use sqlx::AnyConnection;

use super::{Backend, Store};
use crate::error::{CoreError, CoreResult};
use crate::model::LiveEvent;

const CHANNEL: &str = "cairn_live";

/// A live event as it travels between instances, with the instance that sent it.
#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: u64,
    event: LiveEvent,
}

impl Store {
    /// Queues the event for the other instances; delivered when the transaction commits.
    pub(crate) async fn notify_others(
        &self,
        conn: &mut AnyConnection,
        event: &LiveEvent,
    ) -> CoreResult<()> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        let payload = serde_json::to_string(&Envelope {
            origin: self.instance,
            event: event.clone(),
        })
        .map_err(|error| CoreError::Store(sqlx::Error::Encode(Box::new(error))))?;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Starts republishing the events other instances record (PostgreSQL only). Returns once
    /// listening, so nothing recorded after it is missed.
    pub async fn relay_other_instances(&self, url: &str) -> CoreResult<()> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        let mut listener = PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        let store = self.clone();
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(notification) => {
                        match serde_json::from_str::<Envelope>(notification.payload()) {
                            Ok(envelope) if envelope.origin != store.instance => {
                                store.touched(&super::Touched::by(&envelope.event));
                                store.publish(envelope.event);
                            }
                            Ok(_) => {}
                            Err(error) => {
                                tracing::warn!(%error, "an unreadable live event from another instance")
                            }
                        }
                    }
                    Err(error) => {
                        // recv reconnects by itself; events sent meanwhile are not seen here.
                        tracing::warn!(%error, "lost the live-event connection; reconnecting");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(())
    }
}
