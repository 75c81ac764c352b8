//! Seats on trainings under the policy: a signed-in person redeems a registration code of their
//! institution; administrators give seats of any of its codes, managers of their own
//! (`policy::seat_giver`), and take back those nobody has taken up.

use crate::error::{CoreError, CoreResult};
use crate::model::Viewer;
use crate::policy::{seat_giver, SeatGiver};
use crate::store::audit::Actor;
use crate::store::seats::Redeemed;
use crate::store::Store;

/// A registration code as the viewer sees it before redeeming it.
pub async fn registration(
    store: &Store,
    viewer: &Viewer,
    code: &str,
) -> CoreResult<crate::model::Registration> {
    store.registration(code, viewer.id).await
}

/// The viewer redeems `code`: a seat on its training, and their enrolment.
pub async fn redeem(store: &Store, viewer: &Viewer, code: &str) -> CoreResult<Redeemed> {
    store
        .redeem_code(code, viewer.id, viewer.origin.as_deref())
        .await
}

/// Who gives a seat, and of which codes; refused for anyone who gives none.
fn giver(viewer: &Viewer) -> CoreResult<(Actor<'_>, Option<i64>)> {
    let scope = seat_giver(viewer).ok_or(CoreError::Forbidden)?;
    let by = Actor {
        institution_id: viewer.institution_id,
        actor_id: viewer.id,
        origin: viewer.origin.as_deref(),
    };
    let manager = match scope {
        SeatGiver::Institution => None,
        SeatGiver::OwnCodes(manager) => Some(manager),
    };
    Ok((by, manager))
}

/// The codes the viewer gives seats of, with whom their seats went to.
pub async fn codes(store: &Store, viewer: &Viewer) -> CoreResult<Vec<crate::model::CodeAdmin>> {
    let (by, manager) = giver(viewer)?;
    store.codes(by.institution_id, manager).await
}

/// Assigns a seat of a code to an email address; the seat's id.
pub async fn assign(store: &Store, viewer: &Viewer, code_id: i64, email: &str) -> CoreResult<i64> {
    let (by, manager) = giver(viewer)?;
    store.assign_seat(by, manager, code_id, email).await
}

/// Takes back a seat nobody has taken up.
pub async fn take_back(store: &Store, viewer: &Viewer, seat_id: i64) -> CoreResult<()> {
    let (by, manager) = giver(viewer)?;
    store.take_back_seat(by, manager, seat_id).await
}
