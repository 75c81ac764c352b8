//! `GET /api/v1/events`: the live events the signed-in person may see, as server-sent events.
//! Every event is decided on the person as they are now. The store counts the writes that may
//! change who sees what (`Store::access_version`: people, roles, groups, parent links,
//! sessions); before each event, if that count has moved since the stream last looked, it looks
//! its session up again and forgets the policy's answers. So a stream ends at the first event
//! after its session does — sign-out, an administrator disabling the account, a new password —
//! and a role or group taken away stops the learner's events at once, while a school day of
//! marks costs one policy answer per learner per stream. On PostgreSQL, where other instances
//! change access unseen, it looks every time. A subscriber that falls behind gets a `lagged` event and reloads what it shows;
//! so does a browser that reconnects after a dropped connection.

use std::collections::HashMap;
use std::convert::Infallible;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use cairn::model::{Audience, LiveEvent, UserId, Viewer};
use futures::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use crate::api::unauthorized;
use crate::router::AppState;

struct Subscription {
    events: Receiver<LiveEvent>,
    state: AppState,
    /// The session the stream was opened with: looked up again before every event.
    token: String,
    viewer: Viewer,
    /// The policy's answers for `viewer`, valid while the access version is `checked_at`.
    decisions: HashMap<UserId, bool>,
    checked_at: Option<u64>,
}

impl Subscription {
    /// Looks the session up again if who may see what has changed since the last look;
    /// `None` when the session has ended.
    async fn refresh_viewer(&mut self) -> Option<()> {
        let access = self.state.store.access_version();
        if access.is_some() && access == self.checked_at {
            return Some(());
        }
        self.viewer = self
            .state
            .caches
            .viewer(&self.state.store, &self.token)
            .await?;
        self.decisions.clear();
        self.checked_at = access;
        Some(())
    }

    async fn may_see(&mut self, learner_id: UserId) -> bool {
        if let Some(allowed) = self.decisions.get(&learner_id) {
            return *allowed;
        }
        let allowed = cairn::access::authorize_learner(&self.state.store, &self.viewer, learner_id)
            .await
            .is_ok();
        self.decisions.insert(learner_id, allowed);
        allowed
    }

    /// The next event this person may see, or `None` when the session or the server stops.
    async fn next(&mut self) -> Option<Event> {
        loop {
            match self.events.recv().await {
                Ok(event) => {
                    self.refresh_viewer().await?;
                    let allowed = match event.audience() {
                        Audience::Learner(learner_id) => self.may_see(learner_id).await,
                        Audience::Institution(id) => id == self.viewer.institution_id,
                    };
                    if allowed {
                        return Some(sse_event(&event));
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    self.refresh_viewer().await?;
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
        LiveEvent::Settings { at, .. }
        | LiveEvent::Levels { at, .. }
        | LiveEvent::AttendanceFeed { at, .. } => at.clone(),
        LiveEvent::Attendance {
            learner_id,
            day,
            session,
            at,
            ..
        } => format!("{learner_id}/{day}/{session}@{at}"),
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

pub async fn events(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    headers: HeaderMap,
) -> Response {
    let (Some(Extension(viewer)), Some(token)) = (viewer, crate::auth::session_token(&headers))
    else {
        return unauthorized();
    };
    let checked_at = state.store.access_version();
    let subscription = Subscription {
        events: state.store.subscribe(),
        state,
        token,
        viewer,
        decisions: HashMap::new(),
        checked_at,
    };

    Sse::new(live_stream(subscription))
        .keep_alive(KeepAlive::default())
        .into_response()
}
