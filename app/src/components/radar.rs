//! The cohort radar chart: one function from chart data to an SVG string (plotters, SVG
//! backend), run on the server only — for the page, for the tile when the person switches
//! framework, and for `/learners/{id}/cohort.svg` — so the browser carries no charting code. Axes are competencies; the learner's levels are the strongest line, the cohort
//! median dashed, the interquartile band translucent.

use std::f64::consts::PI;

use cairn::cohort::RadarAxis;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const WIDTH: u32 = 560;
const HEIGHT: u32 = 470;
const CENTRE: (f64, f64) = (280.0, 215.0);
const RADIUS: f64 = 150.0;

const LEARNER: RGBColor = RGBColor(31, 95, 168);
const MEDIAN: RGBColor = RGBColor(77, 90, 107);
const BAND: RGBAColor = RGBAColor(33, 113, 181, 0.2);
const GRID: RGBColor = RGBColor(190, 199, 210);
const TEXT: RGBColor = RGBColor(27, 35, 48);

/// The point at `value` (0 to `max`) on axis `index` of `count`.
fn point(index: usize, count: usize, value: f64, max: f64) -> (i32, i32) {
    let angle = -PI / 2.0 + 2.0 * PI * index as f64 / count as f64;
    // Data stays inside the outer ring; labels (asked for beyond it) may go further.
    let r = RADIUS * (value / max).clamp(0.0, 1.25);
    (
        (CENTRE.0 + r * angle.cos()).round() as i32,
        (CENTRE.1 + r * angle.sin()).round() as i32,
    )
}

fn closed(points: Vec<(i32, i32)>) -> Vec<(i32, i32)> {
    let mut points = points;
    if let Some(first) = points.first().copied() {
        points.push(first);
    }
    points
}

/// Shortens a competency name to fit beside the chart.
fn short(label: &str) -> String {
    if label.chars().count() <= 22 {
        label.to_string()
    } else {
        let cut: String = label.chars().take(20).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The chart as an SVG document.
pub fn radar_svg(axes: &[RadarAxis], max_level: f64) -> String {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let _ = draw(&root, axes, max_level.max(1.0));
        let _ = root.present();
    }
    svg
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    axes: &[RadarAxis],
    max: f64,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let n = axes.len();
    if n < 3 {
        let style = TextStyle::from(("sans-serif", 15).into_font())
            .color(&TEXT)
            .pos(Pos::new(HPos::Center, VPos::Center));
        root.draw(&Text::new(
            "This framework has too few competencies for a radar chart; see the table.",
            (CENTRE.0 as i32, CENTRE.1 as i32),
            style,
        ))?;
        return Ok(());
    }
    let label_style = |h: HPos, v: VPos| {
        TextStyle::from(("sans-serif", 13).into_font())
            .color(&TEXT)
            .pos(Pos::new(h, v))
    };
    // Rings at each whole level, and a spoke per competency.
    for level in 1..=(max.round() as i64) {
        let ring: Vec<_> = (0..n).map(|i| point(i, n, level as f64, max)).collect();
        root.draw(&PathElement::new(closed(ring), GRID.stroke_width(1)))?;
        let (x, y) = point(0, n, level as f64, max);
        root.draw(&Text::new(
            level.to_string(),
            (x + 4, y),
            label_style(HPos::Left, VPos::Center),
        ))?;
    }
    for (i, axis) in axes.iter().enumerate() {
        let outer = point(i, n, max, max);
        root.draw(&PathElement::new(
            vec![(CENTRE.0 as i32, CENTRE.1 as i32), outer],
            GRID.stroke_width(1),
        ))?;
        let (x, y) = point(i, n, max * 1.18, max);
        let h = if x < CENTRE.0 as i32 - 10 {
            HPos::Right
        } else if x > CENTRE.0 as i32 + 10 {
            HPos::Left
        } else {
            HPos::Center
        };
        let v = if y < CENTRE.1 as i32 - 20 {
            VPos::Bottom
        } else if y > CENTRE.1 as i32 + 20 {
            VPos::Top
        } else {
            VPos::Center
        };
        root.draw(&Text::new(short(&axis.label), (x, y), label_style(h, v)))?;
    }
    // The cohort's interquartile band, segment by segment between the q1 and q3 rings.
    for i in 0..n {
        let j = (i + 1) % n;
        if let (Some(a), Some(b)) = (axes[i].spread, axes[j].spread) {
            root.draw(&Polygon::new(
                vec![
                    point(i, n, a.q3, max),
                    point(j, n, b.q3, max),
                    point(j, n, b.q1, max),
                    point(i, n, a.q1, max),
                ],
                BAND.filled(),
            ))?;
        }
    }
    let medians: Vec<_> = (0..n)
        .map(|i| point(i, n, axes[i].spread.map_or(0.0, |s| s.median), max))
        .collect();
    root.draw(&DashedPathElement::new(
        closed(medians),
        6,
        4,
        MEDIAN.stroke_width(2),
    ))?;
    let learner: Vec<_> = (0..n)
        .map(|i| point(i, n, axes[i].learner.unwrap_or(0.0), max))
        .collect();
    root.draw(&PathElement::new(
        closed(learner.clone()),
        LEARNER.stroke_width(3),
    ))?;
    for (i, at) in learner.into_iter().enumerate() {
        if axes[i].learner.is_some() {
            root.draw(&Circle::new(at, 4, LEARNER.filled()))?;
        }
    }
    // Legend.
    let y = HEIGHT as i32 - 22;
    let legend = label_style(HPos::Left, VPos::Center);
    root.draw(&PathElement::new(
        vec![(40, y), (70, y)],
        LEARNER.stroke_width(3),
    ))?;
    root.draw(&Text::new("Learner", (78, y), legend.clone()))?;
    root.draw(&DashedPathElement::new(
        vec![(180, y), (210, y)],
        6,
        4,
        MEDIAN.stroke_width(2),
    ))?;
    root.draw(&Text::new("Cohort median", (218, y), legend.clone()))?;
    root.draw(&Rectangle::new([(345, y - 7), (375, y + 7)], BAND.filled()))?;
    root.draw(&Text::new("Middle half of cohort", (383, y), legend))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn::cohort::Spread;

    fn axis(label: &str, learner: Option<f64>) -> RadarAxis {
        RadarAxis {
            label: label.into(),
            learner,
            spread: Some(Spread {
                learners: 25,
                q1: 1.8,
                median: 2.4,
                q3: 3.1,
            }),
        }
    }

    #[test]
    fn the_chart_is_an_svg_with_every_axis_and_series() {
        let axes = vec![
            axis("Collaboration", Some(3.2)),
            axis("Communication", Some(2.0)),
            axis("Critical thinking", None),
            axis("An extremely long competency name indeed", Some(1.0)),
        ];
        let svg = radar_svg(&axes, 4.0);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Collaboration"));
        assert!(svg.contains("An extremely long co…"));
        assert!(svg.contains("Cohort median"));
        // One dot per level the learner has.
        assert_eq!(svg.matches("<circle").count(), 3);
        // The band: one filled polygon per pair of neighbouring axes.
        assert!(svg.matches("<polygon").count() >= 4);
    }

    #[test]
    fn too_few_axes_say_so() {
        let svg = radar_svg(&[axis("Only", Some(2.0))], 4.0);
        assert!(svg.contains("too few competencies"));
    }
}
