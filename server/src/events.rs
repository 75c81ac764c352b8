//! `GET /api/v1/events`: the live events the signed-in person may see, as server-sent events.
//! Each event is checked against the policy (who may see its learner) before it is sent; the
//! answer is remembered for a minute per connection, so a busy stream asks the store rarely.
//! A subscriber that falls behind gets a `lagged` event and reloads what it shows; so does a
//! browser that reconnects after a dropped connection.

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use cairn::model::{Audience, LiveEvent, UserId, Viewer};
use futures::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use crate::api::unauthorized;
use crate::router::AppState;

/// How long a connection trusts its answer to "may this person see that learner".
const DECISION_TTL: Duration = Duration::from_secs(60);

struct Subscription {
    events: Receiver<LiveEvent>,
    state: AppState,
    viewer: Viewer,
    decisions: HashMap<UserId, (bool, Instant)>,
}

impl Subscription {
    async fn may_see(&mut self, learner_id: UserId) -> bool {
        if let Some((allowed, at)) = self.decisions.get(&learner_id) {
            if at.elapsed() < DECISION_TTL {
                return *allowed;
            }
        }
        let allowed = cairn::access::authorize_learner(&self.state.store, &self.viewer, learner_id)
            .await
            .is_ok();
        self.decisions.insert(learner_id, (allowed, Instant::now()));
        allowed
    }

    /// The next event this person may see, or `None` when the server stops.
    async fn next(&mut self) -> Option<Event> {
        loop {
            match self.events.recv().await {
                Ok(event) => {
                    let allowed = match event.audience() {
                        Audience::Learner(learner_id) => self.may_see(learner_id).await,
                        Audience::Institution(id) => id == self.viewer.institution_id,
                    };
                    if allowed {
                        return Some(sse_event(&event));
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a live subscriber fell behind");
                    return Some(Event::default().event("lagged").data(missed.to_string()));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

fn sse_event(event: &LiveEvent) -> Event {
    let event_id = match event {
        LiveEvent::Evidence { evidence_id, .. } => evidence_id.to_string(),
        LiveEvent::Story { at, .. } => at.clone(),
        LiveEvent::CheckIn { checkin_id, at, .. } => format!("{checkin_id}@{at}"),
        LiveEvent::Settings { at, .. } | LiveEvent::Levels { at, .. } => at.clone(),
    };
    Event::default()
        .event(event.name())
        .id(event_id)
        .json_data(event)
        .unwrap_or_else(|_| Event::default().event("lagged").data("0"))
}

fn live_stream(subscription: Subscription) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(subscription, |mut subscription| async move {
        let event = subscription.next().await?;
        Some((Ok(event), subscription))
    })
}

pub async fn events(State(state): State<AppState>, viewer: Option<Extension<Viewer>>) -> Response {
    let Some(Extension(viewer)) = viewer else {
        return unauthorized();
    };
    let subscription = Subscription {
        events: state.store.subscribe(),
        state,
        viewer,
        decisions: HashMap::new(),
    };
    Sse::new(live_stream(subscription))
        .keep_alive(KeepAlive::default())
        .into_response()
}
