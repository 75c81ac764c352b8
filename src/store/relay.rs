//! What other server instances sharing one PostgreSQL database write. Every write sends, with
//! `NOTIFY` inside its transaction (so it goes out only if the transaction commits), what it
//! touched and each of its live events; every instance `LISTEN`s, moves its versions by what
//! the others touched (so its kept pages and reads go stale as they would for its own writes)
//! and republishes their events to its own subscribers. The command line's writes are sent the
//! same way. While the listening connection is lost, writes may pass unseen: the instance then
//! keeps nothing (`Store::sees_every_write`) until it hears itself again, and takes everything
//! as touched. SQLite has one serving process, so nothing is relayed there.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use sqlx::AnyConnection;

use super::write::Touched;
use super::{Backend, Store};
use crate::error::{CoreError, CoreResult};
use crate::model::LiveEvent;

/// The channel every instance of a database listens on.
pub(crate) const CHANNEL: &str = "cairn_live";

/// Learners named at most in one notification (PostgreSQL takes under 8,000 bytes); a write
/// that touched more says it touched everything.
const MAX_NAMED_LEARNERS: usize = 400;

/// How often an instance that lost its listening connection asks whether it hears again.
const PING_EVERY: Duration = Duration::from_secs(1);

/// What travels between instances: who sent it, and one of what it says.
#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    event: Option<LiveEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    touched: Option<Touched>,
    /// An instance asking whether it hears itself (after a lost connection).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    ping: bool,
}

impl Envelope {
    fn new(origin: u64) -> Envelope {
        Envelope {
            origin,
            event: None,
            touched: None,
            ping: false,
        }
    }
}

impl Store {
    /// Queues what a write touched and its events for the other instances; delivered when the
    /// transaction commits.
    pub(crate) async fn notify_others(
        &self,
        conn: &mut AnyConnection,
        touched: &Touched,
        events: &[LiveEvent],
    ) -> CoreResult<()> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        // Bookkeeping no page shows (a session, a read noted for the audit) is nobody's news.
        let bookkeeping = Touched {
            no_page: true,
            ..Touched::default()
        };
        if *touched != bookkeeping {
            let mut touched = touched.clone();
            if touched.learners.len() > MAX_NAMED_LEARNERS {
                touched.learners.clear();
                touched.everyone = true;
            }
            let touched = Envelope {
                touched: Some(touched),
                ..Envelope::new(self.instance)
            };
            self.send(conn, &touched).await?;
        }
        for event in events {
            let event = Envelope {
                event: Some(event.clone()),
                ..Envelope::new(self.instance)
            };
            self.send(conn, &event).await?;
        }
        Ok(())
    }

    /// Starts following what other instances write (PostgreSQL only). Returns once listening,
    /// so nothing committed after it is missed.
    pub async fn relay_other_instances(&self, url: &str) -> CoreResult<()> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        let mut listener = PgListener::connect(url).await?;
        listener.listen(&self.channel).await?;
        self.relayed.store(true, Ordering::Release);
        let store = self.clone();
        // Hearing ends with the store (a server stopping, a test finished), and with it the
        // listener's connection.
        let closed = self.pool().close_event();
        tokio::spawn(async move {
            tokio::pin!(closed);
            loop {
                let received = tokio::select! {
                    _ = &mut closed => break,
                    received = listener.try_recv() => received,
                };
                match received {
                    Ok(Some(notification)) => store.heard(notification.payload()),
                    Ok(None) => store.lost_hearing("the connection closed"),
                    Err(error) => {
                        store.lost_hearing(&error.to_string());
                        tokio::time::sleep(PING_EVERY).await;
                    }
                }
            }
        });
        Ok(())
    }

    /// One notification from the channel.
    fn heard(&self, payload: &str) {
        let envelope = match serde_json::from_str::<Envelope>(payload) {
            Ok(envelope) => envelope,
            Err(error) => {
                tracing::warn!(%error, "an unreadable notification from another instance");
                return;
            }
        };
        if envelope.origin == self.instance {
            // Our own ping: we hear again. What passed meanwhile is unknown, so everything is
            // taken as touched.
            if envelope.ping && !self.relayed.swap(true, Ordering::AcqRel) {
                self.touched(&Touched::everything());
                tracing::info!("hearing other instances again");
            }
            return;
        }
        if let Some(touched) = &envelope.touched {
            self.touched(touched);
        }
        if let Some(event) = envelope.event {
            self.publish(event);
        }
    }

    /// The listening connection was lost (the listener connects again by itself): other
    /// instances' writes may pass unseen, so nothing is kept until this instance hears its own
    /// ping.
    fn lost_hearing(&self, why: &str) {
        if !self.relayed.swap(false, Ordering::AcqRel) {
            return;
        }
        tracing::warn!(
            why,
            "lost the connection that hears other instances; reconnecting"
        );
        self.touched(&Touched::everything());
        let store = self.clone();
        tokio::spawn(async move {
            while !store.relayed.load(Ordering::Acquire) && !store.pool.is_closed() {
                tokio::time::sleep(PING_EVERY).await;
                let ping = Envelope {
                    ping: true,
                    ..Envelope::new(store.instance)
                };
                let sent = match store.pool.acquire().await {
                    Ok(mut conn) => store.send(&mut conn, &ping).await,
                    Err(error) => Err(error.into()),
                };
                if let Err(error) = sent {
                    tracing::warn!(%error, "could not ask whether other instances are heard");
                }
            }
        });
    }

    /// Queues one notification (sent when the connection's transaction commits, at once
    /// outside one).
    async fn send(&self, conn: &mut AnyConnection, envelope: &Envelope) -> CoreResult<()> {
        let payload = serde_json::to_string(envelope)
            .map_err(|error| CoreError::Store(sqlx::Error::Encode(Box::new(error))))?;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(&*self.channel)
            .bind(payload)
            .execute(conn)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_touching_many_learners_fits_one_notification() {
        let mut touched = Touched::default();
        touched
            .learners
            .extend(1_000_000..1_000_000 + MAX_NAMED_LEARNERS as i64);
        let payload = serde_json::to_string(&Envelope {
            touched: Some(touched),
            ..Envelope::new(u64::MAX)
        })
        .unwrap();
        assert!(payload.len() < 8_000, "{} bytes", payload.len());
    }
}
