//! The attendance tile of a learner's dashboard (their own, their parent's, their teacher's
//! view): the rate this term and this week, the weekly trend (drawn on the server, with the
//! same numbers as a table), and the latest absences and lates. New records draw it again live,
//! with the rest of the page.

use crate::sync_view::IntoAnySync;
use cairn::model::{AttendanceStatus, AttendanceTally, AttendanceWeek, LearnerAttendance};
use leptos::prelude::*;

use crate::api::{get_attendance, AttendanceTile as Tile_};
use crate::components::layout::Tile;
use crate::error::AppError;

/// A rate as schools write it: "94.6 %", "100 %"; a dash when nothing was recorded.
pub fn rate(tally: &AttendanceTally) -> String {
    match tally.rate() {
        None => "—".into(),
        Some(_) if tally.attended() == tally.sessions() => "100 %".into(),
        Some(_) if tally.attended() == 0 => "0 %".into(),
        Some(rate) => format!("{:.1} %", rate * 100.0),
    }
}

/// "61 of 65 sessions attended".
fn sessions(tally: &AttendanceTally) -> String {
    format!(
        "{} of {} session{} attended",
        tally.attended(),
        tally.sessions(),
        if tally.sessions() == 1 { "" } else { "s" }
    )
}

/// The tile's data, loaded by the page (outside the `Suspend` that draws the tile; see
/// `crate::page_data`).
pub fn load(learner_id: i64) -> AsyncDerived<Result<Tile_, AppError>> {
    crate::page_data::load(move || learner_id, get_attendance)
}

#[component]
pub fn AttendanceTile(tile: AsyncDerived<Result<Tile_, AppError>>) -> impl IntoView {
    view! {
        <Tile id="attendance" title="Attendance" wide=true>
            <Suspense fallback=|| view! { <div class="chart-skeleton short" aria-busy="true"></div> }>
                {move || Suspend::new(async move {
                    match tile.await {
                        Ok(tile) => view! { <AttendanceBody tile /> }.into_any_sync(),
                        Err(error) => view! { <p role="alert">{error.to_string()}</p> }.into_any_sync(),
                    }
                })}
            </Suspense>
        </Tile>
    }
}

#[component]
fn AttendanceBody(tile: Tile_) -> impl IntoView {
    let Tile_ { attendance, svg } = tile;
    let LearnerAttendance {
        period,
        term,
        this_week,
        weeks,
        recent,
        ..
    } = attendance;
    if term.sessions() == 0 {
        return view! {
            <p class="empty">{format!("No attendance has been recorded for {} yet.", period.title)}</p>
        }
        .into_any_sync();
    }
    let absences = term.absent + term.excused;
    let rates = || weeks.iter().filter_map(|week| week.tally.rate());
    let chart_label = format!(
        "Line chart of attendance each week of {}: between {:.0} % and {:.0} % a week. \
         The table below has the numbers.",
        period.title,
        rates().fold(1.0_f64, f64::min) * 100.0,
        rates().fold(0.0_f64, f64::max) * 100.0,
    );
    view! {
        <dl class="attendance-figures">
            <div>
                <dt>{format!("This term ({})", period.title)}</dt>
                <dd>
                    <strong class="figure">{rate(&term)}</strong>
                    <span class="muted">{sessions(&term)}</span>
                </dd>
            </div>
            <div>
                <dt>"This week"</dt>
                <dd>
                    {if this_week.sessions() == 0 {
                        view! { <span class="muted">"No sessions recorded yet"</span> }.into_any_sync()
                    } else {
                        view! {
                            <strong class="figure">{rate(&this_week)}</strong>
                            <span class="muted">{sessions(&this_week)}</span>
                        }
                        .into_any_sync()
                    }}
                </dd>
            </div>
            <div>
                <dt>"Absences this term"</dt>
                <dd>
                    <strong class="figure">{absences}</strong>
                    <span class="muted">{format!("{} excused · {} late", term.excused, term.late)}</span>
                </dd>
            </div>
        </dl>
        {svg.map(|svg| view! {
            <figure class="attendance-trend">
                <div class="chart-svg" role="img" aria-label=chart_label inner_html=svg></div>
            </figure>
            <details class="chart-table">
                <summary>"Show weeks as table"</summary>
                <WeeksTable weeks />
            </details>
        })}
        <h3 class="tile-subtitle">"Recent absences and lates"</h3>
        {if recent.is_empty() {
            view! { <p class="empty">"None this term."</p> }.into_any_sync()
        } else {
            view! {
                <ul class="rows attendance-recent">
                    {recent
                        .into_iter()
                        .map(|entry| {
                            let session = (entry.session != "day").then(|| format!(" · {}", entry.session));
                            let class = match entry.status {
                                AttendanceStatus::Late => "status-chip late",
                                AttendanceStatus::Excused => "status-chip excused",
                                _ => "status-chip absent",
                            };
                            view! {
                                <li>
                                    <span class=class>{entry.status.label()}</span>
                                    <time datetime=entry.day.clone()>{crate::dates::day(&entry.day)}</time>
                                    {session}
                                    {entry.group.map(|group| view! { <span class="muted">{format!(" · {group}")}</span> })}
                                    {entry.note.map(|note| view! { <span class="note">{format!(" — {note}")}</span> })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any_sync()
        }}
    }
    .into_any_sync()
}

#[component]
fn WeeksTable(weeks: Vec<AttendanceWeek>) -> impl IntoView {
    view! {
        <table class="figures">
            <thead>
                <tr>
                    <th scope="col">"Week of"</th>
                    <th scope="col">"Sessions"</th>
                    <th scope="col">"Present"</th>
                    <th scope="col">"Late"</th>
                    <th scope="col">"Absent"</th>
                    <th scope="col">"Excused"</th>
                    <th scope="col">"Attendance"</th>
                </tr>
            </thead>
            <tbody>
                {weeks
                    .into_iter()
                    .map(|week| {
                        let t = week.tally;
                        view! {
                            <tr>
                                <th scope="row">{crate::dates::day(&week.starts)}</th>
                                <td>{t.sessions()}</td>
                                <td>{t.present}</td>
                                <td>{t.late}</td>
                                <td>{t.absent}</td>
                                <td>{t.excused}</td>
                                <td>{rate(&t)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
