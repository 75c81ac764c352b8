//! Server functions of the attendance module: a learner's tile (its chart drawn here), and the
//! feed's status for administrators.

use cairn::model::{AttendanceFeed, AttendanceRun, LearnerAttendance};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A learner's attendance, with its weekly trend drawn as SVG on the server (none before the
/// term has two weeks of sessions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttendanceTile {
    pub attendance: LearnerAttendance,
    pub svg: Option<String>,
}

#[server(endpoint = "attendance")]
pub async fn get_attendance(learner_id: i64) -> Result<AttendanceTile, AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    let attendance = cairn::attendance::learner_attendance(&store, &viewer, learner_id).await?;
    let svg = (attendance.weeks.len() >= 2)
        .then(|| crate::components::attendance_chart::trend_svg(&attendance.weeks));
    Ok(AttendanceTile { attendance, svg })
}

/// The feed's status, and the run the page was sent back to after an import.
#[server(endpoint = "attendance_feed")]
pub async fn get_attendance_feed(
    run: Option<i64>,
) -> Result<(AttendanceFeed, Option<AttendanceRun>), AppError> {
    let (viewer, store) = crate::session::viewer_and_store()?;
    Ok(cairn::attendance::feed(&store, &viewer, run).await?)
}
