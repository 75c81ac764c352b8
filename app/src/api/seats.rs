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
