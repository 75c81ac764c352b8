//! The attendance trend: a learner's rate week by week over the term, drawn with plotters (SVG
//! backend) on the server only, so the browser carries no charting code. The rate is a line
//! with a point per week that had sessions; the 90 % line teachers watch is a thinner line of
//! its own colour (a solid one: plotters draws each dash of a dashed line as an element, and
//! this chart is drawn with every render of a dashboard).

use cairn::model::{AttendanceWeek, ATTENDANCE_CONCERN};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const WIDTH: u32 = 560;
const HEIGHT: u32 = 220;
/// The plot's corners: left, top, right, bottom.
const PLOT: (i32, i32, i32, i32) = (52, 14, 540, 180);

const LINE: RGBColor = RGBColor(31, 95, 168);
const CONCERN: RGBColor = RGBColor(176, 58, 46);
const GRID: RGBColor = RGBColor(190, 199, 210);
const TEXT: RGBColor = RGBColor(27, 35, 48);

/// The lowest rate the scale shows: 50 %, or lower in tens when a week was lower.
fn floor(weeks: &[AttendanceWeek]) -> f64 {
    let lowest = weeks
        .iter()
        .filter_map(|week| week.tally.rate())
        .fold(1.0_f64, f64::min);
    ((lowest * 10.0).floor() / 10.0).min(0.5)
}

fn y_of(rate: f64, floor: f64) -> i32 {
    let (_, top, _, bottom) = PLOT;
    let share = ((rate - floor) / (1.0 - floor)).clamp(0.0, 1.0);
    (f64::from(bottom) - share * f64::from(bottom - top)).round() as i32
}

fn x_of(index: usize, count: usize) -> i32 {
    let (left, _, right, _) = PLOT;
    if count <= 1 {
        return (left + right) / 2;
    }
    let step = f64::from(right - left - 20) / (count - 1) as f64;
    left + 10 + (index as f64 * step).round() as i32
}

/// "24 Aug" from `2026-08-24`.
fn short_day(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = date.split('-').skip(1);
    match (
        parts.next().and_then(|m| m.parse::<usize>().ok()),
        parts.next().and_then(|d| d.parse::<u32>().ok()),
    ) {
        (Some(month @ 1..=12), Some(day)) => format!("{day} {}", MONTHS[month - 1]),
        _ => date.to_string(),
    }
}

/// The chart as an SVG document.
pub fn trend_svg(weeks: &[AttendanceWeek]) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let _ = draw(&root, weeks);
        let _ = root.present();
    }
    svg
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    weeks: &[AttendanceWeek],
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let (left, _, right, bottom) = PLOT;
    let floor = floor(weeks);
    let text = |h: HPos, v: VPos| {
        TextStyle::from(("sans-serif", 12).into_font())
            .color(&TEXT)
            .pos(Pos::new(h, v))
    };
    // Gridlines every ten points, labelled.
    let mut tenth = (floor * 10.0).round() as i32;
    while tenth <= 10 {
        let y = y_of(f64::from(tenth) / 10.0, floor);
        root.draw(&PathElement::new(
            vec![(left, y), (right, y)],
            GRID.stroke_width(1),
        ))?;
        root.draw(&Text::new(
            format!("{} %", tenth * 10),
            (left - 6, y),
            text(HPos::Right, VPos::Center),
        ))?;
        tenth += 1;
    }
    let concern = y_of(ATTENDANCE_CONCERN, floor);
    root.draw(&PathElement::new(
        vec![(left, concern), (right, concern)],
        CONCERN.stroke_width(2),
    ))?;
    // The weeks in calendar order, a holiday a gap: a label under every few, so they never
    // overlap.
    let count = weeks.last().map_or(1, |week| week.number as usize + 1);
    let every = weeks.len().div_ceil(8).max(1);
    for (index, week) in weeks.iter().enumerate() {
        if index % every == 0 || index + 1 == weeks.len() {
            root.draw(&Text::new(
                short_day(&week.starts),
                (x_of(week.number as usize, count), bottom + 8),
                text(HPos::Center, VPos::Top),
            ))?;
        }
    }
    // A line through consecutive weeks; broken where weeks without sessions fall between.
    let mut run: Vec<(i32, i32)> = Vec::new();
    let mut previous: Option<u32> = None;
    for week in weeks {
        let Some(rate) = week.tally.rate() else {
            continue;
        };
        let point = (x_of(week.number as usize, count), y_of(rate, floor));
        if previous.is_some_and(|number| number + 1 != week.number) {
            root.draw(&PathElement::new(
                std::mem::take(&mut run),
                LINE.stroke_width(3),
            ))?;
        }
        run.push(point);
        previous = Some(week.number);
        root.draw(&Circle::new(point, 4, LINE.filled()))?;
    }
    root.draw(&PathElement::new(run, LINE.stroke_width(3)))?;
    // Legend.
    let y = HEIGHT as i32 - 10;
    root.draw(&PathElement::new(
        vec![(left, y), (left + 30, y)],
        LINE.stroke_width(3),
    ))?;
    root.draw(&Text::new(
        "Attendance each week",
        (left + 38, y),
        text(HPos::Left, VPos::Center),
    ))?;
    root.draw(&PathElement::new(
        vec![(left + 220, y), (left + 250, y)],
        CONCERN.stroke_width(2),
    ))?;
    root.draw(&Text::new(
        format!("{:.0} %", ATTENDANCE_CONCERN * 100.0),
        (left + 258, y),
        text(HPos::Left, VPos::Center),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn::model::AttendanceTally;

    fn week(starts: &str, number: u32, present: u32, absent: u32) -> AttendanceWeek {
        AttendanceWeek {
            starts: starts.into(),
            number,
            tally: AttendanceTally {
                present,
                absent,
                ..Default::default()
            },
        }
    }

    #[test]
    fn the_trend_is_an_svg_with_a_point_a_week_and_the_90_line() {
        let weeks = vec![
            week("2026-08-24", 0, 5, 0),
            week("2026-08-31", 1, 4, 1),
            // A holiday week between: the line breaks there.
            week("2026-09-14", 3, 2, 3),
        ];
        let svg = trend_svg(&weeks);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("24 Aug") && svg.contains("14 Sep"));
        // Two runs of the line, and its legend.
        let line = r##"stroke="#1F5FA8" stroke-width="3""##;
        assert_eq!(svg.matches(line).count(), 2 + 1, "{svg}");
        // 40 % was a week's rate: the scale goes down to it.
        assert!(svg.contains("\n40 %\n"), "{svg}");
        assert!(svg.contains("\n90 %\n"));
    }

    #[test]
    fn the_scale_starts_at_half_unless_a_week_was_lower() {
        assert_eq!(floor(&[week("2026-08-24", 0, 9, 1)]), 0.5);
        assert_eq!(floor(&[week("2026-08-24", 0, 3, 7)]), 0.3);
        assert_eq!(y_of(1.0, 0.5), PLOT.1);
        assert_eq!(y_of(0.5, 0.5), PLOT.3);
    }
}
