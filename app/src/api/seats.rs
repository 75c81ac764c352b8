//! Server functions of seats on trainings: a registration code as its redeemer sees it, and
//! its redemption (the core asks the policy).

use cairn::model::Registration;
use leptos::prelude::*;

use crate::error::AppError;

#[server(endpoint = "registration")]
pub async fn get_registration(code: String) -> Result<Registration, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::seats::registration(&store, &viewer, &code).await?)
}

/// Takes a seat with a registration code; the training's name.
#[server(endpoint = "redeem_code")]
pub async fn redeem_code(code: String) -> Result<String, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::seats::redeem(&store, &viewer, &code).await?.training)
}

/// The registration codes the signed-in manager (or administrator) gives seats of.
#[server(endpoint = "codes")]
pub async fn get_codes() -> Result<Vec<cairn::model::CodeAdmin>, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::seats::codes(&store, &viewer).await?)
}

#[server(endpoint = "assign_seat")]
pub async fn assign_seat(code_id: i64, email: String) -> Result<i64, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::seats::assign(&store, &viewer, code_id, &email).await?)
}

#[server(endpoint = "take_back_seat")]
pub async fn take_back_seat(seat_id: i64) -> Result<(), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::seats::take_back(&store, &viewer, seat_id).await?)
}
